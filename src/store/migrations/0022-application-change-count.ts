// A count of the changes to applications and their secrets, kept by triggers on every write from any process (the
// CLI, another server, a restore): oidc-provider's client lookups keep what they read in memory and read only this
// count per token request to know whether it still holds (services/client-cache.ts).

import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db.js';

const WATCHED = ['applications', 'application_secrets'] as const;

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_counts')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('change_counts').values({ name: 'applications', value: 0 }).execute();
  const bump = `update change_counts set value = value + 1 where name = 'applications'`;
  if (isPostgres(db)) {
    await sql
      .raw(
        `create function gatepass_count_application_change() returns trigger language plpgsql as $$ begin ${bump}; return null; end $$`,
      )
      .execute(db);
    for (const table of WATCHED)
      await sql
        .raw(
          `create trigger ${table}_change_count after insert or update or delete on ${table} for each statement execute function gatepass_count_application_change()`,
        )
        .execute(db);
    return;
  }
  for (const table of WATCHED)
    for (const event of ['insert', 'update', 'delete'])
      await sql
        .raw(`create trigger ${table}_${event}_change_count after ${event} on ${table} begin ${bump}; end`)
        .execute(db);
}
