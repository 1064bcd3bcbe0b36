// A retry-tolerant one-time pass (the policy's gatepassOneTimeRetry): its registration window, fixed when it is issued,
// and when a registration used it up. Both null for every pass issued before, which keep Entra's rule.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('temporary_access_passes').addColumn('retry_window_minutes', 'integer').execute();
  await db.schema.alterTable('temporary_access_passes').addColumn('used_up_at', 'bigint').execute();
}
