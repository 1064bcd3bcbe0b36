// "Why doesn't this pass work?": every check a sign-in with the user's pass goes through, each with pass or fail and
// what the admin can do. The pass checks ARE the redemption's (REDEMPTION_CHECKS); the account checks use the same
// predicates as sign-in (eligibility.ts) and the throttle's own reading, so a diagnosis cannot tell another story.

import { isAccountEnabled, isExternalGuest, type PassHolder } from './eligibility.js';
import { passEndsAt, retryWindowEndsAt, type TapRecord, type UsabilityContext } from './pass.js';
import { REDEMPTION_CHECKS, type RedemptionCheck, runCheck } from './redeem.js';
import { type SessionRule, SESSION_RULES } from './session-rules.js';

export type CheckStatus = 'pass' | 'fail' | 'notApplicable';

export interface DiagnosisCheck {
  /** Stable camelCase id. */
  readonly name: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What the admin should do; empty when the check passes or does not apply. */
  readonly fix: string;
}

export interface Diagnosis {
  readonly isUsable: boolean;
  /** The first failing check: the refusal the user meets first. */
  readonly firstFailingCheck: string | null;
  readonly checks: readonly DiagnosisCheck[];
}

/** Read without counting an attempt: the back-off a pass attempt from a browser the user never used would wait. */
export interface PassThrottle {
  readonly retryAfterSeconds: number;
  readonly lockedOut: boolean;
}

export interface DiagnosisFacts {
  readonly user: PassHolder;
  readonly pass: TapRecord | undefined;
  readonly ctx: UsabilityContext;
  readonly throttle: PassThrottle;
}

/** How times are written: the Graph answer in UTC, the CLI in the admin's own time zone. */
export type FormatTime = (at: Date) => string;

interface Wording {
  readonly title: string;
  readonly passed: (f: DiagnosisFacts, time: FormatTime) => string;
  readonly failed: (f: DiagnosisFacts, time: FormatTime) => string;
  readonly fix: string;
}

const passOf = (f: DiagnosisFacts): TapRecord => f.pass as TapRecord;

/** Plain words for each redemption check, by its name; a check without words fails the unit test. */
export const REDEMPTION_CHECK_WORDING: Readonly<Record<string, Wording>> = {
  policyOn: {
    title: 'Temporary Access Pass policy on',
    passed: () => 'The Temporary Access Pass policy is enabled.',
    failed: () => 'The Temporary Access Pass policy is disabled: no pass works for anyone.',
    fix: 'Enable the Temporary Access Pass policy (gatepass policy tap set --state enabled).',
  },
  userTargeted: {
    title: 'User targeted by the policy',
    passed: () => 'The policy includes the user (all users, or one of their groups).',
    failed: () => 'The policy includes neither all users nor any group of this user.',
    fix: "Add one of the user's groups (or all users) to the policy's include targets, or add the user to an included group.",
  },
  notExcluded: {
    title: 'User not excluded',
    passed: () => "None of the user's groups is excluded from the policy.",
    failed: () => "One of the user's groups is excluded from the policy; an exclusion wins over any inclusion.",
    fix: "Remove the user from the excluded group, or that group from the policy's exclude targets.",
  },
  usageAllowed: {
    title: 'Kind of pass allowed',
    passed: (f) => (passOf(f).isUsableOnce ? 'A one-time pass.' : 'The policy allows multi-use passes.'),
    failed: () => 'The policy now allows one-time passes only, and this pass is multi-use.',
    fix: 'Issue a new, one-time pass.',
  },
  notDisputed: {
    title: 'Not reported by the user',
    passed: () => 'Nobody reported this pass as not requested.',
    failed: (f, time) =>
      `The user reported this pass as not requested ("This wasn't me") at ${time(passOf(f).disputedAt as Date)}; it never works again.`,
    fix: 'Revoke the pass, check with the user who asked for it, then issue a new one.',
  },
  notUsed: {
    title: 'Not used yet',
    passed: (f) => (passOf(f).isUsableOnce ? 'The one-time pass has not been used.' : 'A multi-use pass.'),
    failed: (f, time) => {
      const p = passOf(f);
      return p.usedUpAt
        ? `The retry-tolerant one-time pass was used up by a registration at ${time(p.usedUpAt)}.`
        : `The one-time pass was used at ${time(p.usedAt as Date)}.`;
    },
    fix: 'Issue a new pass.',
  },
  windowOpen: {
    title: 'Registration window open',
    passed: (f, time) => {
      const ends = retryWindowEndsAt(passOf(f));
      return ends
        ? `The retry-tolerant one-time pass signs in again until ${time(ends)}.`
        : 'No registration window is running.';
    },
    failed: (f, time) =>
      `The retry-tolerant one-time pass's registration window ended at ${time(retryWindowEndsAt(passOf(f)) as Date)}.`,
    fix: 'Issue a new pass.',
  },
  notExpired: {
    title: 'Not expired',
    passed: (f, time) => `The pass works until ${time(passEndsAt(passOf(f)))}.`,
    failed: (f, time) => `The pass expired at ${time(passEndsAt(passOf(f)))}.`,
    fix: 'Issue a new pass.',
  },
  started: {
    title: 'Started',
    passed: (f, time) => `The pass started at ${time(passOf(f).startAt)}.`,
    failed: (f, time) => `The pass starts at ${time(passOf(f).startAt)}.`,
    fix: 'Wait until the start time, or issue a new pass that starts now.',
  },
};

