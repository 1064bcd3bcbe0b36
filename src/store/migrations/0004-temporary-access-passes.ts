// Temporary Access Passes: at most one per user (a unique index), the pass itself only as an argon2id hash.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('temporary_access_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('pass_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('start_at', 'bigint', (c) => c.notNull())
    .addColumn('lifetime_minutes', 'integer', (c) => c.notNull())
    .addColumn('is_usable_once', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .execute();
  // Sessions, codes and tokens from a sign-in that used a pass: deleting the pass ends them (the amr is encrypted).
  await db.schema
    .alterTable('oidc_payloads')
    .addColumn('via_tap', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // "Use your password instead" on the pass page of Entra's pass-first flow.
  await db.schema
    .alterTable('sign_in_states')
    .addColumn('prefer_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
