// Directory roles assigned to an application's service principal (`gatepass app role add|remove`, `app show`):
// what lets an app act, by role, where its Graph permissions alone are not enough (password resets, credentials of
// privileged users). Built-in roles only, tenant-wide ("/") only, for now; both are audited as Entra records them.

import type { AuditEntry, TargetResource } from '../domain/audit.js';
import { builtInRoleNames, findBuiltInRole } from '../domain/authz/role-lookup.js';
import type { RoleDefinition } from '../domain/authz/permissions.js';
import { ensure } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import type { ApplicationRecord } from '../store/repos/applications.js';
import { createDirectoryRoleAssignmentsRepo } from '../store/repos/directory-role-assignments.js';
import { createServicePrincipalRoleAssignmentsRepo } from '../store/repos/service-principal-role-assignments.js';
import { getApplication } from './applications.js';
import { audited } from './audited.js';
import type { Deps, RequestContext } from './deps.js';

/** Tenant-wide: the only directory scope `app role add` assigns (administrative units come with the roles issue). */
export const TENANT_SCOPE = '/';

export interface AppRoleAssignment {
  id: string;
  roleTemplateId: string;
  /** The built-in role's name, or null for an id Gatepass does not know (never assigned by Gatepass itself). */
  roleDisplayName: string | null;
  directoryScopeId: string;
  createdDateTime: string;
}

function roleOf(key: string): RoleDefinition {
  const role = findBuiltInRole(key);
  ensure(role, 'roleNotBuiltIn', { target: 'role', params: { role: key, known: builtInRoleNames() } });
  return role;
}

export async function listAppRoleAssignments(db: DbOrTx, servicePrincipalId: string): Promise<AppRoleAssignment[]> {
  const rows = await createServicePrincipalRoleAssignmentsRepo(db).listRoleAssignmentsOf(servicePrincipalId);
  return rows.map((r) => ({
    id: r.id,
    roleTemplateId: r.roleDefinitionId,
    roleDisplayName: findBuiltInRole(r.roleDefinitionId)?.displayName ?? null,
    directoryScopeId: r.directoryScopeId,
    createdDateTime: r.createdAt.toISOString(),
  }));
}

function entry(
  activity: 'Add member to role' | 'Remove member from role',
  roleKey: string,
  role?: RoleDefinition,
  app?: ApplicationRecord,
): AuditEntry {
  const targets: TargetResource[] = [
    { id: role?.templateId ?? roleKey, displayName: role?.displayName ?? null, type: 'Role' },
    // Entra names the service principal as the member; ours is the app's servicePrincipalId.
    ...(app ? [{ id: app.servicePrincipalId, displayName: app.displayName, type: 'App' as const }] : []),
  ];
  return {
    activityDisplayName: activity,
    category: 'RoleManagement',
    loggedByService: 'Core Directory',
    operationType: activity === 'Add member to role' ? 'Assign' : 'Unassign',
    targetResources: targets,
  };
}

/** Assigns a built-in role, tenant-wide, to the app's service principal; assigning it twice is a 400 naming `role`. */
export async function assignAppRole(
  deps: Deps,
  ctx: RequestContext,
  appKey: string,
  roleKey: string,
): Promise<{ app: ApplicationRecord; role: RoleDefinition }> {
  let known: { app?: ApplicationRecord; role?: RoleDefinition } = {};
  return audited(
    deps,
    ctx,
    () => entry('Add member to role', roleKey, known.role, known.app),
    async (tx, record) => {
      const role = roleOf(roleKey);
      known = { role };
      const app = await getApplication({ db: tx }, appKey);
      known = { role, app };
      const inserted = await createDirectoryRoleAssignmentsRepo(tx).insertAssignment({
        id: newId(),
        principalType: 'servicePrincipal',
        principalId: app.servicePrincipalId,
        roleDefinitionId: role.templateId,
        directoryScopeId: TENANT_SCOPE,
        createdAt: deps.clock.now(),
      });
      ensure(inserted, 'applicationHoldsRole', {
        target: 'role',
        params: { application: app.displayName, role: role.displayName },
      });
      await record(entry('Add member to role', roleKey, role, app));
      return { app, role };
    },
  );
}

/** Removes a tenant-wide assignment; removing one the app does not hold is a 404 naming `role`. */
export async function removeAppRole(
  deps: Deps,
  ctx: RequestContext,
  appKey: string,
  roleKey: string,
): Promise<{ app: ApplicationRecord; role: RoleDefinition }> {
  let known: { app?: ApplicationRecord; role?: RoleDefinition } = {};
  return audited(
    deps,
    ctx,
    () => entry('Remove member from role', roleKey, known.role, known.app),
    async (tx, record) => {
      const role = roleOf(roleKey);
      known = { role };
      const app = await getApplication({ db: tx }, appKey);
      known = { role, app };
      const deleted = await createServicePrincipalRoleAssignmentsRepo(tx).deleteRoleAssignment(
        app.servicePrincipalId,
        role.templateId,
        TENANT_SCOPE,
      );
      ensure(deleted, 'applicationLacksRole', {
        target: 'role',
        params: { application: app.displayName, role: role.displayName },
      });
      await record(entry('Remove member from role', roleKey, role, app));
      return { app, role };
    },
  );
}
