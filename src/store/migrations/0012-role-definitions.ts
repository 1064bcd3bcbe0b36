// Custom directory roles (Graph unifiedRoleDefinition with isBuiltIn false). Built-in roles stay data in
// src/domain/authz/permissions.ts; assignments of either kind keep living in role_assignments, whose
// role_definition_id names a built-in template id or one of these rows.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('role_definitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('is_enabled', 'integer', (c) => c.notNull())
    /** JSON array of action strings. */
    .addColumn('allowed_resource_actions', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('role_assignments_role_definition')
    .on('role_assignments')
    .column('role_definition_id')
    .execute();
}
