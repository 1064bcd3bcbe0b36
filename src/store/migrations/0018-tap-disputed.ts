// A pass its holder reported as "This wasn't me" (issue 14, item 4): from then on it can no longer be redeemed, and
// the diagnosis ("Why doesn't this pass work?") names it. Null: never disputed.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('temporary_access_passes').addColumn('disputed_at', 'bigint').execute();
}
