// The interactive sign-in use case: username → password → nextStep decides (done, or a refusal with a reason).
// State is server-side (sign_in_states), bound to one user, and holds verified facts only; every attempt is logged.

import { securityDefaultsRequirements } from '../domain/signin/requirements.js';
import { nextStep } from '../domain/signin/next-step.js';
import type { SignInFacts, SignInRefusal, SignInStep, VerifiedFactor } from '../domain/signin/types.js';
import { secretsEqual } from '../domain/secrets.js';
import { createSignInStatesRepo, type SignInStateRecord, type StoredFact } from '../store/repos/sign-in-states.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import type { Deps } from './deps.js';
import { getSecurityDefaults } from './security-defaults.js';
import { logSignIn, type SignInAttempt } from './sign-in-log.js';
import { attemptFailed, beginAttempt, giveBack, resetAfterSignIn, userSubject, type ThrottleSubject } from './throttle.js';
import { normalizeUpn } from './user-lookup.js';

/** issue #2: an interaction's state lives at most 10 minutes. */
export const SIGN_IN_STATE_TTL_MS = 10 * 60 * 1000;

/** AADSTS-style codes written to the sign-in log and shown on error pages. */
export const SIGN_IN_ERROR_CODES = {
  success: 0,
  wrongCredentials: 50126,
  throttled: 50053,
  accountDisabled: 50057,
  mfaRequired: 50076,
  mfaEnrollmentRequired: 50079,
  passwordChangeRequired: 50055,
  blockedByPolicy: 53003,
  /** Gatepass: a second account was given in an interaction already bound to another one. */
  otherAccount: 90100,
  /** Gatepass: the interaction's state expired or ended. */
  interactionEnded: 90101,
} as const;

export interface SignInRequest {
  uid: string;
  correlationId: string;
  ipAddress: string | null;
  userAgent: string | null;
  app: { appId: string; displayName: string };
}

export interface LoginDone {
  accountId: string;
  amr: string[];
  acr: string;
  /** Epoch seconds. */
  ts: number;
}

export type SignInView =
  | { kind: 'username'; error?: string; username?: string }
  | { kind: 'password'; loginName: string; error?: string }
  | { kind: 'done'; login: LoginDone }
  | {
      kind: 'refused';
      status: number;
      title: string;
      message: string;
      errorCode: number;
      correlationId: string;
      at: Date;
      retryAfterSeconds?: number;
    };

export const WRONG_CREDENTIALS_MESSAGE =
  "Your account or password is incorrect. If you don't remember your password, ask your helpdesk to reset it.";

const REFUSAL_CODES: Record<SignInRefusal, number> = {
  accountDisabled: SIGN_IN_ERROR_CODES.accountDisabled,
  blockedByPolicy: SIGN_IN_ERROR_CODES.blockedByPolicy,
  mfaRequiredNoMethod: SIGN_IN_ERROR_CODES.mfaEnrollmentRequired,
  strengthRequiredNoMethod: SIGN_IN_ERROR_CODES.mfaEnrollmentRequired,
  noUsableMethod: SIGN_IN_ERROR_CODES.mfaEnrollmentRequired,
};

/** The per-interaction CSRF token: a keyed hash of the uid, so it needs the server key and the interaction. */
export function csrfTokenFor(deps: Pick<Deps, 'keyring'>, uid: string): string {
  return deps.keyring.keyedHash('id-hash', `csrf:${uid}`).split('.')[1]!;
}

export function isValidCsrf(deps: Pick<Deps, 'keyring'>, uid: string, presented: unknown): boolean {
  return typeof presented === 'string' && secretsEqual(csrfTokenFor(deps, uid), presented);
}

const uidHashOf = (deps: Pick<Deps, 'keyring'>, uid: string) => deps.keyring.keyedHash('id-hash', `interaction:${uid}`);

async function loadState(deps: Deps, uid: string): Promise<SignInStateRecord> {
  const repo = createSignInStatesRepo(deps.db);
  const uidHash = uidHashOf(deps, uid);
  const now = deps.clock.now().getTime();
  const found = await repo.findState(uidHash, now);
  if (found) return found;
  await repo.insertStateIfAbsent({
    uidHash,
    subject: null,
    userId: null,
    loginName: null,
    facts: [],
    csrfHash: deps.keyring.keyedHash('id-hash', csrfTokenFor(deps, uid)),
    status: 'active',
    createdAt: now,
    expiresAt: now + SIGN_IN_STATE_TTL_MS,
  });
  return (await repo.findState(uidHash, now))!;
}

