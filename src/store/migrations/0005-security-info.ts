// Security info: authenticator apps (TOTP) and passkeys (WebAuthn), and single-use WebAuthn challenges.

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('software_oath_methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // AES-256-GCM under a keyring sub-key, the user and method ids as associated data: a row copied to another user
    // or method does not decrypt.
    .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // The highest time step accepted: a code of that step or an earlier one is never accepted again (RFC 6238 §5.2).
    .addColumn('last_used_step', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('software_oath_methods_user').on('software_oath_methods').column('user_id').execute();

  await db.schema
    .createTable('fido2_methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // base64url credential id: one authenticator registers once, whoever holds it.
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sign_count', 'bigint', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('attestation_level', 'text', (c) => c.notNull())
    // The relying party the credential is bound to; a changed public host would orphan it.
    .addColumn('rp_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('fido2_methods_user').on('fido2_methods').column('user_id').execute();

  // WebAuthn's user.id: random, never the UPN, so an authenticator reveals nothing about who registered.
  await db.schema.alterTable('users').addColumn('webauthn_user_handle', 'text').execute();
  await db.schema
    .createIndex('users_webauthn_user_handle')
    .unique()
    .on('users')
    .column('webauthn_user_handle')
    .execute();

  // "Sign in another way": the second factor the user picked among those the pipeline offered.
  await db.schema.alterTable('sign_in_states').addColumn('chosen_method', 'text').execute();

  // Challenges are stored as keyed hashes and consumed by one DELETE: each answers at most one ceremony.
  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}
