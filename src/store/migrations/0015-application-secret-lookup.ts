// A client authenticating at the token endpoint has its valid secrets read by application (a join from applications):
// without an index on application_secrets.application_id that read scanned every secret of every application.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('application_secrets_application_id')
    .on('application_secrets')
    .column('application_id')
    .execute();
}