function refused(deps: Deps, req: SignInRequest, title: string, message: string, errorCode: number, status = 400, retryAfterSeconds?: number): SignInView {
  return { kind: 'refused', status, title, message, errorCode, correlationId: req.correlationId, at: deps.clock.now(), retryAfterSeconds };
}

const endedView = (deps: Deps, req: SignInRequest) =>
  refused(deps, req, 'Sign-in ended', 'This sign-in has ended. Go back to the application and start again.', SIGN_IN_ERROR_CODES.interactionEnded);

/** What to show for GET /signin/:uid. */
export async function currentView(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  if (state.subject && state.loginName) return { kind: 'password', loginName: state.loginName };
  return { kind: 'username' };
}

function attemptBase(req: SignInRequest, user: UserRecord | undefined, loginName: string): Omit<SignInAttempt, 'errorCode' | 'failureReason' | 'methods'> {
  return {
    correlationId: req.correlationId,
    ipAddress: req.ipAddress,
    userAgent: req.userAgent,
    app: req.app,
    user: user ? { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName } : { id: null, userPrincipalName: loginName, displayName: null },
  };
}

export async function submitUsername(deps: Deps, req: SignInRequest, username: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const name = typeof username === 'string' ? normalizeUpn(username) : '';
  if (name.length < 3 || name.length > 256 || !/^[^\s@]+@[^\s@]+$/.test(name))
    return { kind: 'username', error: 'Enter a valid email address or username, like alice@contoso.com.', username: typeof username === 'string' ? username.slice(0, 256) : '' };
  const user = await createUsersRepo(deps.db).findUserByUpn(name);
  const subject: ThrottleSubject = user ? userSubject(user.id) : `unknown:${deps.keyring.keyedHash('id-hash', `upn:${name}`)}`;
  const repo = createSignInStatesRepo(deps.db);
  if (!(await repo.bindSubject(state.uidHash, subject, user?.id ?? null, name))) {
    // Facts proved for one account must never carry over to another: refuse and end the interaction.
    await repo.endState(state.uidHash);
    await logSignIn(deps, {
      ...attemptBase(req, user, name),
      errorCode: SIGN_IN_ERROR_CODES.otherAccount,
      failureReason: 'The sign-in was started for another account in the same interaction.',
      methods: [],
    });
    return refused(deps, req, 'Start again', 'This sign-in was started for another account. Go back to the application and start again.', SIGN_IN_ERROR_CODES.otherAccount);
  }
  // The password page is shown for every name, known or not: the username step reveals nothing.
  return { kind: 'password', loginName: name };
}

export async function restart(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  await createSignInStatesRepo(deps.db).unbind(state.uidHash);
  return { kind: 'username' };
}

function factsFor(deps: Deps, user: UserRecord, stored: StoredFact[], securityDefaults: boolean): SignInFacts {
  const verified: VerifiedFactor[] = stored.map((f) =>
    f.method === 'passkey' ? { method: 'passkey', at: new Date(f.at), hardwareBound: f.hardwareBound === true } : { method: f.method, at: new Date(f.at) },
  );
  return {
    user: { id: user.id, accountEnabled: user.accountEnabled, hasPassword: user.passwordHash !== null, forceChangePassword: user.forceChangePassword },
    verified,
    // TODO(#3): the user's Temporary Access Pass, TOTP and passkeys.
    methods: [],
    requirements: securityDefaultsRequirements(securityDefaults),
    settings: { tapFirst: false },
    now: deps.clock.now(),
  };
}

