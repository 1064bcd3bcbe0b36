// The prompts oidc-provider asks before answering an authorization request: its defaults, with Gatepass's two
// additions to the login prompt.

import { interactionPolicy } from 'oidc-provider';
import { ACR_MFA } from '../domain/signin/factors.js';

/**
 * oidc-provider's default prompts, plus two login checks:
 * - a session whose account findAccount refuses (disabled, deleted, or signed in before sessions_valid_from — which
 *   a sign-in finishing in the very second of a revocation is) signs in again, instead of reaching the consent
 *   checks without a grant, which would be a server error;
 * - a request for the multi-factor acr (acr_values) is not answered from a session whose sign-in was weaker; the user
 *   signs in again, and the sign-in pipeline asks for a second factor (requireMfa). OIDC treats acr_values as
 *   voluntary; Entra and we treat it as a requirement.
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
  return policy;
}
