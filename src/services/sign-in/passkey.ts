// The passkey factor: after the username (the bound user's passkeys), or on the first page as "Sign in with a
// passkey" (a discoverable credential names its user); and the WebAuthn request options for both.

import { jsonValue, userTarget } from '../../domain/audit.js';
import type { SignInErrorKind } from '../../domain/errors/sign-in.js';
import type { Fido2MethodRecord } from '../../store/repos/fido2-methods.js';
import type { UserRecord } from '../../store/repos/users.js';
import { recordAuditEvent } from '../audited.js';
import { createSignInStatesRepo, type SignInStateRecord } from '../../store/repos/sign-in-states.js';
import type { Deps } from '../deps.js';
import { type PasskeyFailure, passkeyAuthenticationOptions, verifyPasskeyAssertion } from '../passkey-assertions.js';
import { userSubject } from '../throttle.js';
import { acceptedFactors, advance, refuseUnaskedFactor } from './advance.js';
import {
  type AttemptBase,
  attemptBase,
  endedView,
  fixedMessage,
  logFailure,
  methodsUsed,
  otherAccountView,
  refusedView,
  throttledView,
} from './refusals.js';
import { type Bound, bound, loadState, openStep, recordFact } from './state.js';
import type { SignInRequest, SignInView } from './view.js';

/** How each passkey failure is logged (the user reads its catalogue entry's words, never more than needed). */
const PASSKEY_FAILURES: Record<Exclude<PasskeyFailure, 'throttled'>, { kind: SignInErrorKind; reason: string }> = {
  malformed: { kind: 'signInPasskeyMalformed', reason: 'The passkey answer was not a WebAuthn assertion.' },
  challenge: {
    kind: 'signInPasskeyChallenge',
    reason: 'The passkey challenge expired, was already used, or belongs to another sign-in.',
  },
  unknownCredential: {
    kind: 'signInPasskeyNotRegistered',
    reason: 'The passkey is not registered (deleted, or registered for another relying party).',
  },
  otherUser: {
    kind: 'signInPasskeyOtherUser',
    reason: 'The passkey belongs to another account, or its user handle does not match.',
  },
  invalid: {
    kind: 'signInPasskeyInvalid',
    reason: 'The passkey assertion did not verify (signature, origin, relying party or user verification).',
  },
  counter: {
    kind: 'signInPasskeyCounterRegressed',
    reason: 'The passkey signature counter did not increase: possibly a cloned authenticator.',
  },
};

export type PasskeyOptionsAnswer =
  | { ok: true; options: Awaited<ReturnType<typeof passkeyAuthenticationOptions>> }
  | { ok: false; error: SignInErrorKind; target: string };

/**
 * WebAuthn request options for this interaction. `user`: after the username, the bound user's passkeys are allowed
 * (a name that matches nobody gets an empty list, like a user without passkeys). `discoverable`: the first page,
 * no credentials listed; the passkey itself names the user.
 */
export async function passkeySignInOptions(
  deps: Deps,
  req: SignInRequest,
  mode: unknown,
): Promise<PasskeyOptionsAnswer> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return { ok: false, error: 'signInOptionsEnded', target: 'uid' };
  if (mode === 'discoverable') return { ok: true, options: await passkeyAuthenticationOptions(deps, req.uid, null) };
  if (mode !== 'user') return { ok: false, error: 'signInPasskeyModeInvalid', target: 'mode' };
  const b = await bound(deps, state);
  if (!b) return { ok: false, error: 'signInUsernameFirst', target: 'mode' };
  // Only when this step asks for a passkey: otherwise the credential ids would tell who has passkeys.
  if (!b.user || !(await acceptedFactors(deps, req, b)).has('passkey'))
    return { ok: false, error: 'signInFactorNotAsked', target: 'mode' };
  return { ok: true, options: await passkeyAuthenticationOptions(deps, req.uid, b.user.id) };
}

async function passkeyFailure(
  deps: Deps,
  req: SignInRequest,
  state: SignInStateRecord,
  outcome: Extract<Awaited<ReturnType<typeof verifyPasskeyAssertion>>, { ok: false }>,
  loginName: string,
): Promise<{ view?: SignInView; message: string }> {
  const user = outcome.user;
  const base: AttemptBase = user
    ? attemptBase(req, user, loginName || user.userPrincipalName)
    : {
        ...attemptBase(req, undefined, loginName),
        user: { id: null, userPrincipalName: loginName || null, displayName: null },
      };
  if (outcome.failure === 'throttled') {
    const attempt = { method: 'passkey' as const, provedBefore: state.facts, tried: 'failed passkey sign-ins' };
    return { view: await throttledView(deps, req, state, base, attempt, outcome.retryAfterSeconds ?? 1), message: '' };
  }
  const f = PASSKEY_FAILURES[outcome.failure];
  const message = fixedMessage(f.kind);
  await logFailure(
    deps,
    base,
    f.kind,
    f.reason,
    methodsUsed(state.facts, { method: 'passkey', detail: outcome.failure }),
  );
  if (outcome.failure === 'counter') {
    // A possible clone: nothing more happens in this interaction, and administrators find it in the audit log too.
    if (user && outcome.method) await auditClonedPasskey(deps, req, user, outcome.method, outcome.presentedCounter);
    await createSignInStatesRepo(deps.db).endState(state.uidHash);
    return { view: refusedView(deps, req, 'signInPasskeyCounterRegressed'), message };
  }
  return { message };
}

