// The Temporary Access Pass method configuration (part of the authentication methods policy), read fresh from the
// store on every use so that a change made through one process holds at once in all.

import { jsonValue, type AuditEntry } from '../domain/audit.js';
import { DEFAULT_TAP_POLICY, TAP_CONFIGURATION_ID, type TapPolicy } from '../domain/tap/policy.js';
import { applyTapPolicyPatch } from '../domain/tap/policy-patch.js';
import type { DbOrTx } from '../store/db.js';
import { createPoliciesRepo, type StoredPolicy } from '../store/repos/policies.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';

export const TAP_POLICY_ID = 'temporaryAccessPassMethodConfiguration';

/** The policy as stored, over the defaults (absent: the defaults). */
export function tapPolicyOf(stored: StoredPolicy<TapPolicy> | undefined): TapPolicy {
  return stored ? { ...DEFAULT_TAP_POLICY, ...stored.value } : DEFAULT_TAP_POLICY;
}

export async function getTapPolicy(db: DbOrTx): Promise<TapPolicy> {
  return tapPolicyOf(await createPoliciesRepo(db).findPolicy<TapPolicy>(TAP_POLICY_ID));
}

/** First start: the policy is enabled, because the first admin onboards with a pass (see docs/temporary-access-pass.md). */
export async function ensureTapPolicy(db: DbOrTx, now: Date): Promise<void> {
  await createPoliciesRepo(db).insertPolicyIfAbsent(TAP_POLICY_ID, DEFAULT_TAP_POLICY, now.getTime());
}

function policyEntry(modifiedProperties: { displayName: string; oldValue: string; newValue: string }[]): AuditEntry {
  return {
    activityDisplayName: 'Authentication Methods Policy Update',
    category: 'Policy',
    loggedByService: 'Authentication Methods',
    operationType: 'Update',
    targetResources: [
      { id: TAP_CONFIGURATION_ID, displayName: 'Temporary Access Pass', type: 'Policy', modifiedProperties },
    ],
  };
}

/** Merges `patch` (Graph PATCH semantics) into the policy; a patch that breaks any rule is refused whole. */
export async function updateTapPolicy(deps: Deps, ctx: GuardedContext, patch: unknown): Promise<TapPolicy> {
  return audited(
    deps,
    ctx,
    () => policyEntry([]),
    async (tx, record) => {
      check(ctx, 'microsoft.directory/userCredentialPolicies/basic/update', TENANT_TARGET);
      const before = await getTapPolicy(tx);
      const result = applyTapPolicyPatch(before, patch);
      if (!result.ok) throw result.error;
      const after = result.policy;
      await createPoliciesRepo(tx).updatePolicy(TAP_POLICY_ID, after, deps.clock.now().getTime());
      const changed = (Object.keys(after) as (keyof TapPolicy)[]).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
      );
      await record(
        policyEntry(
          changed.map((k) => ({ displayName: k, oldValue: jsonValue(before[k]), newValue: jsonValue(after[k]) })),
        ),
      );
      return after;
    },
  );
}
