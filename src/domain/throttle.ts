// Back-off maths for failed sign-in attempts; the shared counters live in the store.

/**
 * 'pair' counts failures of one user from one address key (see net-address.ts): the guesser's
 * own budget, so it is strict. 'user' counts failures for the user from every address: it bounds
 * a distributed guesser, but any stranger can drive it up, so it is softer — the real user is
 * slowed for minutes at worst, never locked out (800-63B §3.2.2 wants rate limiting without a
 * permanent lock that an attacker could trigger at will).
 */
export type ThrottleScope = 'pair' | 'user';

export interface ThrottleRule {
  /** Failures that cost nothing: typos and a forgotten Caps Lock. */
  readonly freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further failure. */
  readonly baseDelaySeconds: number;
  readonly maxDelaySeconds: number;
  /** A failure this long after the previous one starts a fresh count, so old typos are forgotten. */
  readonly resetAfterSeconds: number;
}

export const THROTTLE_RULES: Readonly<Record<ThrottleScope, ThrottleRule>> = Object.freeze({
  // At the cap one address gets ~96 guesses a day at one user; 800-63B allows up to 100 failures.
  pair: Object.freeze({ freeFailures: 5, baseDelaySeconds: 1, maxDelaySeconds: 15 * 60, resetAfterSeconds: 24 * 3600 }),
  // At the cap all addresses together get ~290 guesses a day at one user.
  user: Object.freeze({ freeFailures: 20, baseDelaySeconds: 1, maxDelaySeconds: 5 * 60, resetAfterSeconds: 24 * 3600 }),
});

export type AttemptDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface AttemptFacts {
  readonly pairFailures: number;
  readonly pairLastFailureAt: Date | null | undefined;
  readonly userFailures: number;
  readonly userLastFailureAt: Date | null | undefined;
  readonly now: Date;
}

function assertCount(failures: number): void {
  if (!Number.isSafeInteger(failures) || failures < 0) {
    throw new RangeError(`failure count must be a non-negative integer, got ${failures}`);
  }
}

/**
 * Seconds to wait after the given number of consecutive failures: 0 while free, then
 * base·2^(n−free−1) — 1 s, 2 s, 4 s … — up to the scope's cap.
 */
export function backoffDelay(failures: number, scope: ThrottleScope): number {
  assertCount(failures);
  const rule = THROTTLE_RULES[scope];
  const beyondFree = failures - rule.freeFailures;
  if (beyondFree <= 0) return 0;
  // 2^1024 is Infinity, which min() still caps, so huge counts cannot overflow into a bad delay.
  return Math.min(rule.baseDelaySeconds * 2 ** (beyondFree - 1), rule.maxDelaySeconds);
}

/** The counter value to store after one more failure, restarting it once the previous one is stale. */
export function failuresAfterAnotherFailure(
  previousFailures: number,
  previousFailureAt: Date | null | undefined,
  now: Date,
  scope: ThrottleScope,
): number {
  return currentFailures(previousFailures, previousFailureAt, now, scope) + 1;
}

/** Failures that still count now: a stale counter is treated as zero even before the store resets it. */
function currentFailures(
  failures: number,
  lastFailureAt: Date | null | undefined,
  now: Date,
  scope: ThrottleScope,
): number {
  assertCount(failures);
  if (failures === 0 || lastFailureAt == null) return failures;
  const elapsedMs = now.getTime() - lastFailureAt.getTime();
  return elapsedMs >= THROTTLE_RULES[scope].resetAfterSeconds * 1000 ? 0 : failures;
}

/** Whole seconds still to wait in one scope (0 when free to try). */
function secondsToWait(
  failures: number,
  lastFailureAt: Date | null | undefined,
  now: Date,
  scope: ThrottleScope,
): number {
  const delaySeconds = backoffDelay(currentFailures(failures, lastFailureAt, now, scope), scope);
  if (delaySeconds === 0) return 0;
  // A counter without a time is inconsistent; fail closed with the full delay rather than open.
  const last = lastFailureAt ?? now;
  // A last failure "in the future" (clock skew between processes) counts as now, so the wait never
  // exceeds the delay: there is no way to turn skew into a long lock-out.
  const elapsedMs = Math.max(0, now.getTime() - last.getTime());
  const remainingMs = delaySeconds * 1000 - elapsedMs;
  return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
}

/**
 * Locked out: the back-off of the user-wide count has reached its cap, so every further attempt waits the longest
 * delay. Only attempts from browsers unfamiliar with the user reach this (familiar ones are counted apart).
 */
export function isLockedOut(failures: number, lastFailureAt: Date | null | undefined, now: Date): boolean {
  return (
    backoffDelay(currentFailures(failures, lastFailureAt, now, 'user'), 'user') >= THROTTLE_RULES.user.maxDelaySeconds
  );
}

/**
 * Whether another attempt may be checked now. Refused attempts are not counted as failures by the
 * caller (the credential is never checked), so waiting always ends.
 */
export function decideAttempt(facts: AttemptFacts): AttemptDecision {
  const wait = Math.max(
    secondsToWait(facts.pairFailures, facts.pairLastFailureAt, facts.now, 'pair'),
    secondsToWait(facts.userFailures, facts.userLastFailureAt, facts.now, 'user'),
  );
  return wait === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: wait };
}
