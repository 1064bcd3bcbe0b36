// The interactive sign-in use case. The browser submits one factor at a time (username, password, Temporary Access
// Pass, new password); after each verified factor the pure pipeline nextStep decides what comes next: another
// factor, a password change, done, or a refusal with a reason. State is server-side (sign_in_states), bound to one
// user, holds verified facts only, and is cleared on failure; every terminal attempt is written to the sign-in log.

import { userActor } from '../domain/audit.js';
import { nextStep } from '../domain/signin/next-step.js';
import type { AvailableMethod, FactorMethod, SignInRefusal, SignInStep } from '../domain/signin/types.js';
import { secretsEqual } from '../domain/secrets.js';
import { normalizeCode } from '../domain/totp.js';
import type { RedemptionRefusal } from '../domain/tap/redeem.js';
import { createSignInStatesRepo, type SignInStateRecord, type StoredFact } from '../store/repos/sign-in-states.js';
import type { SignInMethodUse } from '../store/repos/sign-ins.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import { verifyAuthenticatorCode } from './authenticator-apps.js';
import type { Deps } from './deps.js';
import { passkeyAuthenticationOptions, verifyPasskeyAssertion, type PasskeyFailure } from './passkeys.js';
import { redeemTemporaryAccessPass } from './redeem-tap.js';
import { applyNewPassword } from './self-service.js';
import { loadSignInFacts, METHOD_LOG_NAMES } from './sign-in-facts.js';
import { logSignIn, type SignInAttempt } from './sign-in-log.js';
import {
  attemptFailed,
  beginAttempt,
  giveBack,
  isFamiliar,
  lockedOutOfFactor,
  resetAfterSignIn,
  userSubject,
  type ThrottledFactor,
  type ThrottleSubject,
} from './throttle.js';
import { normalizeUpn } from './user-lookup.js';

/** issue #2: an interaction's state lives at most 10 minutes. */
export const SIGN_IN_STATE_TTL_MS = 10 * 60 * 1000;

/**
 * AADSTS codes written to the sign-in log and shown on error pages. The 901xx codes are Gatepass's own (Entra
 * documents none for these cases); each names one situation, so the log can be searched by it.
 */
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
  /** Gatepass: a factor was posted that this step of the sign-in did not ask for (e.g. a pass before the password). */
  factorNotAsked: 90102,
  /** Gatepass: a wrong Temporary Access Pass. */
  tapWrong: 90110,
  /** Gatepass: the user holds no pass any more (deleted or replaced). */
  tapNoLongerValid: 90111,
  tapNotYetValid: 90112,
  tapExpired: 90113,
  tapUsed: 90114,
  /** Entra: "Temporary Access Pass sign in was blocked due to User Credential Policy". */
  tapBlockedByPolicy: 90115,
  /** Gatepass: a wrong code from an authenticator app. */
  otpWrong: 90120,
  /** Gatepass: a right authenticator code whose time step was already used (a replay). */
  otpReplayed: 90121,
  /** Gatepass: the passkey's signature, origin, relying party or user verification did not check out. */
  passkeyInvalid: 90130,
  /** Gatepass: the passkey is not registered here (deleted, or registered for another relying party). */
  passkeyNotRegistered: 90131,
  /** Gatepass: the passkey belongs to another account than the one signing in (or its user handle does not match). */
  passkeyOtherUser: 90132,
  /** Gatepass: the passkey's signature counter did not increase — possibly a cloned authenticator. */
  passkeyCounterRegressed: 90133,
  /** Gatepass: the passkey answer was malformed, or its challenge expired or was already used. */
  passkeyChallenge: 90134,
  /**
   * Gatepass: a throttled attempt from a browser unfamiliar with the user, whose user-wide count of failures has reached
   * the lock-out (the longest back-off). Browsers where the user signed in before are counted apart and not affected.
   */
  lockedOut: 90140,
} as const;

const TAP_REFUSAL_CODES: Record<RedemptionRefusal, number> = {
  noPass: SIGN_IN_ERROR_CODES.tapNoLongerValid,
  notYetValid: SIGN_IN_ERROR_CODES.tapNotYetValid,
  expired: SIGN_IN_ERROR_CODES.tapExpired,
  used: SIGN_IN_ERROR_CODES.tapUsed,
  disabledByPolicy: SIGN_IN_ERROR_CODES.tapBlockedByPolicy,
};

