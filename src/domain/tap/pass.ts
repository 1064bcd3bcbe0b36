// A Temporary Access Pass's life: issue plan, usability at an instant, token cap, and its audit properties — all from an injected now.
import type { ModifiedProperty } from '../audit.js';
import { AppError, errorCatalogue } from '../errors.js';
import type { TapUsabilityReason } from '../signin/types.js';
import { TAP_LIMITS, TAP_PURPOSES, type TapPurpose } from './constants.js';
import { parseDateTimeOffset } from './date-time.js';
import { isUserExcluded, isUserIncluded } from './policy.js';
import type { TapPolicy } from './policy.js';

export type { TapUsabilityReason } from '../signin/types.js';

/** A stored pass without its secret (the argon2id hash stays in the store layer). */
export interface TapRecord {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly startAt: Date;
  readonly lifetimeMinutes: number;
  readonly isUsableOnce: boolean;
  /** When a one-time pass was consumed (for a multi-use pass: its last use, which never makes it unusable). */
  readonly usedAt: Date | null;
  /** 'setup': a sign-in with it reaches Security info only (see ./purpose.ts); 'access': every app. */
  readonly purpose: TapPurpose;
  /**
   * A retry-tolerant one-time pass (the policy's gatepassOneTimeRetry when it was issued): its registration window in
   * minutes, counted from its first use (usedAt), within which it signs in again. Absent or null: Entra's rule, used up
   * at its first sign-in.
   */
  readonly retryWindowMinutes?: number | null;
  /** When a session of a retry-tolerant pass completed a registration, which uses it up at once. */
  readonly usedUpAt?: Date | null;
  /** When the holder reported it as not theirs ("This wasn't me"); null: never. Such a pass is never redeemed. */
  readonly disputedAt: Date | null;
}

/** Entra: after a one-time pass sign-in, a passwordless method must be registered within 10 minutes. */
export const ONE_TIME_REGISTRATION_WINDOW_SECONDS = 600;

/**
 * Entra leaves a past startDateTime undocumented (§9.2). Gatepass tolerates 5 minutes of clock skew
 * between caller and server and treats such a start as "now"; anything older is refused, since a
 * start in the past usually means a wrong date or time zone, and the admin should look again.
 */
export const START_PAST_TOLERANCE_MS = 5 * 60_000;
/**
 * Also undocumented in Entra. Gatepass refuses a start more than 30 days ahead (the longest lifetime):
 * a pass waiting for months is a standing secret in someone's mailbox. Onboarding a joiner a few
 * weeks before their first day still works.
 */
export const START_MAX_AHEAD_MS = TAP_LIMITS.maxLifetimeMinutes * 60_000;

/** The first instant the pass no longer works: startDateTime + lifetimeInMinutes (Entra's EndDateTime). */
export function passEndsAt(pass: Pick<TapRecord, 'startAt' | 'lifetimeMinutes'>): Date {
  return new Date(pass.startAt.getTime() + pass.lifetimeMinutes * 60_000);
}

export interface UsabilityContext {
  /** The pass policy's state is 'enabled'. */
  readonly policyOn: boolean;
  /** An include target covers the user (`all_users` or one of their groups). */
  readonly userIncluded: boolean;
  /** One of the user's groups is an exclude target (an exclusion wins over any inclusion, as in Entra). */
  readonly userExcluded: boolean;
  /**
   * The policy now demands one-time passes: a multi-use pass issued before that change is blocked
   * ("…blocked due to User Credential Policy", ENTRA-REFERENCE §2.3). Absent = no such demand.
   */
  readonly policyIsUsableOnce?: boolean;
  readonly now: Date;
}

/** The context for one user from the policy and the user's group ids. */
export function usabilityContext(policy: TapPolicy, userGroupIds: ReadonlySet<string>, now: Date): UsabilityContext {
  return {
    policyOn: policy.state === 'enabled',
    userIncluded: isUserIncluded(policy, userGroupIds),
    userExcluded: isUserExcluded(policy, userGroupIds),
    policyIsUsableOnce: policy.isUsableOnce,
    now,
  };
}

/** For a retry-tolerant one-time pass used once already: the end of its registration window. */
export function retryWindowEndsAt(pass: TapRecord): Date | undefined {
  if (!pass.isUsableOnce || pass.retryWindowMinutes == null || pass.usedAt === null) return undefined;
  return new Date(pass.usedAt.getTime() + pass.retryWindowMinutes * 60_000);
}

/** A retry-tolerant pass whose window ran out before any registration: used up by time, not by a registration. */
export const isRetryWindowOver = (pass: TapRecord, now: Date): boolean => {
  const end = retryWindowEndsAt(pass);
  return end !== undefined && pass.usedUpAt == null && now.getTime() >= end.getTime();
};

/** What isTapEnabledFor says, from a context: the policy is on and targets the user. */
export const isPolicyEnabledForUser = (ctx: UsabilityContext): boolean =>
  ctx.policyOn && ctx.userIncluded && !ctx.userExcluded;