export async function submitPassword(deps: Deps, req: SignInRequest, password: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  if (!state.subject || !state.loginName) return { kind: 'username' };
  const loginName = state.loginName;
  const subject = state.subject;
  const states = createSignInStatesRepo(deps.db);
  const secret = typeof password === 'string' ? password : '';
  if (secret.length === 0 || secret.length > 1024) return { kind: 'password', loginName, error: 'Enter your password.' };

  const user = state.userId ? await createUsersRepo(deps.db).findUserById(state.userId) : undefined;
  const base = attemptBase(req, user, loginName);

  // Counted before the hash; a refusal spends no hash at all.
  const start = await beginAttempt(deps, subject, req.ipAddress);
  if (!start.allowed) {
    await states.clearFacts(state.uidHash);
    await logSignIn(deps, { ...base, errorCode: SIGN_IN_ERROR_CODES.throttled, failureReason: `Sign-in throttled after repeated wrong passwords; retry in ${start.retryAfterSeconds} s.`, methods: [{ method: 'Password', succeeded: false, detail: 'Throttled' }] });
    const wait = start.retryAfterSeconds;
    return refused(deps, req, 'Too many attempts', `Too many wrong passwords. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`, SIGN_IN_ERROR_CODES.throttled, 429, wait);
  }

  let verified: { ok: boolean; needsRehash: boolean };
  try {
    verified = await deps.hasher.verify(user?.passwordHash ?? null, secret);
  } catch (e) {
    await giveBack(deps, start.ticket); // the hash queue was full: nothing was checked
    throw e;
  }
  if (!verified.ok || !user) {
    await attemptFailed(deps, start.ticket);
    await states.clearFacts(state.uidHash);
    await logSignIn(deps, { ...base, errorCode: SIGN_IN_ERROR_CODES.wrongCredentials, failureReason: 'Invalid username or password or Invalid on-premise username or password.', methods: [{ method: 'Password', succeeded: false }] });
    return { kind: 'password', loginName, error: WRONG_CREDENTIALS_MESSAGE };
  }
  await giveBack(deps, start.ticket);
  if (verified.needsRehash) await createUsersRepo(deps.db).updateUser(user.id, { passwordHash: await deps.hasher.hash(secret) });

  const now = deps.clock.now().getTime();
  const stored: StoredFact[] = [...state.facts.filter((f) => f.method !== 'password'), { method: 'password', at: now }];
  if (!(await states.recordFacts(state.uidHash, subject, stored))) return endedView(deps, req);

  const securityDefaults = (await getSecurityDefaults(deps.db)).isEnabled;
  const step: SignInStep = nextStep(factsFor(deps, user, stored, securityDefaults));
  const methods = [{ method: 'Password', succeeded: true }];
  const requirement = securityDefaults ? 'multiFactorAuthentication' as const : 'singleFactorAuthentication' as const;
  switch (step.kind) {
    case 'done': {
      await resetAfterSignIn(deps, subject);
      await states.deleteState(state.uidHash);
      await logSignIn(deps, { ...base, errorCode: SIGN_IN_ERROR_CODES.success, failureReason: null, methods, requirement });
      return { kind: 'done', login: { accountId: user.id, amr: [...step.amr], acr: step.acr, ts: Math.floor(step.authTime.getTime() / 1000) } };
    }
    case 'refuse': {
      await states.endState(state.uidHash);
      const code = REFUSAL_CODES[step.reason];
      await logSignIn(deps, { ...base, errorCode: code, failureReason: step.message, methods, requirement });
      const title = step.reason === 'accountDisabled' ? 'Your account is disabled' : 'You cannot sign in yet';
      return refused(deps, req, title, step.message, code, 403);
    }
    case 'changePassword': {
      // TODO(#2): the change-password step; until then an administrator sets a password without forcing a change.
      await states.endState(state.uidHash);
      const message = 'You must change your password before signing in, which this server cannot do yet. Ask your helpdesk to set a new password for you.';
      await logSignIn(deps, { ...base, errorCode: SIGN_IN_ERROR_CODES.passwordChangeRequired, failureReason: message, methods, requirement });
      return refused(deps, req, 'Password change required', message, SIGN_IN_ERROR_CODES.passwordChangeRequired, 403);
    }
    case 'ask': {
      // TODO(#3): the Temporary Access Pass, TOTP and passkey steps. No such method is offered yet.
      await states.endState(state.uidHash);
      const message = `A second sign-in method (${step.method}) is required, which this server cannot ask for yet. Ask your helpdesk.`;
      await logSignIn(deps, { ...base, errorCode: SIGN_IN_ERROR_CODES.mfaRequired, failureReason: message, methods, requirement });
      return refused(deps, req, 'Additional verification required', message, SIGN_IN_ERROR_CODES.mfaRequired, 403);
    }
  }
}