/**
 * The audit entry of a signature counter that went backwards (WebAuthn §6.1.1: a sign the authenticator may have been
 * cloned). The one who presented it proved nothing, so the initiator is the caller's address, not the user.
 */
async function auditClonedPasskey(
  deps: Deps,
  req: SignInRequest,
  user: UserRecord,
  method: Fido2MethodRecord,
  presentedCounter: number | undefined,
): Promise<void> {
  const ctx = {
    actor: { kind: 'anonymous' as const, ipAddress: req.ipAddress },
    correlationId: req.correlationId,
    ipAddress: req.ipAddress,
    userAgent: req.userAgent,
  };
  const counter = (name: string, value: number | undefined) => ({
    displayName: `Fido2AuthenticationMethod.${name}`,
    oldValue: jsonValue(method.signCount),
    newValue: jsonValue(value ?? null),
  });
  await recordAuditEvent(
    deps.db,
    deps,
    ctx,
    {
      activityDisplayName: 'Refuse sign-in with possibly cloned passkey',
      category: 'UserManagement',
      loggedByService: 'Authentication Methods',
      operationType: 'Other',
      targetResources: [userTarget(user, [counter('SignCount', presentedCounter)])],
      additionalDetails: [
        { key: 'Fido2AuthenticationMethod.Id', value: method.id },
        { key: 'Fido2AuthenticationMethod.DisplayName', value: method.displayName },
        { key: 'AppId', value: req.app.appId },
      ],
    },
    'failure',
    'The passkey signature counter did not increase: possibly a cloned authenticator.',
  );
}

/** The passkey step after the username: the assertion must come from one of the bound user's passkeys. */
export async function submitPasskey(deps: Deps, req: SignInRequest, credential: unknown): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
  const unasked = await refuseUnaskedFactor(deps, req, b, 'passkey');
  if (unasked || !b.user) return unasked ?? { kind: 'password', loginName: b.loginName };
  const outcome = await verifyPasskeyAssertion(deps, {
    uid: req.uid,
    credential,
    boundUserId: b.user.id,
    ipAddress: req.ipAddress,
    familiarUserId: req.familiarUserId ?? null,
  });
  if (!outcome.ok) {
    const failed = await passkeyFailure(deps, req, state, outcome, b.loginName);
    if (failed.view) return failed.view;
    if (outcome.failure === 'malformed' || outcome.failure === 'challenge')
      return advance(deps, req, b, state.facts, failed.message);
    // Like a wrong pass: everything proved in this interaction is forgotten.
    await createSignInStatesRepo(deps.db).clearFacts(state.uidHash);
    return advance(deps, req, { ...b, state: { ...state, facts: [] } }, [], failed.message);
  }
  const facts = await recordFact(deps, b, 'passkey', { hardwareBound: outcome.hardwareBound });
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

/**
 * "Sign in with a passkey" on the first page: no username typed. The discoverable credential names its user (and
 * its user handle must agree); the interaction is bound to that user, as the username step would, then the
 * pipeline goes on from the passkey (user verification makes it multi-factor by itself).
 */
export async function submitPasskeyDiscoverable(
  deps: Deps,
  req: SignInRequest,
  credential: unknown,
): Promise<SignInView> {
  const opened = await openStep(deps, req);
  if (!opened.ok) return opened.view;
  const { state, bound: named } = opened;
  // Offered on the first page only: once a name is given, the passkey must be what that step asks for.
  if (named) {
    const unasked = await refuseUnaskedFactor(deps, req, named, 'passkey');
    if (unasked) return unasked;
  }
  const outcome = await verifyPasskeyAssertion(deps, {
    uid: req.uid,
    credential,
    boundUserId: null,
    ipAddress: req.ipAddress,
    familiarUserId: req.familiarUserId ?? null,
  });
  if (!outcome.ok) {
    const failed = await passkeyFailure(deps, req, state, outcome, state.loginName ?? '');
    return failed.view ?? { kind: 'username', error: failed.message };
  }
  const { user } = outcome;
  const subject = userSubject(user.id);
  const repo = createSignInStatesRepo(deps.db);
  const fresh = await repo.bindSubject(state.uidHash, subject, user.id, user.userPrincipalName);
  if (!fresh) return otherAccountView(deps, req, state.uidHash, attemptBase(req, user, user.userPrincipalName));
  const b: Bound = { state: fresh, user, subject, loginName: user.userPrincipalName, read: {} };
  const facts = await recordFact(deps, b, 'passkey', { hardwareBound: outcome.hardwareBound });
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}
