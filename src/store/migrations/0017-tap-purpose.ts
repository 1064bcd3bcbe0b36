// A pass's purpose (Gatepass's gatepassPurpose): 'setup' opens Security info only, 'access' every app. Passes issued
// before this migration kept Entra's behaviour, so they are 'access'.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('temporary_access_passes')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('access'))
    .execute();
}
