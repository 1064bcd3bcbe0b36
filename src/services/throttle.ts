// Throttling of failed sign-in factors (passwords, Temporary Access Passes), counted per factor and shared by every
// process through the store: an attempt is counted atomically BEFORE its hash is spent, given back when it succeeds
// or is refused, and the counts reset only by a completed sign-in (a correct password does not reset the pass count).
// Smart lock-out, as Entra's: attempts from a browser where the user signed in before (a familiar browser, known by its
// signed device cookie) are counted apart from all others, so strangers who drive the user-wide count to its cap lock
// out only unfamiliar browsers, never the user's own.

import { userTarget, type AuditEntry } from '../domain/audit.js';
import { throttleAddressKey } from '../domain/net-address.js';
import type { FactorMethod } from '../domain/signin/types.js';
import { THROTTLE_RULES, decideAttempt, isLockedOut, type ThrottleScope } from '../domain/throttle.js';
import type { DbOrTx } from '../store/db.js';
import { createFailureCountersRepo, type CounterValue } from '../store/repos/failure-counters.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { allows, check, TENANT_TARGET, userAuthzTarget, type GuardedContext } from './guard.js';
import { getUserByIdOrUpn } from './user-lookup.js';

/** Who is being guessed at: a directory user, or a name that matches nobody (counted alike, so timing tells nothing). */
export type ThrottleSubject = string;
export const userSubject = (userId: string): ThrottleSubject => `user:${userId}`;

/** Each factor has counters of its own: guessing passes does not slow down a password, nor the other way round. */
export type ThrottledFactor = FactorMethod;
const COUNTED: Record<ThrottledFactor, true> = { password: true, tap: true, passkey: true, authenticatorApp: true };
export const THROTTLED_FACTORS = Object.keys(COUNTED) as readonly ThrottledFactor[];

const userKey = (subject: ThrottleSubject, factor: ThrottledFactor = 'password', familiar = false) =>
  familiar ? `${factor}:user-familiar:${subject}` : `${factor}:user:${subject}`;
const pairPrefix = (subject: ThrottleSubject, factor: ThrottledFactor = 'password') => `${factor}:pair:${subject}:`;
/** A familiar browser's per-address counts sit under the pair prefix too, so listing and clearing find them. */
const FAMILIAR_PAIR = 'familiar:';

