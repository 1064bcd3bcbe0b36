// Server-side state of sign-in interactions: bound to one user, verified facts only, at most 10 minutes.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_states')
    // Keyed hash of the oidc-provider interaction uid: the table alone cannot drive an interaction.
    .addColumn('uid_hash', 'text', (c) => c.primaryKey())
    // 'user:<id>' or 'unknown:<keyed hash of the name>': the one account this interaction is about.
    .addColumn('subject', 'text')
    .addColumn('user_id', 'text')
    // The normalised sign-in name, to show "Enter the password for …" (not a secret).
    .addColumn('login_name', 'text')
    // JSON array of verified factors: [{ method, at }]. Never submitted input.
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('csrf_hash', 'text', (c) => c.notNull())
    // 'active' or 'ended' (refused: nothing more may happen in this interaction).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_states_expires').on('sign_in_states').column('expires_at').execute();
}