function fromRedemption(check: RedemptionCheck, f: DiagnosisFacts, time: FormatTime): DiagnosisCheck {
  const words = REDEMPTION_CHECK_WORDING[check.name] as Wording;
  const fails = runCheck(check, f.pass, f.ctx);
  if (fails === undefined) {
    return {
      name: check.name,
      title: words.title,
      status: 'notApplicable',
      detail: 'The user holds no pass.',
      fix: '',
    };
  }
  return fails
    ? { name: check.name, title: words.title, status: 'fail', detail: words.failed(f, time), fix: words.fix }
    : { name: check.name, title: words.title, status: 'pass', detail: words.passed(f, time), fix: '' };
}

const passed = (name: string, title: string, detail: string): DiagnosisCheck => ({
  name,
  title,
  status: 'pass',
  detail,
  fix: '',
});
const failed = (name: string, title: string, detail: string, fix: string): DiagnosisCheck => ({
  name,
  title,
  status: 'fail',
  detail,
  fix,
});

// Before the pass is even compared, as at sign-in: a disabled account is refused first, then the throttle is asked.
function accountChecks(f: DiagnosisFacts): DiagnosisCheck[] {
  const enabled = isAccountEnabled(f.user)
    ? passed('accountEnabled', 'Account enabled', 'The account is enabled.')
    : failed(
        'accountEnabled',
        'Account enabled',
        'The account is disabled: it cannot sign in at all.',
        'Enable the account (gatepass user enable USER), if it should sign in.',
      );
  const guest = isExternalGuest(f.user)
    ? failed(
        'notGuest',
        'Not an external guest',
        'An external guest cannot hold or use a Temporary Access Pass (as in Entra).',
        'The guest signs in at their own organisation; remove the pass.',
      )
    : passed('notGuest', 'Not an external guest', f.user.userType === 'Guest' ? 'An internal guest.' : 'A member.');
  const { retryAfterSeconds, lockedOut } = f.throttle;
  const throttle =
    retryAfterSeconds > 0 || lockedOut
      ? failed(
          'notThrottled',
          'Not throttled',
          lockedOut
            ? `Repeated wrong passes lock out unfamiliar browsers; the next try is checked in ${retryAfterSeconds} s.`
            : `Repeated wrong passes: the next try is checked in ${retryAfterSeconds} s.`,
          'Wait, or clear the counters (gatepass user unlock USER) once you know the failures were the user.',
        )
      : passed('notThrottled', 'Not throttled', 'No back-off on pass attempts.');
  return [enabled, guest, throttle];
}

function passExists(f: DiagnosisFacts, time: FormatTime): DiagnosisCheck {
  return f.pass === undefined
    ? failed(
        'passExists',
        'Pass exists',
        'The user holds no Temporary Access Pass.',
        'Issue one (gatepass tap create USER).',
      )
    : passed('passExists', 'Pass exists', `Pass ${f.pass.id}, issued ${time(f.pass.createdAt)}.`);
}

function sessionRules(f: DiagnosisFacts, time: FormatTime, rules: readonly SessionRule[]): DiagnosisCheck {
  const title = 'Session rules';
  if (f.pass === undefined) {
    return { name: 'sessionRules', title, status: 'notApplicable', detail: 'The user holds no pass.', fix: '' };
  }
  const lines = rules.map((rule) => rule(f.pass as TapRecord, time));
  const stops = lines.filter((l) => l.stops);
  const detail = lines.map((l) => l.text).join(' ');
  return stops.length > 0
    ? failed('sessionRules', title, detail, stops.map((l) => l.fix ?? '').join(' '))
    : passed('sessionRules', title, detail);
}

/** Every check in the order a sign-in meets them; the first failing one is the refusal the user sees. */
export function diagnose(
  f: DiagnosisFacts,
  time: FormatTime,
  rules: readonly SessionRule[] = SESSION_RULES,
): Diagnosis {
  const checks = [
    ...accountChecks(f),
    passExists(f, time),
    ...REDEMPTION_CHECKS.map((check) => fromRedemption(check, f, time)),
    sessionRules(f, time, rules),
  ];
  const first = checks.find((c) => c.status === 'fail');
  return { isUsable: first === undefined, firstFailingCheck: first?.name ?? null, checks };
}
