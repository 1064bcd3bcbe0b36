// Security defaults (Graph identitySecurityDefaultsEnforcementPolicy): on by default, as in a new Entra tenant.

import { createPoliciesRepo, type StoredPolicy } from '../store/repos/policies.js';
import type { DbOrTx } from '../store/db.js';
import type { Deps, RequestContext } from './deps.js';
import { setSwitchPolicy } from './switch-policy.js';

export const SECURITY_DEFAULTS_POLICY_ID = 'identitySecurityDefaultsEnforcementPolicy';
/** The fixed object id Entra gives this policy. */
export const SECURITY_DEFAULTS_OBJECT_ID = '00000000-0000-0000-0000-000000000005';

export interface SecurityDefaults {
  isEnabled: boolean;
}

/** The policy as stored (or absent: on, as in a new tenant). */
export function securityDefaultsOf(stored: StoredPolicy<SecurityDefaults> | undefined): SecurityDefaults {
  return { isEnabled: stored?.value.isEnabled ?? true };
}

export async function getSecurityDefaults(db: DbOrTx): Promise<SecurityDefaults> {
  return securityDefaultsOf(await createPoliciesRepo(db).findPolicy<SecurityDefaults>(SECURITY_DEFAULTS_POLICY_ID));
}

export async function setSecurityDefaults(
  deps: Deps,
  ctx: RequestContext,
  isEnabled: boolean,
): Promise<SecurityDefaults> {
  return setSwitchPolicy(
    deps,
    ctx,
    {
      policyId: SECURITY_DEFAULTS_POLICY_ID,
      auditTargetId: SECURITY_DEFAULTS_OBJECT_ID,
      displayName: 'Security Defaults',
      read: getSecurityDefaults,
    },
    isEnabled,
  );
}
