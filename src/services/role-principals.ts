// Who may hold a directory role: a user, or an application's service principal (Entra assigns roles to both). A
// role assignment's principalId names either; this finds which, and names it in audit entries as Entra does.

import { userTarget, type ModifiedProperty, type TargetResource } from '../domain/audit.js';
import { isGuid } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import { createApplicationsRepo, type ApplicationRecord } from '../store/repos/applications.js';
import type { PrincipalType } from '../store/repos/directory-role-assignments.js';
import { createUsersRepo } from '../store/repos/users.js';
import { findUserByIdOrUpn } from './user-lookup.js';
import type { UserRecord } from './users.js';

export type RolePrincipal =
  | { readonly type: 'user'; readonly id: string; readonly user: UserRecord }
  | { readonly type: 'servicePrincipal'; readonly id: string; readonly app: ApplicationRecord };

/** A user by id or userPrincipalName, else an application's service principal by its object id. */
export async function findRolePrincipal(db: DbOrTx, key: string): Promise<RolePrincipal | undefined> {
  const user = await findUserByIdOrUpn(db, key);
  if (user) return { type: 'user', id: user.id, user };
  if (!isGuid(key)) return undefined;
  const app = await createApplicationsRepo(db).findApplicationByServicePrincipalId(key.toLowerCase());
  return app && { type: 'servicePrincipal', id: app.servicePrincipalId, app };
}

/** The principal an assignment names, when it still exists. */
export async function loadRolePrincipal(
  db: DbOrTx,
  type: PrincipalType,
  id: string,
): Promise<RolePrincipal | undefined> {
  if (type === 'user') {
    const user = await createUsersRepo(db).findUserById(id);
    return user && { type, id, user };
  }
  const app = await createApplicationsRepo(db).findApplicationByServicePrincipalId(id);
  return app && { type, id, app };
}

/** The member's target in "Add member to role" / "Remove member from role" entries. */
export function principalTarget(
  principal: RolePrincipal | string,
  modifiedProperties: ModifiedProperty[],
): TargetResource {
  if (typeof principal === 'string') return { id: principal, displayName: null, type: 'User', modifiedProperties };
  if (principal.type === 'user') return userTarget(principal.user, modifiedProperties);
  // Entra names the service principal as the member; app-roles.ts files it as an App target too.
  return { id: principal.id, displayName: principal.app.displayName, type: 'App', modifiedProperties };
}
