// Key material the store keeps: key check values, encrypted signing keys and encrypted server secrets.

import type { DbOrTx } from '../db.js';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  privateJwkSealed: string;
  publicJwk: string;
  createdAt: number;
}

/** A signing key with the times that place it in its rotation (domain/signing-keys.ts). */
export interface StoredSigningKey extends SigningKeyRow {
  activatesAt: number | null;
  retiredAt: number | null;
}

export function createKeysRepo(db: DbOrTx) {
  return {
    async listKeyChecks(): Promise<{ keyId: string; checkValue: string }[]> {
      const rows = await db.selectFrom('key_checks').selectAll().execute();
      return rows.map((r) => ({ keyId: r.key_id, checkValue: r.check_value }));
    },

    async insertKeyCheck(keyId: string, checkValue: string, now: number): Promise<void> {
      await db
        .insertInto('key_checks')
        .values({ key_id: keyId, check_value: checkValue, created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async listActiveSigningKeys(): Promise<SigningKeyRow[]> {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => ({
        kid: r.kid,
        alg: r.alg,
        privateJwkSealed: r.private_jwk,
        publicJwk: r.public_jwk,
        createdAt: r.created_at,
      }));
    },

    /** Every signing key still stored: next, current and retired ones alike. */
    async listSigningKeys(): Promise<StoredSigningKey[]> {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({
        kid: r.kid,
        alg: r.alg,
        privateJwkSealed: r.private_jwk,
        publicJwk: r.public_jwk,
        createdAt: Number(r.created_at),
        activatesAt: r.activates_at === null ? null : Number(r.activates_at),
        retiredAt: r.retired_at === null ? null : Number(r.retired_at),
      }));
    },

    async insertSigningKey(row: SigningKeyRow & { activatesAt?: number }): Promise<void> {
      await db
        .insertInto('signing_keys')
        .values({
          kid: row.kid,
          alg: row.alg,
          private_jwk: row.privateJwkSealed,
          public_jwk: row.publicJwk,
          created_at: row.createdAt,
          activates_at: row.activatesAt ?? null,
          retired_at: null,
        })
        .execute();
    },

    /** Sets the retirement time of every key not yet retired except `keep`: they stop signing from `at`. */
    async retireSigningKeysExcept(keep: string, at: number): Promise<void> {
      await db
        .updateTable('signing_keys')
        .set({ retired_at: at })
        .where('retired_at', 'is', null)
        .where('kid', '!=', keep)
        .execute();
    },

    async deleteSigningKeys(kids: readonly string[]): Promise<number> {
      if (kids.length === 0) return 0;
      const result = await db.deleteFrom('signing_keys').where('kid', 'in', kids).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async findServerSecret(name: string): Promise<string | undefined> {
      const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
      return row?.value;
    },

    /** Replaces a server secret only if it still holds `expected` (compare-and-swap): false when another write won. */
    async replaceServerSecret(name: string, expected: string, sealed: string): Promise<boolean> {
      const result = await db
        .updateTable('server_secrets')
        .set({ value: sealed })
        .where('name', '=', name)
        .where('value', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async insertServerSecretIfAbsent(name: string, sealed: string, now: number): Promise<void> {
      await db
        .insertInto('server_secrets')
        .values({ name, value: sealed, created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
  };
}
