// The diagnosis ("Why doesn't this pass work?") as pure logic: each check passes and fails on its own fixture, every
// redemption check has words, the first failing check is the redemption's refusal, and session rules are a hook.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type DiagnosisFacts, diagnose, REDEMPTION_CHECK_WORDING } from '../../src/domain/tap/diagnosis.js';
import { isExternalGuest } from '../../src/domain/tap/eligibility.js';
import type { UsabilityContext } from '../../src/domain/tap/pass.js';
import { checkRedeemable, REDEMPTION_CHECKS } from '../../src/domain/tap/redeem.js';
import { formatLocalTime } from '../../src/cli/tap-why.js';
import { TAP_T0 as T0, tapRecord as pass } from '../support/tap-record.js';

const MIN = 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (d: Date) => d.toISOString();

const ctx = (o: Partial<UsabilityContext> = {}): UsabilityContext => ({
  policyOn: true,
  userIncluded: true,
  userExcluded: false,
  policyIsUsableOnce: false,
  now: at(MIN),
  ...o,
});
const facts = (o: Partial<DiagnosisFacts> = {}): DiagnosisFacts => ({
  user: { userType: 'Member', userPrincipalName: 'ann@contoso.test', accountEnabled: true },
  pass: pass(),
  ctx: ctx(),
  throttle: { retryAfterSeconds: 0, lockedOut: false },
  ...o,
});

/** Each check with a fixture that fails it alone. */
const FAILING: Record<string, DiagnosisFacts> = {
  accountEnabled: facts({ user: { userType: 'Member', userPrincipalName: 'a@contoso.test', accountEnabled: false } }),
  notGuest: facts({
    user: { userType: 'Guest', userPrincipalName: 'a_x.test#ext#@contoso.test', accountEnabled: true },
  }),
  notThrottled: facts({ throttle: { retryAfterSeconds: 4, lockedOut: false } }),
  passExists: facts({ pass: undefined }),
  policyOn: facts({ ctx: ctx({ policyOn: false }) }),
  userTargeted: facts({ ctx: ctx({ userIncluded: false }) }),
  notExcluded: facts({ ctx: ctx({ userExcluded: true }) }),
  usageAllowed: facts({ ctx: ctx({ policyIsUsableOnce: true }) }),
  notDisputed: facts({ pass: pass({ disputedAt: T0 }) }),
  notUsed: facts({ pass: pass({ isUsableOnce: true, usedAt: T0 }) }),
  windowOpen: facts({ pass: pass({ isUsableOnce: true, retryWindowMinutes: 5, usedAt: at(-10 * MIN) }) }),
  notExpired: facts({ ctx: ctx({ now: at(60 * MIN) }) }),
  started: facts({ pass: pass({ startAt: at(30 * MIN) }) }),
};

