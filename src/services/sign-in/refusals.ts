// How a refusal is told and logged: the page (a catalogue entry's title, words and sign-in log code) and the sign-in
// log's entry with the methods of this interaction.

import { type ErrorSpec, errorCatalogue } from '../../domain/errors.js';
import { type SignInErrorKind, type SignInRefusalPage, signInErrors } from '../../domain/errors/sign-in.js';
import { methodOfAmr } from '../../domain/signin/factors.js';
import type { FactorMethod } from '../../domain/signin/types.js';
import { createSignInStatesRepo, type SignInStateRecord, type StoredFact } from '../../store/repos/sign-in-states.js';
import type { SignInMethodUse } from '../../store/repos/sign-ins.js';
import { createUsersRepo, type UserRecord } from '../../store/repos/users.js';
import type { Deps } from '../deps.js';
import { METHOD_LOG_NAMES } from '../sign-in-facts.js';
import { logSignIn, type SignInAttempt } from '../sign-in-log.js';
import { isFamiliar, lockedOutOfFactor, userSubject } from '../throttle.js';
import type { RefusedView, SignInRequest, SignInView } from './view.js';

/** The sign-in log's code for a completed sign-in. */
export const SIGN_IN_SUCCEEDED = 0;

const specOf = (kind: SignInErrorKind): ErrorSpec => errorCatalogue[kind];

/** The sign-in log's code of a catalogue entry. */
export const logCodeOf = (kind: SignInErrorKind): number => specOf(kind).signInErrorCode ?? 0;

/** An entry's fixed words ('' for an entry whose words are built from values: those are always given). */
export const fixedMessage = (kind: SignInErrorKind): string => {
  const message = specOf(kind).message;
  return typeof message === 'string' ? message : '';
};

/** The refusal page of `kind`: the entry's words unless the refusal's own (e.g. a pass's start time) are given. */
export function refusedView(
  deps: Deps,
  req: SignInRequest,
  kind: SignInRefusalPage,
  extra: { message?: string; retryAfterSeconds?: number } = {},
): RefusedView {
  return {
    kind: 'refused',
    error: kind,
    title: signInErrors[kind].title,
    message: extra.message ?? fixedMessage(kind),
    errorCode: logCodeOf(kind),
    correlationId: req.correlationId,
    at: deps.clock.now(),
    retryAfterSeconds: extra.retryAfterSeconds,
  };
}

export const endedView = (deps: Deps, req: SignInRequest) => refusedView(deps, req, 'signInEnded');

export type AttemptBase = Omit<SignInAttempt, 'errorCode' | 'failureReason' | 'methods'>;

export function attemptBase(req: SignInRequest, user: UserRecord | undefined, loginName: string): AttemptBase {
  return {
    correlationId: req.correlationId,
    ipAddress: req.ipAddress,
    userAgent: req.userAgent,
    app: req.app,
    user: user
      ? { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName }
      : { id: null, userPrincipalName: loginName, displayName: null },
  };
}

/** The methods of this interaction for the sign-in log, in the order they were proved, then the one that failed. */
export function methodsUsed(
  facts: StoredFact[],
  failed?: { method: FactorMethod; detail?: string },
): SignInMethodUse[] {
  const used: SignInMethodUse[] = facts.map((f) => ({ method: METHOD_LOG_NAMES[f.method], succeeded: true }));
  if (failed)
    used.push({
      method: METHOD_LOG_NAMES[failed.method],
      succeeded: false,
      ...(failed.detail ? { detail: failed.detail } : {}),
    });
  return used;
}

/** Logs a failed attempt under its catalogue entry's code. */
export async function logFailure(
  deps: Deps,
  base: AttemptBase,
  kind: SignInErrorKind,
  failureReason: string,
  methods: SignInMethodUse[],
): Promise<void> {
  await logSignIn(deps, { ...base, errorCode: logCodeOf(kind), failureReason, methods });
}

/**
 * A factor's attempt refused by its throttle, before anything was checked: what this interaction proved is dropped,
 * the refusal is logged, and the user is told how long to wait. `tried` names the failures, e.g. "wrong passwords";
 * the log may name them more precisely (`logged`). A refusal of an unfamiliar browser at the lock-out is logged with
 * its own code, so that an account under attack shows in the sign-in log.
 */
export async function throttledView(
  deps: Deps,
  req: SignInRequest,
  state: Pick<SignInStateRecord, 'uidHash' | 'subject'>,
  base: AttemptBase,
  attempt: { method: FactorMethod; provedBefore: StoredFact[]; tried: string; logged?: string },
  wait: number,
): Promise<SignInView> {
  await createSignInStatesRepo(deps.db).clearFacts(state.uidHash);
  const subject = base.user.id ? userSubject(base.user.id) : state.subject;
  const lockedOut =
    !isFamiliar({ userId: base.user.id, familiarUserId: req.familiarUserId }) &&
    subject !== null &&
    (await lockedOutOfFactor(deps, subject, attempt.method));
  const tried = attempt.logged ?? attempt.tried;
  await logFailure(
    deps,
    base,
    lockedOut ? 'signInLockedOut' : 'signInThrottled',
    lockedOut
      ? `Locked out for unfamiliar browsers after repeated ${tried}; retry in ${wait} s. Browsers where the user signed in before are not affected.`
      : `Sign-in throttled after repeated ${tried}; retry in ${wait} s.`,
    methodsUsed(attempt.provedBefore, { method: attempt.method, detail: 'Throttled' }),
  );
  const message = errorCatalogue.signInThrottled.message({ tried: attempt.tried, wait });
  return refusedView(deps, req, 'signInThrottled', { message, retryAfterSeconds: wait });
}

/** A second account in an interaction already bound to another: facts must never carry over, so it ends here. */
export async function otherAccountView(
  deps: Deps,
  req: SignInRequest,
  uidHash: string,
  base: AttemptBase,
): Promise<SignInView> {
  await createSignInStatesRepo(deps.db).endState(uidHash);
  await logFailure(
    deps,
    base,
    'signInOtherAccount',
    'The sign-in was started for another account in the same interaction.',
    [],
  );
  return refusedView(deps, req, 'signInOtherAccount');
}

/**
 * A session limited to setting up methods (a set-up pass) asked for another app: logged under its own code with the
 * methods the session proved, read from its amr. The session itself stays, for Security info.
 */
export async function setupOnlyView(
  deps: Deps,
  req: SignInRequest,
  session: { accountId: string; amr: readonly string[] },
): Promise<RefusedView> {
  const user = await createUsersRepo(deps.db).findUserById(session.accountId);
  const methods = session.amr.map(methodOfAmr).filter((m): m is FactorMethod => m !== undefined);
  await logFailure(
    deps,
    attemptBase(req, user, user?.userPrincipalName ?? session.accountId),
    'signInSetupOnly',
    `Signed in with a Temporary Access Pass for setting up methods only: ${req.app.displayName} was refused; Security info is allowed.`,
    [...new Set(methods)].map((m) => ({ method: METHOD_LOG_NAMES[m], succeeded: true })),
  );
  return refusedView(deps, req, 'signInSetupOnly');
}
