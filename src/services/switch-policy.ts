// Tenant settings that are one on/off switch (security defaults, apps on privileged users): stored in the policies
// table, read fresh on every use, and changed by one audited use case in Entra's "Update policy" shape.

import { jsonValue, type AuditEntry } from '../domain/audit.js';
import type { DbOrTx } from '../store/db.js';
import { createPoliciesRepo } from '../store/repos/policies.js';
import { audited } from './audited.js';
import type { Action } from '../domain/authz/permissions.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';

export interface SwitchPolicy {
  /** The row in the policies table. */
  readonly policyId: string;
  /** The id the audit entry names (Entra's object id, where it has one). */
  readonly auditTargetId: string;
  readonly displayName: string;
  /** The setting as it stands, with its default when never set. */
  readonly read: (db: DbOrTx) => Promise<{ isEnabled: boolean }>;
  /** The permission an API caller needs to turn it, checked inside the use case (a refusal is audited); none if only the CLI turns it. */
  readonly update?: Action;
}

/** Turns the switch on or off; the audit entry records the value before and after. */
export async function setSwitchPolicy(
  deps: Deps,
  ctx: GuardedContext,
  policy: SwitchPolicy,
  isEnabled: boolean,
): Promise<{ isEnabled: boolean }> {
  const entry = (oldValue: boolean | undefined): AuditEntry => ({
    activityDisplayName: 'Update policy',
    category: 'Policy' as const,
    loggedByService: 'Core Directory',
    operationType: 'Update' as const,
    targetResources: [
      {
        id: policy.auditTargetId,
        displayName: policy.displayName,
        type: 'Policy' as const,
        modifiedProperties: [
          {
            displayName: 'IsEnabled',
            oldValue: oldValue === undefined ? null : jsonValue(oldValue),
            newValue: jsonValue(isEnabled),
          },
        ],
      },
    ],
  });
  return audited(
    deps,
    ctx,
    () => entry(undefined),
    async (tx, record) => {
      if (policy.update) check(ctx, policy.update, TENANT_TARGET);
      const before = await policy.read(tx);
      await createPoliciesRepo(tx).updatePolicy<{ isEnabled: boolean }>(
        policy.policyId,
        { isEnabled },
        deps.clock.now().getTime(),
      );
      await record(entry(before.isEnabled));
      return { isEnabled };
    },
  );
}
