// The parent authentication methods policy as Graph shows it: today only the Temporary Access Pass configuration,
// with the time it last changed.

import type { TapPolicy } from '../domain/tap/policy.js';
import type { DbOrTx } from '../store/db.js';
import { createPoliciesRepo } from '../store/repos/policies.js';
import { getTapPolicy, TAP_POLICY_ID } from './tap-policy.js';

export interface AuthenticationMethodsPolicyView {
  tap: TapPolicy;
  /** When the TAP configuration was last written; null before the first start stored it. */
  lastModified: Date | null;
}

export async function getAuthenticationMethodsPolicy(db: DbOrTx): Promise<AuthenticationMethodsPolicyView> {
  const [tap, stored] = await Promise.all([getTapPolicy(db), createPoliciesRepo(db).findPolicy(TAP_POLICY_ID)]);
  return { tap, lastModified: stored ? new Date(stored.updatedAt) : null };
}
