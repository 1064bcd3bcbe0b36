// Server-side /my sessions: the cookie carries a random session id, the store only its keyed hash, so a session
// can be ended (sign-out, sign out everywhere, an administrator's revoke, the end of the pass that started it).

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('my_sessions')
    // HMAC of the cookie's session id under the keyring's id-hash key: a copied database opens no session.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // JSON array of the sign-in's authentication methods (OIDC amr).
    .addColumn('amr', 'text', (c) => c.notNull())
    // Epoch seconds of the sign-in (OIDC auth_time).
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    // The pass the sign-in used, if any: the session holds only while that very pass does.
    .addColumn('pass_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Renewed on each visit, never past absolute_expires_at.
    .addColumn('idle_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('my_sessions_user').on('my_sessions').column('user_id').execute();
  await db.schema.createIndex('my_sessions_idle_expires_at').on('my_sessions').column('idle_expires_at').execute();
}
