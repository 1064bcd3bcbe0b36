// Every directory role assignment, whoever holds it: users' (role_assignments) and applications' service principals'
// (service_principal_role_assignments). Two tables because each keeps a real foreign key to its kind of principal
// (migration 0010 says why); Graph's roleAssignments is one collection, so this reads and deletes across both.

import type { DbOrTx } from '../db.js';

export interface RoleAssignmentRecord {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  createdAt: Date;
}

export type PrincipalType = 'user' | 'servicePrincipal';

export interface DirectoryRoleAssignment extends RoleAssignmentRecord {
  principalType: PrincipalType;
}

type Table = 'role_assignments' | 'service_principal_role_assignments';
const TABLES: readonly [Table, PrincipalType][] = [
  ['role_assignments', 'user'],
  ['service_principal_role_assignments', 'servicePrincipal'],
];
const tableOf = (type: PrincipalType): Table =>
  type === 'user' ? 'role_assignments' : 'service_principal_role_assignments';

interface Row {
  id: string;
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  created_at: number | string;
}

const toAssignment = (r: Row, principalType: PrincipalType): DirectoryRoleAssignment => ({
  id: r.id,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  createdAt: new Date(Number(r.created_at)),
  principalType,
});

const byCreation = (a: DirectoryRoleAssignment, b: DirectoryRoleAssignment) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);

export function createDirectoryRoleAssignmentsRepo(db: DbOrTx) {
  return {
    /** Every assignment, optionally of one principal, one role and/or one scope, oldest first. */
    async listAssignments(
      where: { principalId?: string; roleDefinitionId?: string; directoryScopeId?: string } = {},
    ): Promise<DirectoryRoleAssignment[]> {
      const all: DirectoryRoleAssignment[] = [];
      for (const [table, type] of TABLES) {
        let q = db.selectFrom(table).selectAll();
        if (where.principalId !== undefined) q = q.where('principal_id', '=', where.principalId);
        if (where.roleDefinitionId !== undefined) q = q.where('role_definition_id', '=', where.roleDefinitionId);
        if (where.directoryScopeId !== undefined) q = q.where('directory_scope_id', '=', where.directoryScopeId);
        all.push(...(await q.execute()).map((r) => toAssignment(r, type)));
      }
      return all.sort(byCreation);
    },

    async findAssignmentById(id: string): Promise<DirectoryRoleAssignment | undefined> {
      for (const [table, type] of TABLES) {
        const r = await db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
        if (r) return toAssignment(r, type);
      }
      return undefined;
    },

    async findAssignment(
      principalType: PrincipalType,
      principalId: string,
      roleDefinitionId: string,
      directoryScopeId: string,
    ): Promise<DirectoryRoleAssignment | undefined> {
      const r = await db
        .selectFrom(tableOf(principalType))
        .selectAll()
        .where('principal_id', '=', principalId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('directory_scope_id', '=', directoryScopeId)
        .executeTakeFirst();
      return r && toAssignment(r, principalType);
    },

    /** Idempotent on (principal, role, scope): false when the assignment already existed. */
    async insertAssignment(a: DirectoryRoleAssignment): Promise<boolean> {
      const result = await db
        .insertInto(tableOf(a.principalType))
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

    async deleteAssignment(a: Pick<DirectoryRoleAssignment, 'id' | 'principalType'>): Promise<void> {
      await db.deleteFrom(tableOf(a.principalType)).where('id', '=', a.id).execute();
    },
  };
}