describe('diagnose', () => {
  it('a usable pass: every check passes, no fix', () => {
    const d = diagnose(facts(), iso);
    assert.equal(d.isUsable, true);
    assert.equal(d.firstFailingCheck, null);
    assert.ok(d.checks.every((c) => c.status === 'pass' && c.fix === '' && c.detail.length > 0));
  });

  for (const [name, f] of Object.entries(FAILING)) {
    it(`${name} fails on its own fixture, with detail and fix, and is the first failing check`, () => {
      const d = diagnose(f, iso);
      assert.equal(d.isUsable, false);
      assert.equal(d.firstFailingCheck, name);
      assert.deepEqual(
        d.checks.filter((c) => c.status === 'fail').map((c) => c.name),
        name === 'passExists' ? ['passExists'] : [name],
      );
      const c = d.checks.find((x) => x.name === name)!;
      assert.ok(c.detail.length > 0 && c.fix.length > 0);
    });
  }

  it('covers every redemption check, each with words (no second list of rules)', () => {
    const names = diagnose(facts(), iso).checks.map((c) => c.name);
    for (const check of REDEMPTION_CHECKS) {
      assert.ok(names.includes(check.name), check.name);
      assert.ok(REDEMPTION_CHECK_WORDING[check.name], `words for ${check.name}`);
      assert.ok(FAILING[check.name], `a failing fixture for ${check.name}`);
    }
  });

  it("the first failing pass check is the redemption's refusal, for every fixture and their pairs", () => {
    const passFixtures = Object.entries(FAILING).filter(([n]) => REDEMPTION_CHECKS.some((c) => c.name === n));
    let pairs = 0;
    for (const [, a] of passFixtures)
      for (const [, b] of passFixtures) {
        pairs += 1;
        const f = { ...a, pass: { ...a.pass!, ...diff(b.pass!, pass()) }, ctx: { ...a.ctx, ...diff(b.ctx, ctx()) } };
        const first = diagnose(f, iso).firstFailingCheck;
        const redeemed = checkRedeemable(f.pass, f.ctx);
        const refusal = REDEMPTION_CHECKS.find((c) => c.name === first)?.refusal;
        assert.equal(redeemed.ok ? 'ok' : redeemed.reason, refusal ?? 'ok');
      }
    assert.equal(pairs, REDEMPTION_CHECKS.length ** 2);
  });

  it('without a pass, the pass checks and session rules do not apply', () => {
    const d = diagnose(facts({ pass: undefined }), iso);
    const na = d.checks.filter((c) => c.status === 'notApplicable').map((c) => c.name);
    assert.deepEqual(na, [...REDEMPTION_CHECKS.filter((c) => c.about === 'pass').map((c) => c.name), 'sessionRules']);
    assert.equal(d.checks.find((c) => c.name === 'passExists')!.fix, 'Issue one (gatepass tap create USER).');
  });

  it('times go through the given formatter; session rules name the end and the registration window', () => {
    const d = diagnose(facts({ pass: pass({ isUsableOnce: true }) }), (t) => `<${t.getTime()}>`);
    const rules = d.checks.find((c) => c.name === 'sessionRules')!;
    assert.match(rules.detail, new RegExp(`<${at(60 * MIN).getTime()}>`));
    assert.match(rules.detail, /10 minutes to register/);
  });

  it('a session rule that would stop the user fails the check with its fix (the hook for the pass purpose)', () => {
    const stop = () => ({ text: 'Setup passes cannot open apps.', stops: true, fix: 'Issue an access pass.' });
    const d = diagnose(facts(), iso, [stop]);
    assert.equal(d.firstFailingCheck, 'sessionRules');
    assert.equal(d.checks.at(-1)!.fix, 'Issue an access pass.');
  });

  it('locked out: the throttle check says so', () => {
    const d = diagnose(facts({ throttle: { retryAfterSeconds: 300, lockedOut: true } }), iso);
    assert.match(d.checks.find((c) => c.name === 'notThrottled')!.detail, /lock out unfamiliar browsers/);
  });

  it('external guests are those Entra refuses a pass: Guest with #EXT# in the UPN', () => {
    assert.equal(isExternalGuest({ userType: 'Guest', userPrincipalName: 'a_b.test#EXT#@c.test' }), false);
    assert.equal(isExternalGuest({ userType: 'Guest', userPrincipalName: 'a_b.test#ext#@c.test' }), true);
    assert.equal(isExternalGuest({ userType: 'Guest', userPrincipalName: 'a@c.test' }), false);
    assert.equal(isExternalGuest({ userType: 'Member', userPrincipalName: 'a_b.test#ext#@c.test' }), false);
  });
});

describe('formatLocalTime', () => {
  it('writes the wall time of the zone and its short name', () => {
    assert.equal(formatLocalTime(new Date('2026-06-05T08:15:30Z'), 'Asia/Tokyo'), '2026-06-05 17:15:30 GMT+9');
    assert.equal(formatLocalTime(new Date('2026-01-05T08:15:30Z'), 'UTC'), '2026-01-05 08:15:30 UTC');
  });
});

/** The fields of a fixture's record that differ from the default one. */
function diff<T extends object>(value: T, base: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => {
      const b = (base as Record<string, unknown>)[k];
      return v instanceof Date && b instanceof Date ? v.getTime() !== b.getTime() : v !== b;
    }),
  ) as Partial<T>;
}
