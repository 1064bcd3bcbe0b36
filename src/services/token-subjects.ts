// What the Graph API's bearer authentication reads from the store: the public signing keys, and the application
// or user a token names (with the user's role assignments), each read fresh so a change elsewhere holds at once.

import { createApplicationsRepo, type ApplicationRecord } from '../store/repos/applications.js';
import { createKeysRepo } from '../store/repos/keys.js';
import { createRoleAssignmentsRepo, type RoleAssignmentRecord } from '../store/repos/role-assignments.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import type { Deps } from './deps.js';

export interface VerificationKey {
  kid: string;
  alg: string;
  /** The public JWK as stored (JSON). */
  publicJwk: string;
}

export async function listVerificationKeys(deps: Pick<Deps, 'db'>): Promise<VerificationKey[]> {
  const rows = await createKeysRepo(deps.db).listActiveSigningKeys();
  return rows.map((r) => ({ kid: r.kid, alg: r.alg, publicJwk: r.publicJwk }));
}

export async function findTokenApplication(deps: Pick<Deps, 'db'>, appId: string): Promise<ApplicationRecord | undefined> {
  return createApplicationsRepo(deps.db).findApplicationByAppId(appId);
}

export async function findTokenUser(deps: Pick<Deps, 'db'>, userId: string): Promise<{ user: UserRecord; roles: RoleAssignmentRecord[] } | undefined> {
  const user = await createUsersRepo(deps.db).findUserById(userId);
  if (!user) return undefined;
  return { user, roles: await createRoleAssignmentsRepo(deps.db).listRoleAssignmentsOf(user.id) };
}
