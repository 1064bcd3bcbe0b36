// Directory roles held by applications' service principals (service_principal_role_assignments).

import type { DbOrTx } from '../db.js';
import type { RoleAssignmentRecord } from './role-assignments.js';

export function createServicePrincipalRoleAssignmentsRepo(db: DbOrTx) {
  return {
    async listRoleAssignmentsOf(servicePrincipalId: string): Promise<RoleAssignmentRecord[]> {
      const rows = await db
        .selectFrom('service_principal_role_assignments')
        .selectAll()
        .where('principal_id', '=', servicePrincipalId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        principalId: r.principal_id,
        roleDefinitionId: r.role_definition_id,
        directoryScopeId: r.directory_scope_id,
        createdAt: new Date(Number(r.created_at)),
      }));
    },

    /** Idempotent on (principal, role, scope): returns false when the assignment already existed. */
    async insertRoleAssignmentIfAbsent(a: RoleAssignmentRecord): Promise<boolean> {
      const result = await db
        .insertInto('service_principal_role_assignments')
        .values({
          id: a.id,
          principal_id: a.principalId,
          role_definition_id: a.roleDefinitionId,
          directory_scope_id: a.directoryScopeId,
          created_at: a.createdAt.getTime(),
        })
        .onConflict((oc) => oc.columns(['principal_id', 'role_definition_id', 'directory_scope_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** Returns false when there was no such assignment. */
    async deleteRoleAssignment(
      servicePrincipalId: string,
      roleDefinitionId: string,
      directoryScopeId: string,
    ): Promise<boolean> {
      const result = await db
        .deleteFrom('service_principal_role_assignments')
        .where('principal_id', '=', servicePrincipalId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('directory_scope_id', '=', directoryScopeId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
