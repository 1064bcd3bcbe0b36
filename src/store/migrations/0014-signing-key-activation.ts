// Signing keys rotate across processes: a key is published from the moment its row exists and signs only from
// `activates_at`, so every process (each re-reading this table) publishes it before any signs with it. Keys from
// before this migration have none: they were active from their creation (created_at).

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('activates_at', 'bigint').execute();
}
