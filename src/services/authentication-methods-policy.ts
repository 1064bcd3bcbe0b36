// The parent authentication methods policy as Graph shows it: today only the Temporary Access Pass configuration,
// with the time it last changed.

import type { TapPolicy } from '../domain/tap/policy.js';
import { createPoliciesRepo } from '../store/repos/policies.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { getTapPolicy, TAP_POLICY_ID } from './tap-policy.js';

const READ = 'microsoft.directory/userCredentialPolicies/standard/read';

export interface AuthenticationMethodsPolicyView {
  tap: TapPolicy;
  /** When the TAP configuration was last written; null before the first start stored it. */
  lastModified: Date | null;
}

/** The policy for an API caller, who needs the permission to read credential policies. */
export async function getAuthenticationMethodsPolicy(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
): Promise<AuthenticationMethodsPolicyView> {
  check(ctx, READ, TENANT_TARGET);
  const { db } = deps;
  const [tap, stored] = await Promise.all([getTapPolicy(db), createPoliciesRepo(db).findPolicy(TAP_POLICY_ID)]);
  return { tap, lastModified: stored ? new Date(stored.updatedAt) : null };
}

/** The Temporary Access Pass configuration for an API caller, who needs the same permission. */
export async function readTapPolicy(deps: Pick<Deps, 'db'>, ctx: GuardedContext): Promise<TapPolicy> {
  check(ctx, READ, TENANT_TARGET);
  return getTapPolicy(deps.db);
}
