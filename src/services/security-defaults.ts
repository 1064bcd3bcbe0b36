// Security defaults (Graph identitySecurityDefaultsEnforcementPolicy): on by default, as in a new Entra tenant.

import { createPoliciesRepo, type StoredPolicy } from '../store/repos/policies.js';
import type { DbOrTx } from '../store/db.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';
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

/** The policy for an API caller, who needs the permission to read policies. */
export async function readSecurityDefaults(deps: Pick<Deps, 'db'>, ctx: GuardedContext): Promise<SecurityDefaults> {
  check(ctx, 'microsoft.directory/policies/standard/read', TENANT_TARGET);
  return getSecurityDefaults(deps.db);
}

export async function setSecurityDefaults(
  deps: Deps,
  ctx: GuardedContext,
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
      update: 'microsoft.directory/policies/securityDefaults/basic/update',
    },
    isEnabled,
  );
}
