// Directory roles held by applications' service principals (Entra assigns roles to service principals too), so an
// app can be allowed, by role, what its Graph permissions alone may not do on privileged users.
//
// A table of its own rather than widening role_assignments: role_assignments.principal_id references users.id, and
// SQLite cannot drop that foreign key without rebuilding the table. The rows have the same shape, so Graph's
// roleAssignments (a later issue) lists the union of both, and each kind of principal keeps a real foreign key:
// deleting an application deletes its assignments.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_principal_role_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) =>
      c.notNull().references('applications.service_principal_id').onDelete('cascade'),
    )
    .addColumn('role_definition_id', 'text', (c) => c.notNull())
    .addColumn('directory_scope_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('service_principal_role_assignments_unique', [
      'principal_id',
      'role_definition_id',
      'directory_scope_id',
    ])
    .execute();
}
