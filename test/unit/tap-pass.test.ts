// Unit tests for a pass's life with an injected clock: usability and its precedence, issue plans, audit properties, redemption checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_TAP_POLICY } from '../../src/domain/tap/policy.js';
import { applyTapPolicyPatch } from '../../src/domain/tap/policy-patch.js';
import type { TapPolicy } from '../../src/domain/tap/policy.js';
import {
  ONE_TIME_REGISTRATION_WINDOW_SECONDS,
  TAP_POLICY_REFUSAL_MESSAGE,
  auditModifiedProperties,
  isPolicyEnabledForUser,
  passEndsAt,
  planIssue,
  registrationDeadline,
  retryWindowEndsAt,
  usability,
  usabilityContext,
} from '../../src/domain/tap/pass.js';
import type { IssuePlan, IssueRequest, TapRecord, UsabilityContext } from '../../src/domain/tap/pass.js';
import { REDEMPTION_CHECKS, checkRedeemable, formatValidFrom, redemptionMessage } from '../../src/domain/tap/redeem.js';
import type { RedemptionRefusal } from '../../src/domain/tap/redeem.js';
import { TAP_T0 as T0, tapRecord as pass } from '../support/tap-record.js';

const MIN = 60_000;
/** A user with a password: the policy's default purpose applies. */
const HOLDER = { hasPassword: true };
const at = (ms: number): Date => new Date(T0.getTime() + ms);

const enabled = (now: Date, extra: Partial<UsabilityContext> = {}): UsabilityContext => ({
  policyOn: true,
  userIncluded: true,
  userExcluded: false,
  now,
  ...extra,
});
const reasonAt = (p: TapRecord, now: Date, extra: Partial<UsabilityContext> = {}) =>
  usability(p, enabled(now, extra)).methodUsabilityReason;

function policy(patch: Record<string, unknown>): TapPolicy {
  const result = applyTapPolicyPatch(DEFAULT_TAP_POLICY, patch);
  assert.ok(result.ok);
  return result.policy;
}