// The conditions, shared by usability() and the redemption checks (redeem.ts) so both always agree.
export const blocksMultiUse = (pass: TapRecord, ctx: UsabilityContext): boolean =>
  ctx.policyIsUsableOnce === true && !pass.isUsableOnce;
export const isBlockedByPolicy = (pass: TapRecord, ctx: UsabilityContext): boolean =>
  !isPolicyEnabledForUser(ctx) || blocksMultiUse(pass, ctx);
export const isDisputed = (pass: TapRecord): boolean => pass.disputedAt !== null;
/**
 * A one-time pass is used: at its first sign-in (Entra), or, retry-tolerant, once a registration completed or its
 * window ended.
 */
export const isOneTimeUsed = (pass: TapRecord, now: Date): boolean =>
  pass.isUsableOnce &&
  pass.usedAt !== null &&
  (pass.retryWindowMinutes == null || pass.usedUpAt != null || isRetryWindowOver(pass, now));
/** Expired from the end instant on, to the millisecond: usable while now < start + lifetime. */
export const hasExpired = (pass: TapRecord, now: Date): boolean => now.getTime() >= passEndsAt(pass).getTime();
export const isNotYetValid = (pass: TapRecord, now: Date): boolean => now.getTime() < pass.startAt.getTime();

export interface Usability {
  readonly isUsable: boolean;
  readonly methodUsabilityReason: TapUsabilityReason;
}

/**
 * Graph's isUsable / methodUsabilityReason. When several reasons hold, the first of
 * DisabledByPolicy > OneTimeUsed > Expired > NotYetValid wins (Entra's order is unconfirmed; this is
 * ENTRA-REFERENCE §1.1's suggestion): the policy overrides everything, and a used one-time pass stays
 * "used" after it would have expired, which is the more useful thing to tell the helpdesk.
 *
 * A disputed pass ("This wasn't me") has no Entra value. It reports 'Expired', right after the policy:
 * its life is over for good, as an expired pass's is — unlike 'DisabledByPolicy' or 'NotYetValid', nothing
 * the admin changes makes it work again, and unlike 'OneTimeUsed' it does not claim a use that may not have
 * happened. The admin should revoke it (and issue a new one once the report is checked); the diagnosis
 * (gatepassDiagnosis) names the dispute.
 */
export function usability(pass: TapRecord, ctx: UsabilityContext): Usability {
  const reason: TapUsabilityReason = isBlockedByPolicy(pass, ctx)
    ? 'DisabledByPolicy'
    : isDisputed(pass)
      ? 'Expired'
      : isOneTimeUsed(pass, ctx.now)
        ? 'OneTimeUsed'
        : hasExpired(pass, ctx.now)
          ? 'Expired'
          : isNotYetValid(pass, ctx.now)
            ? 'NotYetValid'
            : 'EnabledByPolicy';
  return { isUsable: reason === 'EnabledByPolicy', methodUsabilityReason: reason };
}

/** Entra's text when the policy is off or does not target the user (§1.6; status unconfirmed: Gatepass answers 400 badRequest). */
export const TAP_POLICY_REFUSAL_MESSAGE = errorCatalogue.passPolicyRefusal.message;

export interface IssueRequest {
  readonly startDateTime?: unknown;
  readonly lifetimeInMinutes?: unknown;
  readonly isUsableOnce?: unknown;
  /** Gatepass's `gatepassPurpose`: 'setup' or 'access'. */
  readonly purpose?: unknown;
}

export type IssueRefusalReason =
  | 'lifetimeOutOfRange'
  | 'invalidStartDateTime'
  | 'startDateTimeInPast'
  | 'startDateTimeTooFarAhead'
  | 'invalidIsUsableOnce'
  | 'multiUseNotAllowed'
  | 'invalidPurpose';

/** The refusal to throw as is: a 400 badRequest whose catalogue entry is named by `reason`. */
export type IssueError = AppError & {
  readonly reason: IssueRefusalReason;
  readonly target: 'lifetimeInMinutes' | 'startDateTime' | 'isUsableOnce' | 'gatepassPurpose';
};

export type IssuePlan =
  | {
      readonly ok: true;
      readonly startAt: Date;
      readonly lifetimeMinutes: number;
      readonly isUsableOnce: boolean;
      readonly purpose: TapPurpose;
      readonly retryWindowMinutes: number | null;
      readonly length: number;
    }
  | { readonly ok: false; readonly error: IssueError };

const refused = (error: AppError, reason: IssueRefusalReason, target: IssueError['target']): IssuePlan => ({
  ok: false,
  error: Object.assign(error, { reason, target }),
});

/** A refusal with fixed words (every one but the lifetime's, which names the range). */
const refuseIssue = (reason: Exclude<IssueRefusalReason, 'lifetimeOutOfRange'>, target: IssueError['target']) =>
  refused(new AppError(reason, { target }), reason, target);

/** What the holder is like, where it decides a default: a user without a password onboards with the pass. */
export interface PassHolder {
  readonly hasPassword: boolean;
}

