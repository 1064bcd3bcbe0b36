// A user adding their own notification email from Security info: the address waits here, with the keyed hash of the
// code mailed to it, until the code comes back. One pending registration per user; the counters throttle both the
// codes sent and the wrong guesses in the store, so every process sees the same counts.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_verifications')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email_address', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The codes sent since window_started_at (an hour's window), kept across new requests to cap mail to one user.
    .addColumn('codes_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .execute();
}