function addressKeyOf(ip: string | null | undefined): string {
  try {
    return ip ? throttleAddressKey(ip) : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Whether the attempt comes from a browser familiar with the user it is for (a device cookie naming that user). */
export const isFamiliar = (attempt: { userId: string | null; familiarUserId?: string | null | undefined }): boolean =>
  attempt.userId !== null && attempt.familiarUserId === attempt.userId;

export interface AttemptTicket {
  keys: string[];
}

export type AttemptStart = { allowed: true; ticket: AttemptTicket } | { allowed: false; retryAfterSeconds: number };

async function increment(db: DbOrTx, key: string, scope: ThrottleScope, now: Date): Promise<CounterValue> {
  const resetMs = THROTTLE_RULES[scope].resetAfterSeconds * 1000;
  return createFailureCountersRepo(db).incrementAttempt(
    key,
    now.getTime(),
    now.getTime() - resetMs,
    now.getTime() + resetMs,
  );
}

/**
 * Counts the attempt, then decides from the counts as they stood before it (in-flight attempts included), so
 * N parallel guesses get N distinct counts and only the allowed number pass. A refused attempt is given back.
 */
export async function beginAttempt(
  deps: Pick<Deps, 'db' | 'clock'>,
  subject: ThrottleSubject,
  ip: string | null | undefined,
  factor: ThrottledFactor = 'password',
  /** The attempt comes from a browser where this user signed in before (smart lock-out). */
  familiar = false,
): Promise<AttemptStart> {
  const now = deps.clock.now();
  const pairKey = `${pairPrefix(subject, factor)}${familiar ? FAMILIAR_PAIR : ''}${addressKeyOf(ip)}`;
  const userCountKey = userKey(subject, factor, familiar);
  // Both counts in one transaction: every attempt locks the pair row, then the user row, in that order, so concurrent
  // attempts from one address take their two counts in the same order (none is refused by a user count inflated by
  // attempts that came after it) and cannot deadlock.
  const [pair, user] = await deps.db
    .transaction()
    .execute(async (tx) => [await increment(tx, pairKey, 'pair', now), await increment(tx, userCountKey, 'user', now)]);
  const decision = decideAttempt({
    pairFailures: Math.max(0, pair.failures - 1),
    pairLastFailureAt: pair.lastFailureAt,
    userFailures: Math.max(0, user.failures - 1),
    userLastFailureAt: user.lastFailureAt,
    now,
  });
  const ticket = { keys: [pairKey, userCountKey] };
  if (decision.allowed) return { allowed: true, ticket };
  await giveBack(deps, ticket);
  return { allowed: false, retryAfterSeconds: decision.retryAfterSeconds };
}

/** The credential was checked and was wrong: the count stays and the back-off runs from now. */
export async function attemptFailed(deps: Pick<Deps, 'db' | 'clock'>, ticket: AttemptTicket): Promise<void> {
  const repo = createFailureCountersRepo(deps.db);
  for (const key of ticket.keys) await repo.markFailed(key, deps.clock.now().getTime());
}

/** The credential was right: the attempt is given back (the counts themselves reset only when the sign-in completes). */
export async function giveBack(deps: Pick<Deps, 'db'>, ticket: AttemptTicket): Promise<void> {
  // One statement per counter, in the ticket's order (pair, then user), as beginAttempt locks them: one statement
  // over both rows would lock them in whatever order PostgreSQL scans them, and deadlock with a concurrent attempt.
  const repo = createFailureCountersRepo(deps.db);
  for (const key of ticket.keys) await repo.giveBack(key);
}

/**
 * A completed sign-in: the user proved who they are, so their counters start afresh. From a familiar browser only the
 * familiar counts do: strangers locked out by the unfamiliar count stay locked out while the user signs in as usual.
 */
export async function resetAfterSignIn(
  deps: Pick<Deps, 'db'>,
  subject: ThrottleSubject,
  familiar = false,
): Promise<void> {
  // One statement for all the factors' counters (it was four): the same rows, one round trip.
  await createFailureCountersRepo(deps.db).deleteCountersAndPrefixes(
    THROTTLED_FACTORS.flatMap((f) =>
      familiar ? [userKey(subject, f, true)] : [userKey(subject, f), userKey(subject, f, true)],
    ),
    THROTTLED_FACTORS.map((f) => `${pairPrefix(subject, f)}${familiar ? FAMILIAR_PAIR : ''}`),
  );
}

/** Whether unfamiliar browsers are locked out of this factor for the subject (the user-wide back-off at its cap). */
export async function lockedOutOfFactor(
  deps: Pick<Deps, 'db' | 'clock'>,
  subject: ThrottleSubject,
  factor: ThrottledFactor,
): Promise<boolean> {
  const total = await createFailureCountersRepo(deps.db).findCounter(userKey(subject, factor));
  return total !== undefined && isLockedOut(total.failures, total.lastFailureAt, deps.clock.now());
}

export interface FactorThrottleState {
  failures: number;
  lastFailureDateTime: string | null;
  /** Seconds before the next attempt from a fresh address is checked (0 = free to try). */
  retryAfterSeconds: number;
  addresses: { addressKey: string; failures: number; lastFailureDateTime: string; retryAfterSeconds: number }[];
  /** Unfamiliar browsers wait the longest delay (the user-wide count is at its cap); familiar ones are unaffected. */
  lockedOut: boolean;
  /** Failures from browsers where the user signed in before, counted apart (smart lock-out). */
  familiarBrowsers: { failures: number; lastFailureDateTime: string | null; retryAfterSeconds: number };
}

/** The password counters at the top level; each other factor's counters, kept apart, under its own name. */
export interface ThrottleState extends FactorThrottleState {
  userId: string;
  temporaryAccessPass: FactorThrottleState;
  authenticatorApp: FactorThrottleState;
  passkey: FactorThrottleState;
}

function waitFor(scope: ThrottleScope, c: CounterValue | undefined, now: Date): number {
  if (!c) return 0;
  const facts =
    scope === 'pair'
      ? {
          pairFailures: c.failures,
          pairLastFailureAt: c.lastFailureAt,
          userFailures: 0,
          userLastFailureAt: undefined,
          now,
        }
      : {
          pairFailures: 0,
          pairLastFailureAt: undefined,
          userFailures: c.failures,
          userLastFailureAt: c.lastFailureAt,
          now,
        };
  const d = decideAttempt(facts);
  return d.allowed ? 0 : d.retryAfterSeconds;
}

async function factorState(
  db: DbOrTx,
  subject: ThrottleSubject,
  factor: ThrottledFactor,
  now: Date,
): Promise<FactorThrottleState> {
  const repo = createFailureCountersRepo(db);
  // The user-wide counts by their exact keys: as prefixes, one user's key would also find another's that extends it.
  const total = await repo.findCounter(userKey(subject, factor));
  const familiar = await repo.findCounter(userKey(subject, factor, true));
  const pairs = await repo.listCountersWithPrefix(pairPrefix(subject, factor));
  return {
    failures: total?.failures ?? 0,
    lastFailureDateTime: total && total.failures > 0 ? total.lastFailureAt.toISOString() : null,
    retryAfterSeconds: waitFor('user', total, now),
    lockedOut: total !== undefined && isLockedOut(total.failures, total.lastFailureAt, now),
    familiarBrowsers: {
      failures: familiar?.failures ?? 0,
      lastFailureDateTime: familiar && familiar.failures > 0 ? familiar.lastFailureAt.toISOString() : null,
      retryAfterSeconds: waitFor('user', familiar, now),
    },
    addresses: pairs
      .filter((p) => p.failures > 0)
      .map((p) => ({
        addressKey: p.key.slice(pairPrefix(subject, factor).length),
        failures: p.failures,
        lastFailureDateTime: p.lastFailureAt.toISOString(),
        retryAfterSeconds: waitFor('pair', p, now),
      })),
  };
}

/** The pass factor's user-wide back-off, read without counting an attempt: "Why doesn't this pass work?". */
export async function readPassThrottle(
  deps: Pick<Deps, 'db' | 'clock'>,
  userId: string,
): Promise<{ retryAfterSeconds: number; lockedOut: boolean }> {
  const state = await factorState(deps.db, userSubject(userId), 'tap', deps.clock.now());
  return { retryAfterSeconds: state.retryAfterSeconds, lockedOut: state.lockedOut };
}

/** The user's counters, for `gatepass user unlock` and Graph's signInThrottle extension. */
export async function getThrottleState(deps: Pick<Deps, 'db' | 'clock'>, userIdOrUpn: string): Promise<ThrottleState> {
  const user = await getUserByIdOrUpn(deps.db, userIdOrUpn);
  const subject = userSubject(user.id);
  const now = deps.clock.now();
  const [password, temporaryAccessPass, authenticatorApp, passkey] = await Promise.all([
    factorState(deps.db, subject, 'password', now),
    factorState(deps.db, subject, 'tap', now),
    factorState(deps.db, subject, 'authenticatorApp', now),
    factorState(deps.db, subject, 'passkey', now),
  ]);
  return { userId: user.id, ...password, temporaryAccessPass, authenticatorApp, passkey };
}

type FactorView = Omit<FactorThrottleState, 'addresses'> & { addresses: FactorThrottleState['addresses'] | null };

/** The counters with every per-address breakdown replaced by null: the totals and waits stay visible. */
export function withoutSourceAddresses(state: ThrottleState) {
  const hide = (f: FactorThrottleState): FactorView => ({ ...f, addresses: null });
  return {
    ...hide(state),
    userId: state.userId,
    temporaryAccessPass: hide(state.temporaryAccessPass),
    authenticatorApp: hide(state.authenticatorApp),
    passkey: hide(state.passkey),
  };
}

/**
 * Graph's signInThrottle extension: an unknown user is a 404, then reading the counters takes reading the user.
 * Where failed sign-ins came from is sign-in log data: the addresses are shown only to a caller who may read the
 * sign-in log (AuditLog.Read.All, and for a delegated caller a role that may read sign-in reports).
 */
export async function readSignInThrottle(deps: Pick<Deps, 'db' | 'clock'>, ctx: GuardedContext, userIdOrUpn: string) {
  const user = await getUserByIdOrUpn(deps.db, userIdOrUpn);
  check(ctx, 'microsoft.directory/users/standard/read', await userAuthzTarget(deps.db, user.id));
  const state = await getThrottleState(deps, user.id);
  return allows(ctx, 'microsoft.directory/signInReports/allProperties/read', TENANT_TARGET)
    ? state
    : withoutSourceAddresses(state);
}

/** Clears every failure counter of the user (audited). */
export async function clearThrottle(deps: Deps, ctx: GuardedContext, userIdOrUpn: string): Promise<void> {
  const entry = (user?: { id: string; displayName: string; userPrincipalName: string }): AuditEntry => ({
    activityDisplayName: 'Unlock user sign-in',
    category: 'UserManagement' as const,
    loggedByService: 'Authentication Methods',
    operationType: 'Update' as const,
    targetResources: [user ? userTarget(user) : { id: userIdOrUpn, displayName: null, type: 'User' as const }],
  });
  let known: { id: string; displayName: string; userPrincipalName: string } | undefined;
  await audited(
    deps,
    ctx,
    () => entry(known),
    async (tx, record) => {
      const user = await getUserByIdOrUpn(tx, userIdOrUpn);
      known = user;
      check(ctx, 'microsoft.directory/users/password/update', await userAuthzTarget(tx, user.id));
      await resetAfterSignIn({ db: tx }, userSubject(user.id));
      await record(entry(user));
    },
  );
}
