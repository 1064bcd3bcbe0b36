// Users' directory role assignments: what authorization and the last-Global-Administrator rule read. Graph's
// roleAssignments collection (users' and service principals') is directory-role-assignments.ts.

import type { DbOrTx } from '../db.js';
import type { RoleAssignmentsTable } from '../schema.js';
import { createDirectoryRoleAssignmentsRepo, type RoleAssignmentRecord } from './directory-role-assignments.js';

export type { RoleAssignmentRecord };

const toRecord = (r: RoleAssignmentsTable): RoleAssignmentRecord => ({
  id: r.id,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  createdAt: new Date(Number(r.created_at)),
});

export function createRoleAssignmentsRepo(db: DbOrTx) {
  return {
    async listRoleAssignmentsOf(principalId: string): Promise<RoleAssignmentRecord[]> {
      const rows = await db
        .selectFrom('role_assignments')
        .selectAll()
        .where('principal_id', '=', principalId)
        .execute();
      return rows.map(toRecord);
    },

    /** Idempotent on (principal, role, scope). */
    async insertRoleAssignmentIfAbsent(a: RoleAssignmentRecord): Promise<void> {
      await createDirectoryRoleAssignmentsRepo(db).insertAssignment({ ...a, principalType: 'user' });
    },

    /**
     * PostgreSQL only: locks the user rows of the role's tenant-wide holders until the transaction ends, so two
     * concurrent "disable the other Global Administrator" requests cannot both pass the last-holder check
     * (the second waits, then counts what the first committed). SQLite serialises writers by itself.
     */
    async lockHoldersOf(roleDefinitionId: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
      if (dialect !== 'postgres') return;
      await db
        .selectFrom('users')
        .select('users.id')
        .where('users.id', 'in', (eb) =>
          eb
            .selectFrom('role_assignments')
            .select('principal_id')
            .where('role_definition_id', '=', roleDefinitionId)
            .where('directory_scope_id', '=', '/'),
        )
        .orderBy('users.id')
        .forUpdate()
        .execute();
    },

    async holdsRole(principalId: string, roleDefinitionId: string, directoryScopeId = '/'): Promise<boolean> {
      const r = await db
        .selectFrom('role_assignments')
        .select('id')
        .where('principal_id', '=', principalId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('directory_scope_id', '=', directoryScopeId)
        .executeTakeFirst();
      return r !== undefined;
    },

    async countEnabledHoldersOf(roleDefinitionId: string): Promise<number> {
      const r = await db
        .selectFrom('role_assignments')
        .innerJoin('users', 'users.id', 'role_assignments.principal_id')
        .select((eb) => eb.fn.count<number>('users.id').distinct().as('n'))
        .where('role_assignments.role_definition_id', '=', roleDefinitionId)
        .where('users.account_enabled', '=', 1)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
