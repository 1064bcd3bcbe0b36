// Unit tests for failed-attempt back-off: free failures, doubling, caps, reset window, clock skew.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { THROTTLE_RULES, backoffDelay, decideAttempt, failuresAfterAnotherFailure } from '../../src/domain/throttle.js';

const t0 = new Date('2025-03-01T12:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

function pairOnly(failures: number, nowMs: number, last: Date | undefined = t0) {
  return decideAttempt({
    pairFailures: failures,
    pairLastFailureAt: last,
    userFailures: 0,
    userLastFailureAt: undefined,
    now: at(nowMs),
  });
}

describe('backoffDelay pair scope', () => {
  it('is free for the first 5 failures', () => {
    for (let n = 0; n <= 5; n += 1) assert.equal(backoffDelay(n, 'pair'), 0, String(n));
  });
  it('doubles from 1 s after the free failures', () => {
    assert.deepEqual(
      [6, 7, 8, 9, 10, 15].map((n) => backoffDelay(n, 'pair')),
      [1, 2, 4, 8, 16, 512],
    );
  });
  it('caps at 15 minutes', () => {
    assert.equal(backoffDelay(16, 'pair'), 900);
    assert.equal(backoffDelay(1_000, 'pair'), 900);
    assert.equal(backoffDelay(2_000, 'pair'), 900);
    assert.equal(backoffDelay(Number.MAX_SAFE_INTEGER, 'pair'), 900);
  });
});

describe('backoffDelay user scope', () => {
  it('is free for the first 20 failures, then 1 s, 2 s …', () => {
    assert.equal(backoffDelay(20, 'user'), 0);
    assert.equal(backoffDelay(21, 'user'), 1);
    assert.equal(backoffDelay(22, 'user'), 2);
    assert.equal(backoffDelay(29, 'user'), 256);
  });
  it('caps at 5 minutes', () => {
    assert.equal(backoffDelay(30, 'user'), 300);
    assert.equal(backoffDelay(10_000, 'user'), 300);
  });
  it('is softer than the pair scope', () => {
    assert.ok(THROTTLE_RULES.user.freeFailures > THROTTLE_RULES.pair.freeFailures);
    assert.ok(THROTTLE_RULES.user.maxDelaySeconds < THROTTLE_RULES.pair.maxDelaySeconds);
  });
});

describe('backoffDelay input', () => {
  it('rejects counts that are negative, fractional or not finite', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => backoffDelay(bad, 'pair'), RangeError, String(bad));
    }
  });
});

describe('decideAttempt', () => {
  it('allows with no failures at all', () => {
    assert.deepEqual(
      decideAttempt({
        pairFailures: 0,
        pairLastFailureAt: undefined,
        userFailures: 0,
        userLastFailureAt: undefined,
        now: t0,
      }),
      { allowed: true },
    );
  });
  it('allows immediately after the 5th failure', () => {
    assert.deepEqual(pairOnly(5, 0), { allowed: true });
  });
  it('after the 6th failure waits exactly 1 s', () => {
    assert.deepEqual(pairOnly(6, 0), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(pairOnly(6, 999), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(pairOnly(6, 1000), { allowed: true });
  });
  it('rounds the remaining wait up to whole seconds', () => {
    assert.deepEqual(pairOnly(8, 1), { allowed: false, retryAfterSeconds: 4 });
    assert.deepEqual(pairOnly(8, 3000), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(pairOnly(8, 3001), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(pairOnly(8, 4000), { allowed: true });
  });
  it('at the cap waits 900 s, and not a millisecond more', () => {
    assert.deepEqual(pairOnly(50, 0), { allowed: false, retryAfterSeconds: 900 });
    assert.deepEqual(pairOnly(50, 899_999), { allowed: false, retryAfterSeconds: 1 });
    assert.deepEqual(pairOnly(50, 900_000), { allowed: true });
  });
  it('takes the longer of the two scopes', () => {
    const decision = decideAttempt({
      pairFailures: 7,
      pairLastFailureAt: t0, // 2 s
      userFailures: 25,
      userLastFailureAt: at(-1_000), // 16 s, 1 s gone
      now: t0,
    });
    assert.deepEqual(decision, { allowed: false, retryAfterSeconds: 15 });
  });
  it('the user scope alone can slow an attempt from a fresh address', () => {
    const decision = decideAttempt({
      pairFailures: 0,
      pairLastFailureAt: undefined,
      userFailures: 21,
      userLastFailureAt: t0,
      now: t0,
    });
    assert.deepEqual(decision, { allowed: false, retryAfterSeconds: 1 });
  });
  it('a last failure in the future (clock skew) never stretches the wait beyond the delay', () => {
    assert.deepEqual(pairOnly(50, 0, at(3_600_000)), { allowed: false, retryAfterSeconds: 900 });
  });
  it('a count without a time fails closed with the full delay', () => {
    assert.deepEqual(pairOnly(6, 0, undefined), { allowed: false, retryAfterSeconds: 1 });
  });
  it('never locks out for good: any count is allowed once its capped delay has passed', () => {
    for (const failures of [6, 16, 100, 1_000_000]) {
      assert.deepEqual(pairOnly(failures, 15 * 60 * 1000), { allowed: true }, String(failures));
      const user = decideAttempt({
        pairFailures: 0,
        pairLastFailureAt: undefined,
        userFailures: failures,
        userLastFailureAt: t0,
        now: at(5 * 60 * 1000),
      });
      assert.deepEqual(user, { allowed: true });
    }
  });
});

describe('failuresAfterAnotherFailure', () => {
  const day = 24 * 3600 * 1000;
  it('increments within the reset window', () => {
    assert.equal(failuresAfterAnotherFailure(0, undefined, t0, 'pair'), 1);
    assert.equal(failuresAfterAnotherFailure(16, t0, at(day - 1), 'pair'), 17);
  });
  it('starts over once the previous failure is a day old', () => {
    assert.equal(failuresAfterAnotherFailure(16, t0, at(day), 'pair'), 1);
    assert.equal(failuresAfterAnotherFailure(40, t0, at(day + 5), 'user'), 1);
  });
  it('a stale counter does not delay the next attempt', () => {
    assert.deepEqual(pairOnly(50, day), { allowed: true });
  });
});
