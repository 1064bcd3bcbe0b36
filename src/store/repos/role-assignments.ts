// Directory role assignments (Graph unifiedRoleAssignment): which user holds which role, at which scope.

import type { DbOrTx } from '../db.js';
import type { RoleAssignmentsTable } from '../schema.js';

export interface RoleAssignmentRecord {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  createdAt: Date;
}

const toRecord = (r: RoleAssignmentsTable): RoleAssignmentRecord => ({
  id: r.id,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  createdAt: new Date(Number(r.created_at)),
});

export function createRoleAssignmentsRepo(db: DbOrTx) {
  return {
    /** Every assignment, optionally of one principal and/or one role, oldest first. */
    async listRoleAssignments(
      where: { principalId?: string; roleDefinitionId?: string } = {},
    ): Promise<RoleAssignmentRecord[]> {
      let q = db.selectFrom('role_assignments').selectAll().orderBy('created_at').orderBy('id');
      if (where.principalId !== undefined) q = q.where('principal_id', '=', where.principalId);
      if (where.roleDefinitionId !== undefined) q = q.where('role_definition_id', '=', where.roleDefinitionId);
      return (await q.execute()).map(toRecord);
    },

    async findRoleAssignmentById(id: string): Promise<RoleAssignmentRecord | undefined> {
      const r = await db.selectFrom('role_assignments').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toRecord(r);
    },

    async findRoleAssignment(
      principalId: string,
      roleDefinitionId: string,
      directoryScopeId: string,
    ): Promise<RoleAssignmentRecord | undefined> {
      const r = await db
        .selectFrom('role_assignments')
        .selectAll()
        .where('principal_id', '=', principalId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('directory_scope_id', '=', directoryScopeId)
        .executeTakeFirst();
      return r && toRecord(r);
    },

    async deleteRoleAssignment(id: string): Promise<void> {
      await db.deleteFrom('role_assignments').where('id', '=', id).execute();
    },

    async listRoleAssignmentsOf(principalId: string): Promise<RoleAssignmentRecord[]> {
      const rows = await db
        .selectFrom('role_assignments')
        .selectAll()
        .where('principal_id', '=', principalId)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        principalId: r.principal_id,
        roleDefinitionId: r.role_definition_id,
        directoryScopeId: r.directory_scope_id,
        createdAt: new Date(r.created_at),
      }));
    },

    /** Idempotent on (principal, role, scope). */
    async insertRoleAssignmentIfAbsent(a: RoleAssignmentRecord): Promise<void> {
      await db
        .insertInto('role_assignments')
        .values({
          id: a.id,
          principal_id: a.principalId,
          role_definition_id: a.roleDefinitionId,
          directory_scope_id: a.directoryScopeId,
          created_at: a.createdAt.getTime(),
        })
        .onConflict((oc) => oc.columns(['principal_id', 'role_definition_id', 'directory_scope_id']).doNothing())
        .execute();
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
