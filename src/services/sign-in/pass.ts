// The Temporary Access Pass factor, and "Use your password instead" on the pass page (Entra's pass-first flow).

import { userActor, userTarget } from '../../domain/audit.js';
import { type SignInRefusalPage, signInErrors } from '../../domain/errors/sign-in.js';
import { retryWindowEndsAt } from '../../domain/tap/pass.js';
import type { RedemptionRefusal } from '../../domain/tap/redeem.js';
import { createSignInStatesRepo } from '../../store/repos/sign-in-states.js';
import type { StoredPass } from '../../store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../store/repos/users.js';
import { recordAuditEvent } from '../audited.js';
import type { Deps } from '../deps.js';
import { redeemTemporaryAccessPass } from '../redeem-tap.js';
import { passSettingsOf } from '../sign-in-facts.js';
import { advance, refuseUnaskedFactor } from './advance.js';
import { attemptBase, endedView, logFailure, methodsUsed, refusedView, throttledView } from './refusals.js';
import { openStep, passRedeemed, recordFact, signInContextOf } from './state.js';
import type { SignInRequest, SignInView } from './view.js';

export const WRONG_TAP_MESSAGE = signInErrors.signInTapWrong.message;

/** The catalogue entry of each reason a verified pass cannot be used. */
const PASS_REFUSALS: Record<RedemptionRefusal, SignInRefusalPage> = {
  noPass: 'signInTapNoLongerValid',
  notYetValid: 'signInTapNotYetValid',
  expired: 'signInTapExpired',
  used: 'signInTapUsed',
  windowOver: 'signInTapWindowOver',
  disabledByPolicy: 'signInTapBlockedByPolicy',
  disputed: 'signInTapDisputed',
};

export async function submitTap(deps: Deps, req: SignInRequest, tap: unknown): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
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

  // The pass policy and the user's groups as this request read them to ask for the pass.
  const context = user ? await signInContextOf(deps, b, user) : undefined;
  const outcome = await redeemTemporaryAccessPass(deps, {
    subject,
    userId: user?.id ?? null,
    entered,
    ipAddress: req.ipAddress,
    familiarUserId: req.familiarUserId ?? null,
    ...(context ? { settings: passSettingsOf(context) } : {}),
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
        await logFailure(
          deps,
          base,
          'signInTapWrong',
          'Invalid Temporary Access Pass.',
          methodsUsed(state.facts, { method: 'tap' }),
        );
        // Everything proved in this interaction is forgotten: the user starts again from the first factor.
        return advance(deps, req, { ...b, state: { ...state, facts: [] } }, [], WRONG_TAP_MESSAGE);
      }
      case 'refused': {
        await states.endState(state.uidHash);
        const kind = PASS_REFUSALS[outcome.reason];
        await logFailure(
          deps,
          base,
          kind,
          outcome.message,
          methodsUsed(state.facts, { method: 'tap', detail: outcome.reason }),
        );
        // The pass's own words: they may name when it starts.
        return refusedView(deps, req, kind, { message: outcome.message });
      }
    }
  }
  passRedeemed(b, outcome.pass);
  if (user) await auditRetryTolerantUse(deps, req, user, outcome.pass);
  const facts = await recordFact(deps, b, 'tap');
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}

/**
 * Every sign-in with a retry-tolerant one-time pass is audited, since the pass signs in more than once: the helpdesk
 * sees each use on the pass's trail, with the app, the address and when the window ends.
 */
async function auditRetryTolerantUse(deps: Deps, req: SignInRequest, user: UserRecord, pass: StoredPass) {
  const windowEnds = retryWindowEndsAt(pass);
  if (!windowEnds) return;
  const ctx = {
    actor: userActor(user, req.ipAddress),
    correlationId: req.correlationId,
    ipAddress: req.ipAddress,
    userAgent: req.userAgent,
  };
  await recordAuditEvent(
    deps.db,
    deps,
    ctx,
    {
      activityDisplayName: 'Temporary Access Pass used in its registration window',
      category: 'UserManagement',
      loggedByService: 'Authentication Methods',
      operationType: 'Other',
      targetResources: [userTarget(user)],
      additionalDetails: [
        { key: 'TemporaryAccessPass.Id', value: pass.id },
        { key: 'RegistrationWindowEndDateTime', value: windowEnds.toISOString() },
      ],
    },
    'success',
    `Signed in to ${req.app.displayName} with a one-time pass that signs in again until ${windowEnds.toISOString()} or a registration.`,
  );
}

/** "Use your password instead" on the pass page (Entra's pass-first flow). */
export async function usePassword(deps: Deps, req: SignInRequest): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
  await createSignInStatesRepo(deps.db).setPreferPassword(state.uidHash);
  return advance(deps, req, { ...b, state: { ...state, preferPassword: true } }, state.facts);
}
