// Gathers what the pure sign-in pipeline needs to know about one user right now: their pass and its usability, the
// tenant's sign-in settings, and the requirements of the policies in force (security defaults first; Conditional
// Access adds its own requirements here later).

import { securityDefaultsRequirements } from '../domain/signin/requirements.js';
import type { AvailableMethod, FactorMethod, SignInFacts, VerifiedFactor } from '../domain/signin/types.js';
import { usability, usabilityContext } from '../domain/tap/pass.js';
import type { TapPolicy } from '../domain/tap/policy.js';
import { createFido2MethodsRepo } from '../store/repos/fido2-methods.js';
import { createGroupsRepo } from '../store/repos/groups.js';
import { createAuthenticatorAppsRepo } from '../store/repos/authenticator-apps.js';
import { createPoliciesRepo, type StoredPolicy } from '../store/repos/policies.js';
import type { StoredFact } from '../store/repos/sign-in-states.js';
import { createTemporaryAccessPassesRepo, type StoredPass } from '../store/repos/temporary-access-passes.js';
import type { UserRecord } from '../store/repos/users.js';
import type { Deps } from './deps.js';
import { SECURITY_DEFAULTS_POLICY_ID, securityDefaultsOf, type SecurityDefaults } from './security-defaults.js';
import { TAP_POLICY_ID, tapPolicyOf } from './tap-policy.js';

export interface LoadedFacts {
  facts: SignInFacts;
  securityDefaults: boolean;
}

export function verifiedFactors(stored: StoredFact[]): VerifiedFactor[] {
  return stored.map((f) =>
    f.method === 'passkey'
      ? { method: 'passkey', at: new Date(f.at), hardwareBound: f.hardwareBound === true }
      : { method: f.method, at: new Date(f.at) },
  );
}

export interface SignInChoices {
  /** "Use your password instead" (Entra's pass-first flow). */
  preferPassword?: boolean;
  /** "Sign in another way". */
  chosenMethod?: FactorMethod;
  /** The application asked for a multi-factor sign-in (acr_values naming the mfa acr). */
  stepUp?: boolean;
}

/**
 * What the store says about the user and the tenant at this step: the policies in force, the user's groups, their pass
 * and whether they hold an authenticator app or a passkey. Read once per request: the check that a factor is asked
 * for and the step after it share it (sign-in/state.ts), and a redeemed pass is taken as the redemption left it.
 */
export interface SignInContext {
  policies: Map<string, StoredPolicy<unknown>>;
  groups: string[];
  pass: StoredPass | undefined;
  hasApp: boolean;
  hasPasskey: boolean;
}

export async function loadSignInContext(deps: Deps, user: UserRecord): Promise<SignInContext> {
  // Both policies in one statement: every step of every sign-in reads them afresh.
  const [policies, groups, pass, hasApp, hasPasskey] = await Promise.all([
    createPoliciesRepo(deps.db).findPolicies([SECURITY_DEFAULTS_POLICY_ID, TAP_POLICY_ID]),
    createGroupsRepo(deps.db).listGroupIdsOf(user.id),
    createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id),
    createAuthenticatorAppsRepo(deps.db).hasAny(user.id),
    // A passkey bound to another relying party (the public host changed) cannot be used here.
    createFido2MethodsRepo(deps.db).hasAnyForRp(user.id, deps.config.rpId),
  ]);
  return { policies, groups, pass, hasApp, hasPasskey };
}

/** The pass policy and the user's groups, as a redemption checks them. */
export function passSettingsOf(context: SignInContext): { policy: TapPolicy; groups: string[] } {
  return {
    policy: tapPolicyOf(context.policies.get(TAP_POLICY_ID) as StoredPolicy<TapPolicy> | undefined),
    groups: context.groups,
  };
}

export async function loadSignInFacts(
  deps: Deps,
  user: UserRecord,
  stored: StoredFact[],
  choices: SignInChoices = {},
  context?: SignInContext,
): Promise<LoadedFacts> {
  const { preferPassword = false, chosenMethod } = choices;
  const now = deps.clock.now();
  const { policies, groups, pass, hasApp, hasPasskey } = context ?? (await loadSignInContext(deps, user));
  const securityDefaults = securityDefaultsOf(
    policies.get(SECURITY_DEFAULTS_POLICY_ID) as StoredPolicy<SecurityDefaults> | undefined,
  );
  const policy = tapPolicyOf(policies.get(TAP_POLICY_ID) as StoredPolicy<TapPolicy> | undefined);
  const methods: AvailableMethod[] = [];
  if (pass) {
    const u = usability(pass, usabilityContext(policy, new Set(groups), now));
    methods.push({ kind: 'tap', usable: u.isUsable, reason: u.methodUsabilityReason });
  }
  if (hasApp) methods.push({ kind: 'authenticatorApp' });
  if (hasPasskey) methods.push({ kind: 'passkey' });
  return {
    securityDefaults: securityDefaults.isEnabled,
    facts: {
      user: {
        id: user.id,
        accountEnabled: user.accountEnabled,
        hasPassword: user.passwordHash !== null,
        forceChangePassword: user.forceChangePassword,
      },
      verified: verifiedFactors(stored),
      methods,
      requirements: [
        ...securityDefaultsRequirements(securityDefaults.isEnabled),
        ...(choices.stepUp ? [{ source: 'application', require: 'mfa' } as const] : []),
      ],
      // "Use your password instead" turns Entra's pass-first flow back into the password-first one for this sign-in.
      settings: {
        tapFirst: policy.signInFlow === 'tapFirst' && !preferPassword,
        ...(chosenMethod ? { preferredMethod: chosenMethod } : {}),
      },
      now,
    },
  };
}

/** How the sign-in log names each method (Entra's authenticationMethod strings). */
export const METHOD_LOG_NAMES: Record<FactorMethod, string> = {
  password: 'Password',
  tap: 'Temporary Access Pass',
  authenticatorApp: 'OATH verification code',
  passkey: 'Passkey',
};
