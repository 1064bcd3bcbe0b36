// The interaction's server-side state (sign_in_states): created on first sight, bound to one user, holding verified
// facts only. Every step opens with the same question — is the state still live, and whose is it? — answered once,
// by openStep.

import type { FactorMethod } from '../../domain/signin/types.js';
import { secretsEqual } from '../../domain/secrets.js';
import { createSignInStatesRepo, type SignInStateRecord, type StoredFact } from '../../store/repos/sign-in-states.js';
import { createUsersRepo, type UserRecord } from '../../store/repos/users.js';
import type { Deps } from '../deps.js';
import type { StoredPass } from '../../store/repos/temporary-access-passes.js';
import { loadSignInContext, type SignInContext } from '../sign-in-facts.js';
import { isFamiliar, type ThrottleSubject } from '../throttle.js';
import { endedView } from './refusals.js';
import type { SignInRequest, SignInView } from './view.js';

/** issue #2: an interaction's state lives at most 10 minutes. */
export const SIGN_IN_STATE_TTL_MS = 10 * 60 * 1000;

/** The per-interaction CSRF token: a keyed hash of the uid, so it needs the server key and the interaction. */
export function csrfTokenFor(deps: Pick<Deps, 'keyring'>, uid: string): string {
  return deps.keyring.keyedHash('id-hash', `csrf:${uid}`).split('.')[1]!;
}

export function isValidCsrf(deps: Pick<Deps, 'keyring'>, uid: string, presented: unknown): boolean {
  return typeof presented === 'string' && secretsEqual(csrfTokenFor(deps, uid), presented);
}

const uidHashOf = (deps: Pick<Deps, 'keyring'>, uid: string) => deps.keyring.keyedHash('id-hash', `interaction:${uid}`);

export async function loadState(deps: Deps, uid: string): Promise<SignInStateRecord> {
  const repo = createSignInStatesRepo(deps.db);
  const uidHash = uidHashOf(deps, uid);
  const now = deps.clock.now().getTime();
  const found = await repo.findState(uidHash, now);
  if (found) return found;
  const inserted = await repo.insertStateIfAbsent({
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
  return inserted ?? (await repo.findState(uidHash, now))!;
}

/** An interaction bound to a name (and to a user, when the name is one). */
export interface Bound {
  state: SignInStateRecord;
  user: UserRecord | undefined;
  subject: ThrottleSubject;
  loginName: string;
  /**
   * This request's reading of the user's methods and policies (signInContextOf), shared by copies of the Bound: the
   * check that a factor is asked for and the step after it read the store once.
   */
  readonly read?: { context?: Promise<SignInContext> };
}

export async function bound(deps: Deps, state: SignInStateRecord): Promise<Bound | undefined> {
  if (!state.subject || !state.loginName) return undefined;
  const user = state.userId ? await createUsersRepo(deps.db).findUserById(state.userId) : undefined;
  return { state, user, subject: state.subject, loginName: state.loginName, read: {} };
}

/** The user's methods and policies as this request read them (read on first use). */
export function signInContextOf(deps: Deps, b: Bound, user: UserRecord): Promise<SignInContext> {
  if (!b.read) return loadSignInContext(deps, user);
  b.read.context ??= loadSignInContext(deps, user);
  return b.read.context;
}

/** A redeemed pass changed (its use recorded): the next step sees it as the redemption left it. */
export function passRedeemed(b: Bound, pass: StoredPass): void {
  const before = b.read?.context;
  if (b.read && before) b.read.context = before.then((c) => ({ ...c, pass }));
}

/** What opening a step found: the live state and, once a name was given, what it is bound to. */
export type Opened = { state: SignInStateRecord; bound: Bound | undefined };

/**
 * The opening of every step: load the interaction's state; an ended one answers with the "sign-in ended" page. With
 * `needsName`, an interaction not yet bound to a name answers with the username page.
 */
export async function openStep(
  deps: Deps,
  req: SignInRequest,
  needsName: true,
): Promise<{ ok: true; state: SignInStateRecord; bound: Bound } | { ok: false; view: SignInView }>;
export async function openStep(
  deps: Deps,
  req: SignInRequest,
  needsName?: false,
): Promise<({ ok: true } & Opened) | { ok: false; view: SignInView }>;
export async function openStep(
  deps: Deps,
  req: SignInRequest,
  needsName = false,
): Promise<({ ok: true } & Opened) | { ok: false; view: SignInView }> {
  const state = await loadState(deps, req.uid);
  if (state.status === 'ended') return { ok: false, view: endedView(deps, req) };
  const b = await bound(deps, state);
  if (needsName && !b) return { ok: false, view: { kind: 'username' } };
  return { ok: true, state, bound: b };
}

export const choicesOf = (state: SignInStateRecord, req: SignInRequest) => ({
  preferPassword: state.preferPassword === true,
  stepUp: req.requireMfa === true,
  ...(state.chosenMethod ? { chosenMethod: state.chosenMethod } : {}),
});

/** Whether this attempt for `userId` comes from a browser where that user signed in before. */
export const familiarFor = (req: SignInRequest, userId: string | null | undefined) =>
  isFamiliar({ userId: userId ?? null, familiarUserId: req.familiarUserId });

/** Adds a verified factor (replacing an older one of the same method); undefined when the state moved on meanwhile. */
export async function recordFact(
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
