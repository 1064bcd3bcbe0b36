// Directory roles held by applications' service principals (service_principal_role_assignments).

import type { DbOrTx } from '../db.js';
import type { RoleAssignmentRecord } from './directory-role-assignments.js';

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
