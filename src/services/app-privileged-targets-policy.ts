// The tenant setting "applicationPermissionsReachPrivilegedUsers": whether an application permission alone
// (UserAuthenticationMethod.ReadWrite.All) may change the credentials of users who hold a privileged directory role.
//
// Entra lets it: such a permission is then as good as Global Administrator. Gatepass refuses by default, unless the
// app's service principal holds a role that may act on that user (`gatepass app role add`); turning this setting on
// restores Entra's behaviour. Stored in the store (read fresh on every request, so every process agrees at once) and
// audited when changed.

import type { DbOrTx } from '../store/db.js';
import { createPoliciesRepo } from '../store/repos/policies.js';
import type { Deps, RequestContext } from './deps.js';
import { setSwitchPolicy } from './switch-policy.js';

export const APP_PRIVILEGED_TARGETS_POLICY_ID = 'applicationPermissionsReachPrivilegedUsers';

export interface AppPrivilegedTargetsPolicy {
  /** false (the default): privileged users are out of an app's reach unless a role of its service principal allows. */
  isEnabled: boolean;
}

export async function getAppPrivilegedTargetsPolicy(db: DbOrTx): Promise<AppPrivilegedTargetsPolicy> {
  const stored = await createPoliciesRepo(db).findPolicy<AppPrivilegedTargetsPolicy>(APP_PRIVILEGED_TARGETS_POLICY_ID);
  return { isEnabled: stored?.value.isEnabled === true };
}

export async function setAppPrivilegedTargetsPolicy(
  deps: Deps,
  ctx: RequestContext,
  isEnabled: boolean,
): Promise<AppPrivilegedTargetsPolicy> {
  return setSwitchPolicy(
    deps,
    ctx,
    {
      policyId: APP_PRIVILEGED_TARGETS_POLICY_ID,
      auditTargetId: APP_PRIVILEGED_TARGETS_POLICY_ID,
      displayName: 'Application permissions reach privileged users',
      read: getAppPrivilegedTargetsPolicy,
    },
    isEnabled,
  );
}
