// Tenant-wide delegated permission grants (Graph's oauth2PermissionGrant with consentType AllPrincipals): the
// delegated Graph permissions an administrator consented to for an application on behalf of every user. Admin-only
// scopes reach a token only through a row here. One grant per client and resource, as Entra keeps it; the scope is
// the space-separated permission names. Deleting the application deletes its grants.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth2_permission_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) =>
      c.notNull().references('applications.service_principal_id').onDelete('cascade'),
    )
    .addColumn('consent_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('oauth2_permission_grants_unique', ['client_id', 'consent_type', 'resource_id'])
    .execute();
}
