// Runs the pure pipeline (nextStep) on what this interaction has proved and turns its answer into a page; and the
// check, before any factor is verified, that the step asks for that factor at all.

import { type SignInRefusalPage, signInErrors } from '../../domain/errors/sign-in.js';
import { nextStep } from '../../domain/signin/next-step.js';
import { isSetupOnlySignIn, setupSignInMayReach } from '../../domain/tap/purpose.js';
import type { AvailableMethod, FactorMethod, SignInRefusal, SignInStep } from '../../domain/signin/types.js';
import { createSignInStatesRepo, type StoredFact } from '../../store/repos/sign-in-states.js';
import type { UserRecord } from '../../store/repos/users.js';
import type { Deps } from '../deps.js';
import { loadSignInFacts, METHOD_LOG_NAMES } from '../sign-in-facts.js';
import { logSignIn } from '../sign-in-log.js';
import { resetAfterSignIn } from '../throttle.js';
import { attemptBase, logCodeOf, logFailure, methodsUsed, refusedView, SIGN_IN_SUCCEEDED } from './refusals.js';
import { type Bound, choicesOf, familiarFor, signInContextOf } from './state.js';
import type { FactorView, SignInRequest, SignInView } from './view.js';

/** The catalogue entry of each refusal of the pipeline. */
const REFUSALS: Record<SignInRefusal, SignInRefusalPage> = {
  accountDisabled: 'signInAccountDisabled',
  blockedByPolicy: 'signInBlockedByPolicy',
  mfaRequiredNoMethod: 'signInMfaRequiredNoMethod',
  strengthRequiredNoMethod: 'signInStrengthRequiredNoMethod',
  noUsableMethod: 'signInNoUsableMethod',
};

interface AskContext {
  loginName: string;
  user: UserRecord;
  facts: StoredFact[];
  /** "Sign in another way": the other methods that would do at this step (the password has its own button). */
  alternatives: FactorMethod[];
  notice: { error?: string };
}

/** The page that asks for each method. */
const ASK: Record<FactorMethod, (c: AskContext) => FactorView> = {
  password: (c) => ({ kind: 'password', loginName: c.loginName, ...c.notice }),
  tap: (c) => ({
    kind: 'tap',
    loginName: c.loginName,
    canUsePassword: c.user.passwordHash !== null && !c.facts.some((f) => f.method === 'password'),
    alternatives: c.alternatives,
    ...c.notice,
  }),
  authenticatorApp: (c) => ({
    kind: 'authenticatorApp',
    loginName: c.loginName,
    alternatives: c.alternatives,
    ...c.notice,
  }),
  passkey: (c) => ({ kind: 'passkey', loginName: c.loginName, alternatives: c.alternatives, ...c.notice }),
};

/**
 * Runs the pipeline on what this interaction has proved and turns its answer into a page. Before any factor is
 * proved, a refusal is shown as the password page: the username step must not reveal a user's state.
 */
export async function advance(
  deps: Deps,
  req: SignInRequest,
  b: Bound,
  facts: StoredFact[],
  notice?: string,
): Promise<SignInView> {
  const { user, loginName, state } = b;
  if (!user) return { kind: 'password', loginName, ...(notice ? { error: notice } : {}) };
  const context = await signInContextOf(deps, b, user);
  const loaded = await loadSignInFacts(deps, user, facts, choicesOf(state, req), context);
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
      const alternatives = step.alternatives.filter((m) => m !== 'password');
      return ASK[step.method]({ loginName, user, facts, alternatives, notice: withNotice });
    }
    case 'changePassword':
      return { kind: 'changePassword', loginName, ...withNotice };
    case 'done': {
      await resetAfterSignIn(deps, b.subject, familiarFor(req, user.id));
      await states.deleteState(state.uidHash);
      // A set-up pass signs in for Security info only: for another app, the page that says so logs the attempt.
      const limited = isSetupOnlySignIn(step.amr, context.pass?.purpose) && !setupSignInMayReach(req.app.appId);
      if (!limited)
        await logSignIn(deps, {
          ...base,
          errorCode: SIGN_IN_SUCCEEDED,
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
      const kind = REFUSALS[step.reason];
      await logSignIn(deps, {
        ...base,
        errorCode: logCodeOf(kind),
        failureReason: step.message,
        methods: methodsUsed(facts),
        requirement,
      });
      // The pipeline's words: they may start with why the pass the user holds did not help.
      return refusedView(deps, req, kind, { message: step.message });
    }
  }
}

/**
 * The factors this step accepts: the method the pipeline asks for and the alternatives it offers. The pass counts as
 * usable here, so that a pass which stopped working since the page was shown (used elsewhere, expired) is still
 * checked and its holder told exactly why. Before any factor, a refusal is shown as the password page, and an unknown
 * name behaves like a user with a password: only a password is accepted.
 */
export async function acceptedFactors(deps: Deps, req: SignInRequest, b: Bound): Promise<ReadonlySet<FactorMethod>> {
  const { user, state } = b;
  if (!user) return new Set(['password']);
  const context = await signInContextOf(deps, b, user);
  const loaded = await loadSignInFacts(deps, user, state.facts, choicesOf(state, req), context);
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
export async function refuseUnaskedFactor(
  deps: Deps,
  req: SignInRequest,
  b: Bound,
  method: FactorMethod,
): Promise<SignInView | undefined> {
  if ((await acceptedFactors(deps, req, b)).has(method)) return undefined;
  await logFailure(
    deps,
    attemptBase(req, b.user, b.loginName),
    'signInFactorNotAsked',
    `${METHOD_LOG_NAMES[method]} was not asked for at this step of the sign-in.`,
    methodsUsed(b.state.facts, { method, detail: 'Not asked for' }),
  );
  return advance(deps, req, b, b.state.facts, NOT_ASKED_MESSAGE);
}

export const NOT_ASKED_MESSAGE = signInErrors.signInFactorNotAsked.message;
