// The authenticator app factor: a code from the app (the `otp` input). A wrong or replayed code keeps what was proved
// and shows the same page with the reason; a throttled one ends the attempt like a throttled pass.

import { signInErrors } from '../../domain/errors/sign-in.js';
import { normalizeCode } from '../../domain/totp.js';
import { verifyAuthenticatorCode } from '../authenticator-apps.js';
import type { Deps } from '../deps.js';
import { advance, refuseUnaskedFactor } from './advance.js';
import { attemptBase, endedView, logFailure, methodsUsed, throttledView } from './refusals.js';
import { openStep, recordFact } from './state.js';
import type { SignInRequest, SignInView } from './view.js';

export const WRONG_CODE_MESSAGE = signInErrors.signInAuthenticatorCodeWrong.message;
export const CODE_REPLAYED_MESSAGE = signInErrors.signInAuthenticatorCodeReplayed.message;

export async function submitAuthenticatorCode(deps: Deps, req: SignInRequest, entered: unknown): Promise<SignInView> {
  const opened = await openStep(deps, req, true);
  if (!opened.ok) return opened.view;
  const { state, bound: b } = opened;
  const { user, loginName, subject } = b;
  // A code only ever follows another factor (FACTOR_TRAITS.authenticatorApp.firstFactor): before one, it is never
  // asked for.
  const unasked = await refuseUnaskedFactor(deps, req, b, 'authenticatorApp');
  if (unasked) return unasked;
  const code = typeof entered === 'string' && entered.length <= 20 ? normalizeCode(entered) : undefined;
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
          {
            method: 'authenticatorApp',
            provedBefore: state.facts,
            tried: 'wrong codes',
            logged: 'wrong verification codes',
          },
          outcome.retryAfterSeconds,
        );
      case 'wrong':
        await logFailure(
          deps,
          base,
          'signInAuthenticatorCodeWrong',
          'Invalid verification code.',
          methodsUsed(state.facts, { method: 'authenticatorApp', detail: 'Invalid verification code' }),
        );
        return advance(deps, req, b, state.facts, WRONG_CODE_MESSAGE);
      case 'replayed':
        await logFailure(
          deps,
          base,
          'signInAuthenticatorCodeReplayed',
          'The verification code was already used.',
          methodsUsed(state.facts, { method: 'authenticatorApp', detail: 'Replayed' }),
        );
        return advance(deps, req, b, state.facts, CODE_REPLAYED_MESSAGE);
    }
  }
  const facts = await recordFact(deps, b, 'authenticatorApp');
  return facts ? advance(deps, req, b, facts) : endedView(deps, req);
}