const TAP_REFUSAL_TITLES: Record<RedemptionRefusal, string> = {
  noPass: 'Temporary Access Pass no longer valid',
  notYetValid: 'Temporary Access Pass not valid yet',
  expired: 'Temporary Access Pass expired',
  used: 'Temporary Access Pass already used',
  disabledByPolicy: 'Temporary Access Pass blocked',
};

export interface SignInRequest {
  uid: string;
  correlationId: string;
  ipAddress: string | null;
  userAgent: string | null;
  app: { appId: string; displayName: string };
  /** The application asked for a multi-factor sign-in (acr_values), whatever the tenant's policies say. */
  requireMfa?: boolean;
  /** The user this browser's device cookie names (smart lock-out: attempts from a familiar browser are counted apart). */
  familiarUserId?: string | null;
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
  | { kind: 'tap'; loginName: string; error?: string; canUsePassword: boolean; alternatives?: FactorMethod[] }
  /** A code from an authenticator app (input `otp`). */
  | { kind: 'otp'; loginName: string; error?: string; alternatives: FactorMethod[] }
  /** A passkey for this user (WebAuthn with allowCredentials). */
  | { kind: 'passkey'; loginName: string; error?: string; alternatives: FactorMethod[] }
  | { kind: 'changePassword'; loginName: string; error?: string }
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
export const WRONG_TAP_MESSAGE =
  'That Temporary Access Pass is not correct. Check it (it is case-sensitive) and sign in again.';
export const WRONG_OTP_MESSAGE = 'That code is not correct. Enter the code your authenticator app shows now.';
export const NOT_ASKED_MESSAGE = 'That sign-in method is not available at this step. Continue with the one shown.';
export const OTP_REPLAYED_MESSAGE =
  'That code was already used. Wait until your authenticator app shows a new code, then enter the new one.';

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

function refused(
  deps: Deps,
  req: SignInRequest,
  title: string,
  message: string,
  errorCode: number,
  status = 400,
  retryAfterSeconds?: number,
): SignInView {
  return {
    kind: 'refused',
    status,
    title,
    message,
    errorCode,
    correlationId: req.correlationId,
    at: deps.clock.now(),
    retryAfterSeconds,
  };
}

const endedView = (deps: Deps, req: SignInRequest) =>
  refused(
    deps,
    req,
    'Sign-in ended',
    'This sign-in has ended. Go back to the application and start again.',
    SIGN_IN_ERROR_CODES.interactionEnded,
  );

function attemptBase(req: SignInRequest, user: UserRecord | undefined, loginName: string): AttemptBase {
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
function methodsUsed(facts: StoredFact[], failed?: { method: FactorMethod; detail?: string }): SignInMethodUse[] {
  const used: SignInMethodUse[] = facts.map((f) => ({ method: METHOD_LOG_NAMES[f.method], succeeded: true }));
  if (failed)
    used.push({
      method: METHOD_LOG_NAMES[failed.method],
      succeeded: false,
      ...(failed.detail ? { detail: failed.detail } : {}),
    });
  return used;
}

type AttemptBase = Omit<SignInAttempt, 'errorCode' | 'failureReason' | 'methods'>;

const THROTTLED_FACTOR_OF: Record<FactorMethod, ThrottledFactor> = {
  password: 'pw',
  tap: 'tap',
  totp: 'otp',
  passkey: 'passkey',
};

/** Whether this attempt for `userId` comes from a browser where that user signed in before. */
const familiarFor = (req: SignInRequest, userId: string | null | undefined) =>
  isFamiliar({ userId: userId ?? null, familiarUserId: req.familiarUserId });

/**
 * A factor's attempt refused by its throttle, before anything was checked: what this interaction proved is dropped,
 * the refusal is logged, and the user is told how long to wait. `tried` names the failures, e.g. "wrong passwords";
 * the log may name them more precisely (`logged`). A refusal of an unfamiliar browser at the lock-out is logged with
 * its own code, so that an account under attack shows in the sign-in log.
 */
async function throttledView(
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
    !familiarFor(req, base.user.id) &&
    subject !== null &&
    (await lockedOutOfFactor(deps, subject, THROTTLED_FACTOR_OF[attempt.method]));
  const tried = attempt.logged ?? attempt.tried;
  await logSignIn(deps, {
    ...base,
    errorCode: lockedOut ? SIGN_IN_ERROR_CODES.lockedOut : SIGN_IN_ERROR_CODES.throttled,
    failureReason: lockedOut
      ? `Locked out for unfamiliar browsers after repeated ${tried}; retry in ${wait} s. Browsers where the user signed in before are not affected.`
      : `Sign-in throttled after repeated ${tried}; retry in ${wait} s.`,
    methods: methodsUsed(attempt.provedBefore, { method: attempt.method, detail: 'Throttled' }),
  });
  return refused(
    deps,
    req,
    'Too many attempts',
    `Too many ${attempt.tried}. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`,
    SIGN_IN_ERROR_CODES.throttled,
    429,
    wait,
  );
}

/** A second account in an interaction already bound to another: facts must never carry over, so it ends here. */
async function otherAccountView(
  deps: Deps,
  req: SignInRequest,
  uidHash: string,
  base: AttemptBase,
): Promise<SignInView> {
  await createSignInStatesRepo(deps.db).endState(uidHash);
  await logSignIn(deps, {
    ...base,
    errorCode: SIGN_IN_ERROR_CODES.otherAccount,
    failureReason: 'The sign-in was started for another account in the same interaction.',
    methods: [],
  });
  return refused(
    deps,
    req,
    'Start again',
    'This sign-in was started for another account. Go back to the application and start again.',
    SIGN_IN_ERROR_CODES.otherAccount,
  );
}

interface Bound {
  state: SignInStateRecord;
  user: UserRecord | undefined;
  subject: ThrottleSubject;
  loginName: string;
}

async function bound(deps: Deps, state: SignInStateRecord): Promise<Bound | undefined> {
  if (!state.subject || !state.loginName) return undefined;
  const user = state.userId ? await createUsersRepo(deps.db).findUserById(state.userId) : undefined;
  return { state, user, subject: state.subject, loginName: state.loginName };
}

/**
 * The factors this step accepts: the method the pipeline asks for and the alternatives it offers. The pass counts as
 * usable here, so that a pass which stopped working since the page was shown (used elsewhere, expired) is still
 * checked and its holder told exactly why. Before any factor, a refusal is shown as the password page, and an unknown
 * name behaves like a user with a password: only a password is accepted.
 */
async function acceptedFactors(deps: Deps, req: SignInRequest, b: Bound): Promise<ReadonlySet<FactorMethod>> {
  const { user, state } = b;
  if (!user) return new Set(['password']);
  const loaded = await loadSignInFacts(deps, user, state.facts, choicesOf(state, req));
  const methods = loaded.facts.methods.map(
    (m): AvailableMethod => (m.kind === 'tap' ? { kind: 'tap', usable: true, reason: 'EnabledByPolicy' } : m),
  );
  const step = nextStep({ ...loaded.facts, methods });
  if (step.kind === 'ask') return new Set([step.method, ...step.alternatives]);
  return new Set(step.kind === 'refuse' && state.facts.length === 0 ? ['password'] : []);
}

/**
 * A factor posted out of turn (a pass before the password, a code before any factor…) is refused before it is checked:
 * no hash is spent, nothing proved is kept or dropped, and every user gets the same answer — the current step again,
 * with a notice. The sign-in log records it with its own code.
 */
async function refuseUnaskedFactor(
  deps: Deps,
  req: SignInRequest,
  b: Bound,
  method: FactorMethod,
): Promise<SignInView | undefined> {
  if ((await acceptedFactors(deps, req, b)).has(method)) return undefined;
  await logSignIn(deps, {
    ...attemptBase(req, b.user, b.loginName),
    errorCode: SIGN_IN_ERROR_CODES.factorNotAsked,
    failureReason: `${METHOD_LOG_NAMES[method]} was not asked for at this step of the sign-in.`,
    methods: methodsUsed(b.state.facts, { method, detail: 'Not asked for' }),
  });
  return advance(deps, req, b, b.state.facts, NOT_ASKED_MESSAGE);
}

/**
 * Runs the pipeline on what this interaction has proved and turns its answer into a page. Before any factor is
 * proved, a refusal is shown as the password page: the username step must not reveal a user's state.
 */
async function advance(
  deps: Deps,
  req: SignInRequest,
  b: Bound,
  facts: StoredFact[],
  notice?: string,
): Promise<SignInView> {
  const { user, loginName, state } = b;
  if (!user) return { kind: 'password', loginName, ...(notice ? { error: notice } : {}) };
  const loaded = await loadSignInFacts(deps, user, facts, choicesOf(state, req));
  const step: SignInStep = nextStep(loaded.facts);
  const states = createSignInStatesRepo(deps.db);
  const base = attemptBase(req, user, loginName);
  const requirement =
    loaded.securityDefaults || req.requireMfa === true
      ? ('multiFactorAuthentication' as const)
      : ('singleFactorAuthentication' as const);
  const withNotice = notice ? { error: notice } : {};
  switch (step.kind) {
    case 'ask': {
      if (step.method === 'password') return { kind: 'password', loginName, ...withNotice };
      // "Sign in another way": the other methods that would do at this step (the password has its own button).
      const alternatives = step.alternatives.filter((m) => m !== 'password');
      if (step.method === 'tap') {
        const canUsePassword = user.passwordHash !== null && !facts.some((f) => f.method === 'password');
        return { kind: 'tap', loginName, canUsePassword, alternatives, ...withNotice };
      }
      if (step.method === 'totp') return { kind: 'otp', loginName, alternatives, ...withNotice };
      return { kind: 'passkey', loginName, alternatives, ...withNotice };
    }
    case 'changePassword':
      return { kind: 'changePassword', loginName, ...withNotice };
    case 'done': {
      await resetAfterSignIn(deps, b.subject, familiarFor(req, user.id));
      await states.deleteState(state.uidHash);
      await logSignIn(deps, {
        ...base,
        errorCode: SIGN_IN_ERROR_CODES.success,
        failureReason: null,
        methods: methodsUsed(facts),
        requirement,
      });
      return {
        kind: 'done',
        login: {
          accountId: user.id,
          amr: [...step.amr],
          acr: step.acr,
          ts: Math.floor(step.authTime.getTime() / 1000),
        },
      };
    }
    case 'refuse': {
      if (facts.length === 0) {
        // A user without a password who holds a pass that cannot be used now (not yet valid, expired, used…) still
        // gets the pass page: once the pass they type is verified, they learn exactly why it does not work.
        const holdsPass = loaded.facts.methods.some((m) => m.kind === 'tap');
        if (holdsPass && user.passwordHash === null && step.reason !== 'accountDisabled')
          return { kind: 'tap', loginName, canUsePassword: false, ...withNotice };
        return { kind: 'password', loginName, ...withNotice };
      }
      await states.endState(state.uidHash);
      const code = REFUSAL_CODES[step.reason];
      await logSignIn(deps, {
        ...base,
        errorCode: code,
        failureReason: step.message,
        methods: methodsUsed(facts),
        requirement,
      });
      const title = step.reason === 'accountDisabled' ? 'Your account is disabled' : 'You cannot sign in yet';
      return refused(deps, req, title, step.message, code, 403);
    }
  }
}

/** What to show for GET /signin/:uid. */
export async function currentView(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  return b ? advance(deps, req, b, state.facts) : { kind: 'username' };
}

export async function submitUsername(deps: Deps, req: SignInRequest, username: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
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
  if (!(await repo.bindSubject(state.uidHash, subject, user?.id ?? null, name)))
    return otherAccountView(deps, req, state.uidHash, attemptBase(req, user, name));
  const fresh = (await repo.findState(state.uidHash, deps.clock.now().getTime())) ?? state;
  // Users with a password (and unknown names) get the password page first; a pass comes first only for users
  // without a password or under Entra's pass-first flow.
  return advance(deps, req, { state: fresh, user, subject, loginName: name }, fresh.facts);
}

export async function restart(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  await createSignInStatesRepo(deps.db).unbind(state.uidHash);
  return { kind: 'username' };
}

const choicesOf = (state: SignInStateRecord, req: SignInRequest) => ({
  preferPassword: state.preferPassword === true,
  stepUp: req.requireMfa === true,
  ...(state.chosenMethod ? { chosenMethod: state.chosenMethod } : {}),
});

const CHOOSABLE: readonly FactorMethod[] = ['tap', 'totp', 'passkey'];

/**
 * "Sign in another way": the user picks another of the methods the pipeline offered. A method the pipeline would
 * not accept at this step changes nothing (the preference only reorders what nextStep already allows).
 */
export async function chooseMethod(deps: Deps, req: SignInRequest, method: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  if (!b) return { kind: 'username' };
  const chosen = CHOOSABLE.find((m) => m === method);
  if (chosen === undefined) return advance(deps, req, b, state.facts, 'Choose one of the sign-in methods offered.');
  await createSignInStatesRepo(deps.db).setChosenMethod(state.uidHash, chosen);
  return advance(deps, req, { ...b, state: { ...state, chosenMethod: chosen } }, state.facts);
}

/** "Use your password instead" on the pass page (Entra's pass-first flow). */
export async function usePassword(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  if (!b) return { kind: 'username' };
  await createSignInStatesRepo(deps.db).setPreferPassword(state.uidHash);
  return advance(deps, req, { ...b, state: { ...state, preferPassword: true } }, state.facts);
}

async function recordFact(
  deps: Deps,
  b: Bound,
  method: FactorMethod,
  extra: Pick<StoredFact, 'hardwareBound'> = {},
): Promise<StoredFact[] | undefined> {
  const stored: StoredFact[] = [
    ...b.state.facts.filter((f) => f.method !== method),
    { method, at: deps.clock.now().getTime(), ...extra },
  ];
  return (await createSignInStatesRepo(deps.db).recordFacts(b.state.uidHash, b.subject, stored)) ? stored : undefined;
}

export async function submitPassword(deps: Deps, req: SignInRequest, password: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  if (!b) return { kind: 'username' };
  const { user, loginName, subject } = b;
  const states = createSignInStatesRepo(deps.db);
  const secret = typeof password === 'string' ? password : '';
  const unasked = await refuseUnaskedFactor(deps, req, b, 'password');
  if (unasked) return unasked;
  if (secret.length === 0 || secret.length > 1024)
    return { kind: 'password', loginName, error: 'Enter your password.' };
  const base = attemptBase(req, user, loginName);

  // Counted before the hash; a refusal spends no hash at all.
  const start = await beginAttempt(deps, subject, req.ipAddress, 'pw', familiarFor(req, user?.id));
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
    await states.clearFacts(state.uidHash);
    await logSignIn(deps, {
      ...base,
      errorCode: SIGN_IN_ERROR_CODES.wrongCredentials,
      failureReason: 'Invalid username or password or Invalid on-premise username or password.',
      methods: methodsUsed([], { method: 'password' }),
    });
    return { kind: 'password', loginName, error: WRONG_CREDENTIALS_MESSAGE };
  }
  await giveBack(deps, start.ticket);
  if (verified.needsRehash)
    await createUsersRepo(deps.db).updateUser(user.id, { passwordHash: await deps.hasher.hash(secret) });

  const facts = await recordFact(deps, b, 'password');
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

export async function submitTap(deps: Deps, req: SignInRequest, tap: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  if (!b) return { kind: 'username' };
  const { user, loginName, subject } = b;
  const unasked = await refuseUnaskedFactor(deps, req, b, 'tap');
  if (unasked) return unasked;
  const entered = typeof tap === 'string' ? tap : '';
  const canUsePassword =
    user !== undefined && user.passwordHash !== null && !state.facts.some((f) => f.method === 'password');
  if (entered.trim().length === 0 || entered.length > 200)
    return { kind: 'tap', loginName, canUsePassword, error: 'Enter your Temporary Access Pass.' };
  const states = createSignInStatesRepo(deps.db);
  const base = attemptBase(req, user, loginName);

  const outcome = await redeemTemporaryAccessPass(deps, {
    subject,
    userId: user?.id ?? null,
    entered,
    ipAddress: req.ipAddress,
    familiarUserId: req.familiarUserId ?? null,
  });
  if (!outcome.ok) {
    switch (outcome.kind) {
      case 'throttled':
        return throttledView(
          deps,
          req,
          state,
          base,
          { method: 'tap', provedBefore: state.facts, tried: 'wrong Temporary Access Passes' },
          outcome.retryAfterSeconds,
        );
      case 'wrong': {
        await states.clearFacts(state.uidHash);
        await logSignIn(deps, {
          ...base,
          errorCode: SIGN_IN_ERROR_CODES.tapWrong,
          failureReason: 'Invalid Temporary Access Pass.',
          methods: methodsUsed(state.facts, { method: 'tap' }),
        });
        // Everything proved in this interaction is forgotten: the user starts again from the first factor.
        return advance(deps, req, { ...b, state: { ...state, facts: [] } }, [], WRONG_TAP_MESSAGE);
      }
      case 'refused': {
        await states.endState(state.uidHash);
        const code = TAP_REFUSAL_CODES[outcome.reason];
        await logSignIn(deps, {
          ...base,
          errorCode: code,
          failureReason: outcome.message,
          methods: methodsUsed(state.facts, { method: 'tap', detail: outcome.reason }),
        });
        return refused(deps, req, TAP_REFUSAL_TITLES[outcome.reason], outcome.message, code, 403);
      }
    }
  }
  const facts = await recordFact(deps, b, 'tap');
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

/**
 * A code from an authenticator app (the `otp` step). A wrong or replayed code keeps what was proved and shows the
 * same page with the reason; a throttled one ends the attempt like a throttled pass.
 */
export async function submitOtp(deps: Deps, req: SignInRequest, otp: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  if (!b) return { kind: 'username' };
  const { user, loginName, subject } = b;
  // A code only ever follows another factor (FACTOR_TRAITS.totp.firstFactor): before one, it is never asked for.
  const unasked = await refuseUnaskedFactor(deps, req, b, 'totp');
  if (unasked) return unasked;
  const code = typeof otp === 'string' && otp.length <= 20 ? normalizeCode(otp) : undefined;
  if (code === undefined)
    return advance(deps, req, b, state.facts, 'Enter the 6-digit code shown in your authenticator app.');
  const base = attemptBase(req, user, loginName);

  const outcome = await verifyAuthenticatorCode(deps, {
    subject,
    userId: user?.id ?? null,
    code,
    ipAddress: req.ipAddress,
    familiarUserId: req.familiarUserId ?? null,
  });
  if (!outcome.ok) {
    switch (outcome.kind) {
      case 'throttled':
        return throttledView(
          deps,
          req,
          state,
          base,
          { method: 'totp', provedBefore: state.facts, tried: 'wrong codes', logged: 'wrong verification codes' },
          outcome.retryAfterSeconds,
        );
      case 'wrong':
        await logSignIn(deps, {
          ...base,
          errorCode: SIGN_IN_ERROR_CODES.otpWrong,
          failureReason: 'Invalid verification code.',
          methods: methodsUsed(state.facts, { method: 'totp', detail: 'Invalid verification code' }),
        });
        return advance(deps, req, b, state.facts, WRONG_OTP_MESSAGE);
      case 'replayed':
        await logSignIn(deps, {
          ...base,
          errorCode: SIGN_IN_ERROR_CODES.otpReplayed,
          failureReason: 'The verification code was already used.',
          methods: methodsUsed(state.facts, { method: 'totp', detail: 'Replayed' }),
        });
        return advance(deps, req, b, state.facts, OTP_REPLAYED_MESSAGE);
    }
  }
  const facts = await recordFact(deps, b, 'totp');
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

/** How each passkey failure is logged and told; the message never says more than the user needs to go on. */
const PASSKEY_FAILURES: Record<
  Exclude<PasskeyFailure, 'throttled'>,
  { code: number; reason: string; message: string }
> = {
  malformed: {
    code: SIGN_IN_ERROR_CODES.passkeyChallenge,
    reason: 'The passkey answer was not a WebAuthn assertion.',
    message: 'The passkey answer was not valid. Try again.',
  },
  challenge: {
    code: SIGN_IN_ERROR_CODES.passkeyChallenge,
    reason: 'The passkey challenge expired, was already used, or belongs to another sign-in.',
    message: 'This passkey request expired. Try again.',
  },
  unknownCredential: {
    code: SIGN_IN_ERROR_CODES.passkeyNotRegistered,
    reason: 'The passkey is not registered (deleted, or registered for another relying party).',
    message: 'That passkey is not registered here. Use another passkey, or sign in another way.',
  },
  otherUser: {
    code: SIGN_IN_ERROR_CODES.passkeyOtherUser,
    reason: 'The passkey belongs to another account, or its user handle does not match.',
    message: 'That passkey belongs to another account. Use your own passkey, or sign in another way.',
  },
  invalid: {
    code: SIGN_IN_ERROR_CODES.passkeyInvalid,
    reason: 'The passkey assertion did not verify (signature, origin, relying party or user verification).',
    message:
      'The passkey could not be verified. Your device must confirm it is you (PIN, fingerprint or face). Try again.',
  },
  counter: {
    code: SIGN_IN_ERROR_CODES.passkeyCounterRegressed,
    reason: 'The passkey signature counter did not increase: possibly a cloned authenticator.',
    message: 'This passkey was refused because it may have been copied. Sign in another way and tell your helpdesk.',
  },
};

export type PasskeyOptionsAnswer =
  | { ok: true; options: Awaited<ReturnType<typeof passkeyAuthenticationOptions>> }
  | { ok: false; status: number; target: string; message: string };

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
  if (state.status === 'ended')
    return {
      ok: false,
      status: 400,
      target: 'uid',
      message: 'This sign-in has ended. Go back to the application and start again.',
    };
  if (mode === 'discoverable') return { ok: true, options: await passkeyAuthenticationOptions(deps, req.uid, null) };
  if (mode !== 'user')
    return { ok: false, status: 400, target: 'mode', message: 'mode must be "user" or "discoverable".' };
  const b = await bound(deps, state);
  if (!b) return { ok: false, status: 409, target: 'mode', message: 'Enter your username first.' };
  // Only when this step asks for a passkey: otherwise the credential ids would tell who has passkeys.
  if (!b.user || !(await acceptedFactors(deps, req, b)).has('passkey'))
    return { ok: false, status: 409, target: 'mode', message: NOT_ASKED_MESSAGE };
  return { ok: true, options: await passkeyAuthenticationOptions(deps, req.uid, b.user.id) };
}

async function passkeyFailure(
  deps: Deps,
  req: SignInRequest,
  state: SignInStateRecord,
  outcome: Extract<Awaited<ReturnType<typeof verifyPasskeyAssertion>>, { ok: false }>,
  loginName: string,
): Promise<{ view?: SignInView; message: string }> {
  const states = createSignInStatesRepo(deps.db);
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
  await logSignIn(deps, {
    ...base,
    errorCode: f.code,
    failureReason: f.reason,
    methods: methodsUsed(state.facts, { method: 'passkey', detail: outcome.failure }),
  });
  if (outcome.failure === 'counter') {
    // A possible clone: nothing more happens in this interaction.
    await states.endState(state.uidHash);
    return { view: refused(deps, req, 'Passkey refused', f.message, f.code, 403), message: f.message };
  }
  return { message: f.message };
}

/** The passkey step after the username: the assertion must come from one of the bound user's passkeys. */
export async function submitPasskey(deps: Deps, req: SignInRequest, credential: unknown): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
  if (!b) return { kind: 'username' };
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
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  // Offered on the first page only: once a name is given, the passkey must be what that step asks for.
  const named = await bound(deps, state);
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
  if (!(await repo.bindSubject(state.uidHash, subject, user.id, user.userPrincipalName)))
    return otherAccountView(deps, req, state.uidHash, attemptBase(req, user, user.userPrincipalName));
  const fresh = (await repo.findState(state.uidHash, deps.clock.now().getTime())) ?? state;
  const b: Bound = { state: fresh, user, subject, loginName: user.userPrincipalName };
  const facts = await recordFact(deps, b, 'passkey', { hardwareBound: outcome.hardwareBound });
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

/** The forced password change after an administrator's reset, once every required factor is proved. */
export async function submitNewPassword(
  deps: Deps,
  req: SignInRequest,
  newPassword: unknown,
  confirmPassword: unknown,
): Promise<SignInView> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return endedView(deps, req);
  const b = await bound(deps, state);
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
