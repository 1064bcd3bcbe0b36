// Security defaults (Graph identitySecurityDefaultsEnforcementPolicy): on by default, as in a new Entra tenant.

import { jsonValue } from '../domain/audit.js';
import { createPoliciesRepo, type StoredPolicy } from '../store/repos/policies.js';
import type { DbOrTx } from '../store/db.js';
import { audited } from './audited.js';
import type { Deps, RequestContext } from './deps.js';

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

export async function setSecurityDefaults(deps: Deps, ctx: RequestContext, isEnabled: boolean): Promise<SecurityDefaults> {
  const entry = (oldValue: boolean | undefined) => ({
    activityDisplayName: 'Update policy',
    category: 'Policy' as const,
    loggedByService: 'Core Directory',
    operationType: 'Update' as const,
    targetResources: [
      {
        id: SECURITY_DEFAULTS_OBJECT_ID,
        displayName: 'Security Defaults',
        type: 'Policy' as const,
        modifiedProperties: [{ displayName: 'IsEnabled', oldValue: oldValue === undefined ? null : jsonValue(oldValue), newValue: jsonValue(isEnabled) }],
      },
    ],
  });
  return audited(deps, ctx, () => entry(undefined), async (tx, record) => {
    const before = await getSecurityDefaults(tx);
    await createPoliciesRepo(tx).updatePolicy<SecurityDefaults>(SECURITY_DEFAULTS_POLICY_ID, { isEnabled }, deps.clock.now().getTime());
    await record(entry(before.isEnabled));
    return { isEnabled };
  });
}
