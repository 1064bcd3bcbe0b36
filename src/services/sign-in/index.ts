// The interactive sign-in use case. The browser submits one factor at a time (username, password, Temporary Access
// Pass, authenticator code, passkey, new password); after each verified factor the pure pipeline nextStep decides
// what comes next: another factor, a password change, done, or a refusal with a reason. State is server-side
// (sign_in_states, ./state.ts), bound to one user, holds verified facts only, and is cleared on failure; every
// terminal attempt is written to the sign-in log (./refusals.ts). One file per factor: password.ts, pass.ts,
// authenticator-app.ts, passkey.ts.

import type { FactorMethod } from '../../domain/signin/types.js';
import { createSignInStatesRepo } from '../../store/repos/sign-in-states.js';
import { createUsersRepo } from '../../store/repos/users.js';
import type { Deps } from '../deps.js';
import { type ThrottleSubject, userSubject } from '../throttle.js';
import { normalizeUpn } from '../user-lookup.js';
import { advance } from './advance.js';
import { attemptBase, otherAccountView } from './refusals.js';
import { openStep } from './state.js';
import type { SignInRequest, SignInView } from './view.js';

export { NOT_ASKED_MESSAGE } from './advance.js';
export { CODE_REPLAYED_MESSAGE, submitAuthenticatorCode, WRONG_CODE_MESSAGE } from './authenticator-app.js';
export { submitTap, usePassword, WRONG_TAP_MESSAGE } from './pass.js';
export {
  type PasskeyOptionsAnswer,
  passkeySignInOptions,
  submitPasskey,
  submitPasskeyDiscoverable,
} from './passkey.js';
export { submitNewPassword, submitPassword, WRONG_CREDENTIALS_MESSAGE } from './password.js';
export { setupOnlyView } from './refusals.js';
export { csrfTokenFor, isValidCsrf, SIGN_IN_STATE_TTL_MS } from './state.js';
export type { LoginDone, SignInRequest, SignInView } from './view.js';

/** What to show for GET /signin/:uid. */
export async function currentView(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  return opened.ok ? advance(deps, req, opened.bound, opened.state.facts) : opened.view;
}

export async function submitUsername(deps: Deps, req: SignInRequest, username: unknown): Promise<SignInView> {
  const opened = await openStep(deps, req);
  if (!opened.ok) return opened.view;
  const { state } = opened;
  const name = typeof username === 'string' ? normalizeUpn(username) : '';
  if (name.length < 3 || name.length > 256 || !/^[^\s@]+@[^\s@]+$/.test(name))
    return {
      kind: 'username',
      error: 'Enter a valid email address or username, like alice@contoso.com.',
      username: typeof username === 'string' ? username.slice(0, 256) : '',
    };
  const user = await createUsersRepo(deps.db).findUserByUpn(name);
  const subject: ThrottleSubject = user
    ? userSubject(user.id)
    : `unknown:${deps.keyring.keyedHash('id-hash', `upn:${name}`)}`;
  const repo = createSignInStatesRepo(deps.db);
  const fresh = await repo.bindSubject(state.uidHash, subject, user?.id ?? null, name);
  if (!fresh) return otherAccountView(deps, req, state.uidHash, attemptBase(req, user, name));
  // Users with a password (and unknown names) get the password page first; a pass comes first only for users
  // without a password or under Entra's pass-first flow.
  return advance(deps, req, { state: fresh, user, subject, loginName: name, read: {} }, fresh.facts);
}

export async function restart(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const opened = await openStep(deps, req);
  if (!opened.ok) return opened.view;
  await createSignInStatesRepo(deps.db).unbind(opened.state.uidHash);
  return { kind: 'username' };
}

/** The methods "Sign in another way" may choose: every method but the password, which has its own button. */
const CHOOSABLE: Record<FactorMethod, boolean> = {
  password: false,
  tap: true,
  authenticatorApp: true,
  passkey: true,
};

const choosable = (method: unknown): FactorMethod | undefined =>
  (Object.keys(CHOOSABLE) as FactorMethod[]).find((m) => m === method && CHOOSABLE[m]);

/**
 * "Sign in another way": the user picks another of the methods the pipeline offered. A method the pipeline would
 * not accept at this step changes nothing (the preference only reorders what nextStep already allows).
 */
export async function chooseMethod(deps: Deps, req: SignInRequest, method: unknown): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
  const chosen = choosable(method);
  if (chosen === undefined) return advance(deps, req, b, state.facts, 'Choose one of the sign-in methods offered.');
  await createSignInStatesRepo(deps.db).setChosenMethod(state.uidHash, chosen);
  return advance(deps, req, { ...b, state: { ...state, chosenMethod: chosen } }, state.facts);
}