/**
 * The purpose of a pass issued without one: a user without a password is onboarding, so the pass is for setting up
 * a method ('setup'); anyone else gets the policy's default ('access' unless changed, as in Entra).
 */
export function defaultPurposeFor(holder: PassHolder, policy: TapPolicy): TapPurpose {
  return holder.hasPassword ? policy.defaultPurpose : 'setup';
}

/**
 * What a create request means under the policy, checked in the order lifetime, start, one-time use, purpose.
 * JSON null counts as absent (Graph's properties are nullable): lifetime → the policy default, start →
 * now, isUsableOnce → the policy's value, purpose → defaultPurposeFor. Whether the policy targets the user is the
 * caller's check (isTapEnabledFor, then TAP_POLICY_REFUSAL_MESSAGE).
 */
export function planIssue(request: IssueRequest, policy: TapPolicy, now: Date, holder: PassHolder): IssuePlan {
  const min = Math.max(policy.minimumLifetimeInMinutes, TAP_LIMITS.minLifetimeMinutes);
  const max = Math.min(policy.maximumLifetimeInMinutes, TAP_LIMITS.maxLifetimeMinutes);
  const lifetime = request.lifetimeInMinutes ?? policy.defaultLifetimeInMinutes;
  if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < min || lifetime > max) {
    // Entra's text, word for word (graph-docs PR #12187), also for a value that is not an integer.
    const error = new AppError('lifetimeOutOfRange', { target: 'lifetimeInMinutes', params: { min, max } });
    return refused(error, 'lifetimeOutOfRange', 'lifetimeInMinutes');
  }

  let startAt = now;
  const start = request.startDateTime ?? null;
  if (start !== null) {
    const parsed = typeof start === 'string' ? parseDateTimeOffset(start) : undefined;
    if (parsed === undefined) return refuseIssue('invalidStartDateTime', 'startDateTime');
    if (parsed.getTime() < now.getTime() - START_PAST_TOLERANCE_MS) {
      return refuseIssue('startDateTimeInPast', 'startDateTime');
    }
    if (parsed.getTime() > now.getTime() + START_MAX_AHEAD_MS) {
      return refuseIssue('startDateTimeTooFarAhead', 'startDateTime');
    }
    // A start within the skew tolerance means "now": the pass then lasts exactly as if no start were given.
    if (parsed.getTime() > now.getTime()) startAt = parsed;
  }

  const once = request.isUsableOnce ?? policy.isUsableOnce;
  if (typeof once !== 'boolean') return refuseIssue('invalidIsUsableOnce', 'isUsableOnce');
  if (policy.isUsableOnce && !once) {
    return refuseIssue('multiUseNotAllowed', 'isUsableOnce');
  }

  const purpose = request.purpose ?? defaultPurposeFor(holder, policy);
  if (!TAP_PURPOSES.includes(purpose as TapPurpose)) return refuseIssue('invalidPurpose', 'gatepassPurpose');

  return {
    ok: true,
    startAt: new Date(startAt),
    lifetimeMinutes: lifetime,
    isUsableOnce: once,
    purpose: purpose as TapPurpose,
    // Fixed at issue: a later policy change does not change what an issued pass does.
    retryWindowMinutes: once && policy.oneTimeRetry ? policy.registrationWindowInMinutes : null,
    length: policy.defaultLength,
  };
}

/**
 * Until when a new method may be registered after a one-time pass sign-in at `signedInAt`: Entra's 10 minutes from
 * that sign-in; for a retry-tolerant pass, the end of its window, counted from its first use, so signing in again
 * never extends it.
 */
export function registrationDeadline(signedInAt: Date, pass?: TapRecord): Date {
  return (
    (pass && retryWindowEndsAt(pass)) ?? new Date(signedInAt.getTime() + ONE_TIME_REGISTRATION_WINDOW_SECONDS * 1000)
  );
}

/**
 * Entra's modifiedProperties for a pass (2022 sample, ENTRA-REFERENCE §7.1): values are JSON-encoded
 * strings, the empty side is '""'. 'created' puts the values in newValue, 'deleted' in oldValue.
 * The pass itself is never part of it.
 */
export function auditModifiedProperties(
  pass: TapRecord,
  change: 'created' | 'deleted' = 'created',
): ModifiedProperty[] {
  const values: [string, string][] = [
    ['TemporaryAccessPass.Id', pass.id],
    ['TemporaryAccessPass.StartDateTime', pass.startAt.toISOString()],
    ['TemporaryAccessPass.EndDateTime', passEndsAt(pass).toISOString()],
    ['TemporaryAccessPass.AccessPassUsage', pass.isUsableOnce ? 'OneTime' : 'Multiple'],
    // A Gatepass extension, after Entra's four.
    ['TemporaryAccessPass.GatepassPurpose', pass.purpose],
  ];
  const empty = JSON.stringify('');
  return values.map(([displayName, value]) =>
    change === 'created'
      ? { displayName, oldValue: empty, newValue: JSON.stringify(value) }
      : { displayName, oldValue: JSON.stringify(value), newValue: empty },
  );
}
