// The prompts oidc-provider asks before answering an authorization request: its defaults, with Gatepass's two
// additions to the login prompt.

import { interactionPolicy } from 'oidc-provider';
import { ACR_MFA } from '../domain/signin/factors.js';
import { isSetupOnlySignIn, SETUP_ONLY_PROMPT, setupSignInMayReach } from '../domain/tap/purpose.js';
import type { GatepassAccount } from './claims.js';

/**
 * oidc-provider's default prompts, plus two login checks and one prompt of our own:
 * - a session whose account findAccount refuses (disabled, deleted, or signed in before sessions_valid_from — which
 *   a sign-in finishing in the very second of a revocation is) signs in again, instead of reaching the consent
 *   checks without a grant, which would be a server error;
 * - a request for the multi-factor acr (acr_values) is not answered from a session whose sign-in was weaker; the user
 *   signs in again, and the sign-in pipeline asks for a second factor (requireMfa). OIDC treats acr_values as
 *   voluntary; Entra and we treat it as a requirement;
 * - after login and before consent, a session whose strong factor was a set-up pass gets an answer only for Security
 *   info; for any other app the interaction page explains (purpose.ts). It is not requestable: no client can skip or
 *   ask for it, and prompt=none gets interaction_required.
 */
export function gatepassInteractionPolicy(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  const login = policy.get('login')!;
  login.checks.add(
    new Check('account_void', 'The session no longer signs this account in', (ctx) =>
      ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  login.checks.add(
    new Check('acr_above_session', 'A multi-factor sign-in is required', (ctx) => {
      const requested = String(ctx.oidc.params?.acr_values ?? '').split(' ');
      if (!requested.includes(ACR_MFA)) return Check.NO_NEED_TO_PROMPT;
      return ctx.oidc.session?.acr === ACR_MFA ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  policy.add(
    new interactionPolicy.Prompt(
      { name: SETUP_ONLY_PROMPT, requestable: false },
      new Check('setup_pass_session', 'This session may only set up sign-in methods', (ctx) => {
        const account = ctx.oidc.account as GatepassAccount | undefined;
        const limited = isSetupOnlySignIn(ctx.oidc.session?.amr, account?.tapPurpose);
        return limited && !setupSignInMayReach(ctx.oidc.client?.clientId ?? '')
          ? Check.REQUEST_PROMPT
          : Check.NO_NEED_TO_PROMPT;
      }),
    ),
    1,
  );
  return policy;
}
