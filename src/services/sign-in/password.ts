// The password factor, and the forced password change after an administrator's reset.

import { userActor } from '../../domain/audit.js';
import { signInErrors } from '../../domain/errors/sign-in.js';
import { nextStep } from '../../domain/signin/next-step.js';
import { createSignInStatesRepo } from '../../store/repos/sign-in-states.js';
import { createUsersRepo } from '../../store/repos/users.js';
import type { Deps } from '../deps.js';
import { applyNewPassword } from '../self-service.js';
import { loadSignInFacts } from '../sign-in-facts.js';
import { attemptFailed, beginAttempt, giveBack } from '../throttle.js';
import { advance, refuseUnaskedFactor } from './advance.js';
import { attemptBase, endedView, logFailure, methodsUsed, throttledView } from './refusals.js';
import { choicesOf, familiarFor, openStep, recordFact } from './state.js';
import type { SignInRequest, SignInView } from './view.js';

export const WRONG_CREDENTIALS_MESSAGE = signInErrors.signInWrongCredentials.message;

export async function submitPassword(deps: Deps, req: SignInRequest, password: unknown): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
  const { user, loginName, subject } = b;
  const secret = typeof password === 'string' ? password : '';
  const unasked = await refuseUnaskedFactor(deps, req, b, 'password');
  if (unasked) return unasked;
  if (secret.length === 0 || secret.length > 1024)
    return { kind: 'password', loginName, error: 'Enter your password.' };
  const base = attemptBase(req, user, loginName);

  // Counted before the hash; a refusal spends no hash at all.
  const start = await beginAttempt(deps, subject, req.ipAddress, 'password', familiarFor(req, user?.id));
  if (!start.allowed)
    return throttledView(
      deps,
      req,
      state,
      base,
      { method: 'password', provedBefore: [], tried: 'wrong passwords' },
      start.retryAfterSeconds,
    );

  let verified: { ok: boolean; needsRehash: boolean };
  try {
    verified = await deps.hasher.verify(user?.passwordHash ?? null, secret);
  } catch (e) {
    await giveBack(deps, start.ticket); // the hash queue was full: nothing was checked
    throw e;
  }
  if (!verified.ok || !user) {
    await attemptFailed(deps, start.ticket);
    await createSignInStatesRepo(deps.db).clearFacts(state.uidHash);
    await logFailure(
      deps,
      base,
      'signInWrongCredentials',
      'Invalid username or password or Invalid on-premise username or password.',
      methodsUsed([], { method: 'password' }),
    );
    return { kind: 'password', loginName, error: WRONG_CREDENTIALS_MESSAGE };
  }
  await giveBack(deps, start.ticket);
  if (verified.needsRehash)
    await createUsersRepo(deps.db).updateUser(user.id, { passwordHash: await deps.hasher.hash(secret) });

  const facts = await recordFact(deps, b, 'password');
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

/** The forced password change after an administrator's reset, once every required factor is proved. */
export async function submitNewPassword(
  deps: Deps,
  req: SignInRequest,
  newPassword: unknown,
  confirmPassword: unknown,
): Promise<SignInView> {
  const opened = await openStep(deps, req);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
  if (!b?.user) return { kind: 'username' };
  const { user, loginName } = b;
  const loaded = await loadSignInFacts(deps, user, state.facts, choicesOf(state, req));
  if (nextStep(loaded.facts).kind !== 'changePassword') return advance(deps, req, b, state.facts);
  const ctx = { actor: userActor(user, req.ipAddress), correlationId: req.correlationId, ipAddress: req.ipAddress };
  const changed = await applyNewPassword(
    deps,
    ctx,
    user,
    newPassword,
    confirmPassword,
    'User changed their password at sign-in, as an administrator required',
  );
  if (!changed.ok) return { kind: 'changePassword', loginName, error: changed.message };
  const updated = (await createUsersRepo(deps.db).findUserById(user.id)) ?? user;
  return advance(deps, req, { ...b, user: updated }, state.facts);
}
