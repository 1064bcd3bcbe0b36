// oidc-provider's payloads are indexed only where a column holds a value: most rows leave one or more of grant, uid
// and account empty (a session has no grant, a token no uid, an interaction no account until the sign-in), and every
// empty entry was one more b-tree to write at each of the seven saves of a sign-in. Every query that uses these
// indexes compares the column with a value, which implies it is not null, so both stores still use them.

import type { Kysely } from 'kysely';

const INDEXED = [
  ['oidc_payloads_grant', 'grant_id_hash'],
  ['oidc_payloads_uid', 'uid_hash'],
  ['oidc_payloads_account', 'account_id'],
  ['oidc_payloads_expires', 'expires_at'],
] as const;

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, column] of INDEXED) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('oidc_payloads').column(column).where(column, 'is not', null).execute();
  }
}
