// What the Graph API's bearer authentication reads from the store: the public signing keys, and the application
// or user a token names (with the user's or the app's role assignments), each read fresh so a change elsewhere holds at once;
// and what oidc-provider's account lookup reads (the user and their pass).

import { createApplicationsRepo, type ApplicationRecord } from '../store/repos/applications.js';
import { createRoleAssignmentsRepo, type RoleAssignmentRecord } from '../store/repos/role-assignments.js';
import { createServicePrincipalRoleAssignmentsRepo } from '../store/repos/service-principal-role-assignments.js';
import { createTemporaryAccessPassesRepo, type StoredPass } from '../store/repos/temporary-access-passes.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import type { RoleAssignment } from '../domain/authz/authorize.js';
import { getAppPrivilegedTargetsPolicy } from './app-privileged-targets-policy.js';
import type { Deps } from './deps.js';
import { signingKeySchedule } from './signing-keys.js';

export interface VerificationKey {
  kid: string;
  alg: string;
  /** The public JWK as stored (JSON). */
  publicJwk: string;
}

/** Every published key: a token signed by the current key or by a retired one still in its retention verifies. */
export async function listVerificationKeys(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<VerificationKey[]> {
  const { published } = await signingKeySchedule(deps);
  return published.map((r) => ({ kid: r.kid, alg: r.alg, publicJwk: r.publicJwk }));
}

export async function findTokenApplication(
  deps: Pick<Deps, 'db'>,
  appId: string,
): Promise<ApplicationRecord | undefined> {
  return createApplicationsRepo(deps.db).findApplicationByAppId(appId);
}

/**
 * What an application may do beyond its permissions: the directory roles of its service principal, and whether the
 * tenant lets application permissions reach privileged users. Read on every request, like a user's roles.
 */
export async function applicationAuthority(
  deps: Pick<Deps, 'db'>,
  servicePrincipalId: string,
): Promise<{ roles: RoleAssignment[]; permissionsReachPrivilegedUsers: boolean }> {
  const [assignments, policy] = await Promise.all([
    createServicePrincipalRoleAssignmentsRepo(deps.db).listRoleAssignmentsOf(servicePrincipalId),
    getAppPrivilegedTargetsPolicy(deps.db),
  ]);
  return {
    roles: assignments.map((a) => ({ roleTemplateId: a.roleDefinitionId, directoryScopeId: a.directoryScopeId })),
    permissionsReachPrivilegedUsers: policy.isEnabled,
  };
}

export async function findTokenUser(
  deps: Pick<Deps, 'db'>,
  userId: string,
): Promise<{ user: UserRecord; roles: RoleAssignmentRecord[] } | undefined> {
  const user = await createUsersRepo(deps.db).findUserById(userId);
  if (!user) return undefined;
  return { user, roles: await createRoleAssignmentsRepo(deps.db).listRoleAssignmentsOf(user.id) };
}

/** For oidc-provider's findAccount: the user a session or token names, and the pass they hold now (if any). */
export async function findAccountHolder(
  deps: Pick<Deps, 'db'>,
  userId: string,
): Promise<{ user: UserRecord; pass: StoredPass | undefined } | undefined> {
  const user = await createUsersRepo(deps.db).findUserById(userId);
  if (!user) return undefined;
  return { user, pass: await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id) };
}