describe('usability with an injected clock', () => {
  it('walks NotYetValid → EnabledByPolicy → Expired as the clock moves (activation in the future)', () => {
    const clock = new ManualClock(T0);
    const p = pass({ startAt: at(30 * MIN), lifetimeMinutes: 60 });
    assert.deepEqual(usability(p, enabled(clock.now())), { isUsable: false, methodUsabilityReason: 'NotYetValid' });
    clock.advance(30 * 60);
    assert.deepEqual(usability(p, enabled(clock.now())), { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' });
    clock.advance(59 * 60 + 59);
    assert.deepEqual(usability(p, enabled(clock.now())), { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' });
    clock.advance(1);
    assert.deepEqual(usability(p, enabled(clock.now())), { isUsable: false, methodUsabilityReason: 'Expired' });
  });
  it('start boundary to the millisecond: NotYetValid 1 ms before, usable at the instant', () => {
    const p = pass({ startAt: at(MIN) });
    assert.equal(reasonAt(p, at(MIN - 1)), 'NotYetValid');
    assert.equal(reasonAt(p, at(MIN)), 'EnabledByPolicy');
  });
  it('expiry to the second and to the millisecond: usable while now < start + lifetime', () => {
    const p = pass();
    const end = 60 * MIN;
    assert.equal(reasonAt(p, at(end - 1000)), 'EnabledByPolicy');
    assert.equal(reasonAt(p, at(end - 1)), 'EnabledByPolicy');
    assert.equal(reasonAt(p, at(end)), 'Expired');
    assert.equal(reasonAt(p, at(end + 1000)), 'Expired');
  });
  it('shortest lifetime, 10 minutes', () => {
    const p = pass({ lifetimeMinutes: 10 });
    assert.equal(passEndsAt(p).toISOString(), '2026-06-05T08:10:00.000Z');
    assert.equal(reasonAt(p, at(10 * MIN - 1)), 'EnabledByPolicy');
    assert.equal(reasonAt(p, at(10 * MIN)), 'Expired');
  });
  it('longest lifetime, 43200 minutes (30 days)', () => {
    const p = pass({ lifetimeMinutes: 43200 });
    assert.equal(passEndsAt(p).toISOString(), '2026-07-05T08:00:00.000Z');
    assert.equal(reasonAt(p, at(43200 * MIN - 1000)), 'EnabledByPolicy');
    assert.equal(reasonAt(p, at(43200 * MIN)), 'Expired');
  });
  it('a used one-time pass is OneTimeUsed; a multi-use pass stays usable after use', () => {
    assert.deepEqual(usability(pass({ isUsableOnce: true, usedAt: at(MIN) }), enabled(at(2 * MIN))), {
      isUsable: false,
      methodUsabilityReason: 'OneTimeUsed',
    });
    assert.equal(reasonAt(pass({ isUsableOnce: true }), at(MIN)), 'EnabledByPolicy');
    assert.equal(reasonAt(pass({ isUsableOnce: false, usedAt: at(MIN) }), at(2 * MIN)), 'EnabledByPolicy');
  });
  it('policy disabled or user not targeted → DisabledByPolicy', () => {
    assert.deepEqual(usability(pass(), { policyOn: false, userIncluded: true, userExcluded: false, now: at(MIN) }), {
      isUsable: false,
      methodUsabilityReason: 'DisabledByPolicy',
    });
  });
  it('a multi-use pass under a policy that now demands one-time passes → DisabledByPolicy; a one-time pass is fine', () => {
    assert.equal(reasonAt(pass({ isUsableOnce: false }), at(MIN), { policyIsUsableOnce: true }), 'DisabledByPolicy');
    assert.equal(reasonAt(pass({ isUsableOnce: true }), at(MIN), { policyIsUsableOnce: true }), 'EnabledByPolicy');
    assert.equal(reasonAt(pass({ isUsableOnce: false }), at(MIN), { policyIsUsableOnce: false }), 'EnabledByPolicy');
  });
});

describe('usability precedence: DisabledByPolicy > OneTimeUsed > Expired > NotYetValid', () => {
  const usedExpired = pass({ isUsableOnce: true, usedAt: at(MIN) });
  it('disabled beats used and expired', () => {
    assert.equal(
      usability(usedExpired, { policyOn: false, userIncluded: true, userExcluded: false, now: at(120 * MIN) })
        .methodUsabilityReason,
      'DisabledByPolicy',
    );
  });
  it('disabled beats expired, and not yet valid', () => {
    assert.equal(
      usability(pass(), { policyOn: false, userIncluded: true, userExcluded: false, now: at(120 * MIN) })
        .methodUsabilityReason,
      'DisabledByPolicy',
    );
    assert.equal(
      usability(pass({ startAt: at(MIN) }), { policyOn: false, userIncluded: true, userExcluded: false, now: T0 })
        .methodUsabilityReason,
      'DisabledByPolicy',
    );
  });
  it('used beats expired', () => {
    assert.equal(reasonAt(usedExpired, at(120 * MIN)), 'OneTimeUsed');
  });
  it('used beats not yet valid (a record the store should never hold, still answered consistently)', () => {
    assert.equal(reasonAt(pass({ startAt: at(10 * MIN), isUsableOnce: true, usedAt: T0 }), T0), 'OneTimeUsed');
  });
});

describe('usabilityContext', () => {
  it('derives enabled-for-user and the one-time demand from the policy', () => {
    assert.deepEqual(usabilityContext(DEFAULT_TAP_POLICY, new Set(), T0), {
      policyOn: true,
      userIncluded: true,
      userExcluded: false,
      policyIsUsableOnce: false,
      now: T0,
    });
    assert.equal(isPolicyEnabledForUser(usabilityContext(policy({ state: 'disabled' }), new Set(), T0)), false);
    const g = '11111111-1111-4111-8111-111111111111';
    const excluded = policy({ excludeTargets: [{ targetType: 'group', id: g }] });
    assert.equal(isPolicyEnabledForUser(usabilityContext(excluded, new Set([g]), T0)), false);
    assert.equal(usabilityContext(policy({ isUsableOnce: true }), new Set(), T0).policyIsUsableOnce, true);
  });
});

function planned(plan: IssuePlan) {
  assert.ok(plan.ok, plan.ok ? '' : `${plan.error.target}: ${plan.error.message}`);
  return plan;
}

function refused(
  request: IssueRequest,
  target: string,
  reason: string,
  pol: TapPolicy = DEFAULT_TAP_POLICY,
  now: Date = T0,
): string {
  const plan = planIssue(request, pol, now, HOLDER);
  assert.equal(plan.ok, false, `expected ${JSON.stringify(request)} to be refused`);
  if (plan.ok) throw new Error('unreachable');
  assert.deepEqual([plan.error.code, plan.error.target, plan.error.reason], ['badRequest', target, reason]);
  return plan.error.message;
}

describe('planIssue', () => {
  it('an empty request takes the policy defaults and starts now', () => {
    const plan = planned(planIssue({}, DEFAULT_TAP_POLICY, T0, HOLDER));
    assert.deepEqual(plan, {
      ok: true,
      startAt: T0,
      lifetimeMinutes: 60,
      isUsableOnce: false,
      purpose: 'access',
      retryWindowMinutes: null,
      length: 8,
    });
  });
  it('JSON nulls count as absent', () => {
    const plan = planned(
      planIssue({ startDateTime: null, lifetimeInMinutes: null, isUsableOnce: null }, DEFAULT_TAP_POLICY, T0, HOLDER),
    );
    assert.deepEqual([plan.startAt, plan.lifetimeMinutes, plan.isUsableOnce], [T0, 60, false]);
  });
  it("uses the policy's default lifetime and length", () => {
    const plan = planned(planIssue({}, policy({ defaultLifetimeInMinutes: 240, defaultLength: 48 }), T0, HOLDER));
    assert.deepEqual([plan.lifetimeMinutes, plan.length], [240, 48]);
  });
  it("lifetime: the policy's min and max are accepted, one beyond is refused with Entra's text", () => {
    assert.equal(planned(planIssue({ lifetimeInMinutes: 60 }, DEFAULT_TAP_POLICY, T0, HOLDER)).lifetimeMinutes, 60);
    assert.equal(planned(planIssue({ lifetimeInMinutes: 480 }, DEFAULT_TAP_POLICY, T0, HOLDER)).lifetimeMinutes, 480);
    const text = 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.';
    assert.equal(refused({ lifetimeInMinutes: 59 }, 'lifetimeInMinutes', 'lifetimeOutOfRange'), text);
    assert.equal(refused({ lifetimeInMinutes: 481 }, 'lifetimeInMinutes', 'lifetimeOutOfRange'), text);
  });
  it('lifetime: 10 and 43200 under the widest policy; 9 and 43201 refused', () => {
    const widest = policy({ minimumLifetimeInMinutes: 10, maximumLifetimeInMinutes: 43200 });
    assert.equal(planned(planIssue({ lifetimeInMinutes: 10 }, widest, T0, HOLDER)).lifetimeMinutes, 10);
    assert.equal(planned(planIssue({ lifetimeInMinutes: 43200 }, widest, T0, HOLDER)).lifetimeMinutes, 43200);
    assert.equal(
      refused({ lifetimeInMinutes: 9 }, 'lifetimeInMinutes', 'lifetimeOutOfRange', widest),
      'Invalid LifetimeInMinutes specified. The valid range between 10 and 43200.',
    );
    refused({ lifetimeInMinutes: 43201 }, 'lifetimeInMinutes', 'lifetimeOutOfRange', widest);
  });
  it('lifetime: non-integers and other types are refused on the same target', () => {
    for (const bad of [60.5, '60', true, Number.NaN, [60], {}])
      refused({ lifetimeInMinutes: bad }, 'lifetimeInMinutes', 'lifetimeOutOfRange');
  });
  it('start in the future is kept, to the millisecond', () => {
    assert.deepEqual(
      planned(planIssue({ startDateTime: '2026-06-06T09:30:00.123Z' }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      new Date('2026-06-06T09:30:00.123Z'),
    );
  });
  it("start accepts Graph's 7 fractional digits and numeric offsets", () => {
    assert.deepEqual(
      planned(planIssue({ startDateTime: '2026-06-05T16:21:09.7651739Z' }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      new Date('2026-06-05T16:21:09.765Z'),
    );
    assert.deepEqual(
      planned(planIssue({ startDateTime: '2026-06-05T12:00:00+02:00' }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      new Date('2026-06-05T10:00:00Z'),
    );
  });
  it('start up to 5 minutes in the past means now; further back is refused', () => {
    assert.deepEqual(
      planned(planIssue({ startDateTime: at(-5 * MIN).toISOString() }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      T0,
    );
    assert.deepEqual(
      planned(planIssue({ startDateTime: at(-1).toISOString() }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      T0,
    );
    assert.deepEqual(
      planned(planIssue({ startDateTime: T0.toISOString() }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      T0,
    );
    const message = refused({ startDateTime: at(-5 * MIN - 1).toISOString() }, 'startDateTime', 'startDateTimeInPast');
    assert.match(
      message,
      /^Invalid StartDateTime specified\. The start time cannot be more than 5 minutes in the past\.$/,
    );
    refused({ startDateTime: '2020-01-01T00:00:00Z' }, 'startDateTime', 'startDateTimeInPast');
  });
  it('start at most 30 days ahead', () => {
    assert.deepEqual(
      planned(planIssue({ startDateTime: at(43200 * MIN).toISOString() }, DEFAULT_TAP_POLICY, T0, HOLDER)).startAt,
      at(43200 * MIN),
    );
    assert.match(
      refused({ startDateTime: at(43200 * MIN + 1).toISOString() }, 'startDateTime', 'startDateTimeTooFarAhead'),
      /30 days in the future/,
    );
  });
  it('start that is not a date-time with a time zone is refused', () => {
    for (const bad of [
      'tomorrow',
      '2026-06-05',
      '2026-06-05T09:00:00',
      '2026-06-05 09:00:00Z',
      '2026-02-30T09:00:00Z',
      '',
      1780646400000,
      true,
      {},
    ]) {
      assert.match(
        refused({ startDateTime: bad }, 'startDateTime', 'invalidStartDateTime'),
        /^Invalid StartDateTime specified\. Use an ISO 8601/,
      );
    }
  });
  it("isUsableOnce omitted → the policy's value", () => {
    assert.equal(planned(planIssue({}, DEFAULT_TAP_POLICY, T0, HOLDER)).isUsableOnce, false);
    assert.equal(planned(planIssue({}, policy({ isUsableOnce: true }), T0, HOLDER)).isUsableOnce, true);
  });
  it('isUsableOnce true under a multi-use policy is allowed (stricter than asked)', () => {
    assert.equal(planned(planIssue({ isUsableOnce: true }, DEFAULT_TAP_POLICY, T0, HOLDER)).isUsableOnce, true);
  });
  it('explicit isUsableOnce false under a one-time policy → 400 on isUsableOnce', () => {
    assert.match(
      refused({ isUsableOnce: false }, 'isUsableOnce', 'multiUseNotAllowed', policy({ isUsableOnce: true })),
      /only one-time passes/,
    );
  });
  it('isUsableOnce of another type is refused', () => {
    for (const bad of ['true', 1, 0]) refused({ isUsableOnce: bad }, 'isUsableOnce', 'invalidIsUsableOnce');
  });
  it('checks lifetime, then start, then isUsableOnce, then the purpose', () => {
    refused({ lifetimeInMinutes: 1, startDateTime: 'x', isUsableOnce: 'x' }, 'lifetimeInMinutes', 'lifetimeOutOfRange');
    refused({ startDateTime: 'x', isUsableOnce: 'x' }, 'startDateTime', 'invalidStartDateTime');
    refused({ isUsableOnce: 'x', purpose: 'x' }, 'isUsableOnce', 'invalidIsUsableOnce');
  });
  it('purpose omitted: setup for a user without a password, else the policy default', () => {
    const noPassword = { hasPassword: false };
    assert.equal(planned(planIssue({}, DEFAULT_TAP_POLICY, T0, HOLDER)).purpose, 'access');
    assert.equal(planned(planIssue({}, DEFAULT_TAP_POLICY, T0, noPassword)).purpose, 'setup');
    assert.equal(planned(planIssue({}, policy({ gatepassDefaultPurpose: 'setup' }), T0, HOLDER)).purpose, 'setup');
    assert.equal(planned(planIssue({ purpose: null }, DEFAULT_TAP_POLICY, T0, noPassword)).purpose, 'setup');
    assert.equal(planned(planIssue({ purpose: 'access' }, DEFAULT_TAP_POLICY, T0, noPassword)).purpose, 'access');
    assert.equal(planned(planIssue({ purpose: 'setup' }, DEFAULT_TAP_POLICY, T0, HOLDER)).purpose, 'setup');
  });
  it('a one-time pass issued under gatepassOneTimeRetry carries the registration window; others none', () => {
    const tolerant = policy({ gatepassOneTimeRetry: true, gatepassRegistrationWindowInMinutes: 15 });
    assert.equal(planned(planIssue({ isUsableOnce: true }, tolerant, T0, HOLDER)).retryWindowMinutes, 15);
    assert.equal(planned(planIssue({ isUsableOnce: false }, tolerant, T0, HOLDER)).retryWindowMinutes, null);
    assert.equal(planned(planIssue({ isUsableOnce: true }, DEFAULT_TAP_POLICY, T0, HOLDER)).retryWindowMinutes, null);
  });
  it('a purpose other than setup or access is refused, naming gatepassPurpose', () => {
    for (const bad of ['Setup', 'admin', 1, true, {}]) refused({ purpose: bad }, 'gatepassPurpose', 'invalidPurpose');
  });
  it("exports Entra's policy refusal text for the caller's scope check", () => {
    assert.equal(
      TAP_POLICY_REFUSAL_MESSAGE,
      'Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].',
    );
  });
});

describe('registration window', () => {
  it('a new method must be registered within 10 minutes of a one-time pass sign-in', () => {
    assert.equal(ONE_TIME_REGISTRATION_WINDOW_SECONDS, 600);
    assert.deepEqual(registrationDeadline(T0), at(10 * MIN));
  });
});

describe('auditModifiedProperties', () => {
  it("is Entra's list: JSON-encoded values, old value '\"\"'", () => {
    assert.deepEqual(auditModifiedProperties(pass()), [
      { displayName: 'TemporaryAccessPass.Id', oldValue: '""', newValue: '"bdaede67-61e0-4349-9347-d2d6afd84009"' },
      { displayName: 'TemporaryAccessPass.StartDateTime', oldValue: '""', newValue: '"2026-06-05T08:00:00.000Z"' },
      { displayName: 'TemporaryAccessPass.EndDateTime', oldValue: '""', newValue: '"2026-06-05T09:00:00.000Z"' },
      { displayName: 'TemporaryAccessPass.AccessPassUsage', oldValue: '""', newValue: '"Multiple"' },
      { displayName: 'TemporaryAccessPass.GatepassPurpose', oldValue: '""', newValue: '"access"' },
    ]);
  });
  it('says OneTime for a one-time pass', () => {
    assert.equal(auditModifiedProperties(pass({ isUsableOnce: true }))[3]!.newValue, '"OneTime"');
  });
  it('a deletion carries the values as old values', () => {
    const deleted = auditModifiedProperties(pass(), 'deleted');
    assert.deepEqual(deleted[0], {
      displayName: 'TemporaryAccessPass.Id',
      oldValue: '"bdaede67-61e0-4349-9347-d2d6afd84009"',
      newValue: '""',
    });
    assert.ok(deleted.every((p) => p.newValue === '""'));
  });
});

describe('checkRedeemable', () => {
  const refusal = (p: TapRecord | undefined, ctx: UsabilityContext) => {
    const r = checkRedeemable(p, ctx);
    assert.equal(r.ok, false);
    if (r.ok) throw new Error('unreachable');
    return r;
  };
  it('runs the named checks in precedence order', () => {
    assert.deepEqual(
      REDEMPTION_CHECKS.map((c) => c.name),
      [
        'policyOn',
        'userTargeted',
        'notExcluded',
        'usageAllowed',
        'notDisputed',
        'notUsed',
        'windowOpen',
        'notExpired',
        'started',
      ],
    );
  });
  it('a usable pass is redeemable', () => {
    const p = pass();
    assert.deepEqual(checkRedeemable(p, enabled(at(MIN))), { ok: true, pass: p });
  });
  it('no pass (deleted or replaced) → noPass', () => {
    const r = refusal(undefined, enabled(T0));
    assert.equal(r.reason, 'noPass');
    assert.match(r.message, /^This Temporary Access Pass is no longer valid/);
  });
  it('not yet valid says from when, rounded up to the minute, and returns the instant', () => {
    const r = refusal(pass({ startAt: new Date('2026-06-05T09:14:30.000Z') }), enabled(T0));
    assert.equal(r.reason, 'notYetValid');
    assert.equal(
      r.message,
      'This Temporary Access Pass is not valid yet. You can use it from 5 June 2026 at 09:15 UTC.',
    );
    assert.deepEqual(r.validFrom, new Date('2026-06-05T09:14:30.000Z'));
  });
  it('used, expired and disabled each have their own message', () => {
    const used = refusal(pass({ isUsableOnce: true, usedAt: T0 }), enabled(at(MIN)));
    assert.equal(used.reason, 'used');
    assert.match(used.message, /already been used/);
    const expired = refusal(pass(), enabled(at(60 * MIN)));
    assert.equal(expired.reason, 'expired');
    assert.match(expired.message, /has expired\. Ask your helpdesk for a new one\./);
    const disabled = refusal(pass(), { policyOn: false, userIncluded: true, userExcluded: false, now: at(MIN) });
    assert.equal(disabled.reason, 'disabledByPolicy');
    assert.match(disabled.message, /^Temporary Access Pass sign in was blocked due to User Credential Policy\./);
  });
  it('the six messages are distinct and free of jargon', () => {
    const reasons: RedemptionRefusal[] = ['noPass', 'disabledByPolicy', 'disputed', 'used', 'expired', 'notYetValid'];
    const messages = reasons.map((r) => redemptionMessage(r, pass()));
    assert.equal(new Set(messages).size, 6);
    for (const m of messages) assert.doesNotMatch(m, /usedAt|startAt|lifetime|\bnull\b|undefined|Expired|NotYetValid/);
  });
  it('formats the start in UTC, on the minute when already on one', () => {
    assert.equal(formatValidFrom(new Date('2026-12-31T23:59:00.000Z')), '31 December 2026 at 23:59 UTC');
    assert.equal(formatValidFrom(new Date('2026-12-31T23:59:00.001Z')), '1 January 2027 at 00:00 UTC');
  });
  it('always agrees with usability(), over a grid of passes and instants', () => {
    // Every combination of policy on, user included and user excluded.
    const TARGETINGS = [false, true].flatMap((a) =>
      [false, true].flatMap((b) => [false, true].map((c) => [a, b, c] as const)),
    );
    const map: Record<string, RedemptionRefusal | 'ok'> = {
      EnabledByPolicy: 'ok',
      DisabledByPolicy: 'disabledByPolicy',
      OneTimeUsed: 'used',
      Expired: 'expired',
      NotYetValid: 'notYetValid',
    };
    let cases = 0;
    for (const startOffset of [-120, -60, 0, 30]) {
      for (const once of [false, true]) {
        for (const used of [false, true]) {
          for (const [policyOn, userIncluded, userExcluded] of TARGETINGS) {
            for (const demandOnce of [false, true]) {
              for (const disputed of [false, true]) {
                for (const nowMin of [-1, 0, 29, 30, 59, 60, 89, 90, 120]) {
                  const p = pass({
                    startAt: at(startOffset * MIN),
                    isUsableOnce: once,
                    usedAt: used ? T0 : null,
                    disputedAt: disputed ? T0 : null,
                  });
                  const ctx: UsabilityContext = {
                    policyOn,
                    userIncluded,
                    userExcluded,
                    policyIsUsableOnce: demandOnce,
                    now: at(nowMin * MIN),
                  };
                  const r = checkRedeemable(p, ctx);
                  // A disputed pass reports Graph's 'Expired' (no Entra value exists); its refusal is its own.
                  const expected =
                    r.ok || r.reason !== 'disputed' ? map[usability(p, ctx).methodUsabilityReason] : 'disputed';
                  assert.equal(r.ok ? 'ok' : r.reason, expected);
                  if (!r.ok && r.reason === 'disputed')
                    assert.equal(usability(p, ctx).methodUsabilityReason, 'Expired');
                  cases += 1;
                }
              }
            }
          }
        }
      }
    }
    assert.equal(cases, 4 * 2 * 2 * TARGETINGS.length * 2 * 2 * 9);
  });
});

describe('a retry-tolerant one-time pass', () => {
  const firstUse = at(2 * MIN);
  const tolerant = (overrides: Partial<TapRecord> = {}) =>
    pass({ isUsableOnce: true, retryWindowMinutes: 10, usedAt: firstUse, ...overrides });
  const ctxAt = (now: Date): UsabilityContext => ({ policyOn: true, userIncluded: true, userExcluded: false, now });

  it('signs in again within its window, counted from the first use', () => {
    assert.equal(usability(tolerant(), ctxAt(at(11 * MIN))).methodUsabilityReason, 'EnabledByPolicy');
    assert.equal(checkRedeemable(tolerant(), ctxAt(at(11 * MIN))).ok, true);
    assert.deepEqual(retryWindowEndsAt(tolerant()), at(12 * MIN));
    assert.equal(retryWindowEndsAt(pass({ isUsableOnce: true, usedAt: firstUse })), undefined, "Entra's rule: none");
    assert.equal(retryWindowEndsAt(tolerant({ usedAt: null })), undefined, 'not used yet: no window yet');
  });
  it('is used up when the window ends: OneTimeUsed, refused with its own reason and words', () => {
    assert.equal(usability(tolerant(), ctxAt(at(12 * MIN))).methodUsabilityReason, 'OneTimeUsed');
    const refused = checkRedeemable(tolerant(), ctxAt(at(12 * MIN)));
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.reason, 'windowOver');
    assert.equal(
      !refused.ok && refused.message,
      'This pass has already been used. Contact your helpdesk for a new one.',
    );
  });
  it('is used up at once by a registration: OneTimeUsed, refused as used', () => {
    const usedUp = tolerant({ usedUpAt: at(5 * MIN) });
    assert.equal(usability(usedUp, ctxAt(at(6 * MIN))).methodUsabilityReason, 'OneTimeUsed');
    const refused = checkRedeemable(usedUp, ctxAt(at(6 * MIN)));
    assert.equal(!refused.ok && refused.reason, 'used');
  });
  it("gives a one-time pass sign-in until the window's end to register, however late it signed in again", () => {
    assert.deepEqual(registrationDeadline(at(9 * MIN), tolerant()), at(12 * MIN));
    assert.deepEqual(registrationDeadline(at(9 * MIN)), at(19 * MIN), "Entra's 10 minutes from the sign-in");
  });
});
