// A completed sign-in resets its user's failure counters by key prefix. The prefix is matched as a byte-order range
// (store/repos/failure-counters.ts), which SQLite's primary-key index serves as it is; PostgreSQL compares in byte
// order only under the "C" collation, so it gets an index in that collation. Without it the reset read every counter.

import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db.js';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create index failure_counters_key_bytes on failure_counters (key collate "C")`.execute(db);
}
