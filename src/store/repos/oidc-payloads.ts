// oidc-provider's persisted models (sessions, interactions, grants, codes, tokens): keyed hashes of every id,
// the payload encrypted, so the table alone yields no usable session id, code or token. Every query of
// oidc_payloads is here; what a payload holds is read only in src/oidc (payload-format.ts).

import type { ExpressionBuilder, Insertable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { changed, first, prepared, rowLimit } from '../prepared.js';
import type { Database } from '../schema.js';

export interface StoredPayload {
  model: string;
  idHash: string;
  /** The encrypted payload. */
  sealed: string;
  grantIdHash: string | null;
  uidHash: string | null;
  userCodeHash: string | null;
  accountId: string | null;
  expiresAt: number | null;
  /** The sign-in behind it used a Temporary Access Pass: deleting the pass ends it. */
  viaTap: boolean;
}

export interface FoundPayload {
  idHash: string;
  sealed: string;
  consumedAt: number | null;
}

const live = (now: number) => (eb: ExpressionBuilder<Database, 'oidc_payloads'>) =>
  eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);

// The queries every authorization request, sign-in and token exchange runs (oidc-provider's load and save of its
// interactions, sessions, grants and codes), compiled once.
const upsertQuery = prepared((db, v: Insertable<Database['oidc_payloads']>) =>
  db
    .insertInto('oidc_payloads')
    .values(v)
    .onConflict((oc) =>
      oc.columns(['model', 'id_hash']).doUpdateSet({
        payload: v.payload,
        grant_id_hash: v.grant_id_hash,
        uid_hash: v.uid_hash,
        user_code_hash: v.user_code_hash,
        account_id: v.account_id,
        expires_at: v.expires_at,
        via_tap: v.via_tap,
      }),
    ),
);
const findBy = (column: 'id_hash' | 'uid_hash' | 'user_code_hash') =>
  prepared((db, p: { model: string; hashes: string[]; now: number }) =>
    db
      .selectFrom('oidc_payloads')
      .select(['id_hash', 'payload', 'consumed_at'])
      .where('model', '=', p.model)
      .where(column, 'in', p.hashes)
      .where(live(p.now))
      .limit(rowLimit(1)),
  );
const findQueries = {
  id_hash: findBy('id_hash'),
  uid_hash: findBy('uid_hash'),
  user_code_hash: findBy('user_code_hash'),
};
const consumeQuery = prepared((db, p: { model: string; hashes: string[]; now: number }) =>
  db
    .updateTable('oidc_payloads')
    .set({ consumed_at: p.now })
    .where('model', '=', p.model)
    .where('id_hash', 'in', p.hashes)
    .where('consumed_at', 'is', null),
);
const deleteQuery = prepared((db, p: { model: string; hashes: string[] }) =>
  db.deleteFrom('oidc_payloads').where('model', '=', p.model).where('id_hash', 'in', p.hashes),
);

const found = (r: { id_hash: string; payload: string; consumed_at: number | null } | undefined) =>
  r && { idHash: r.id_hash, sealed: r.payload, consumedAt: r.consumed_at };

export function createOidcPayloadsRepo(db: DbOrTx) {
  return {
    async upsertPayload(p: StoredPayload): Promise<void> {
      await upsertQuery(db, {
        model: p.model,
        id_hash: p.idHash,
        payload: p.sealed,
        grant_id_hash: p.grantIdHash,
        uid_hash: p.uidHash,
        user_code_hash: p.userCodeHash,
        account_id: p.accountId,
        expires_at: p.expiresAt,
        consumed_at: null,
        via_tap: p.viaTap ? 1 : 0,
      });
    },

    /** Undefined when absent or expired. */
    async findPayload(model: string, idHashes: string[], now: number): Promise<FoundPayload | undefined> {
      return found(first(await findQueries.id_hash(db, { model, hashes: idHashes, now })));
    },

    async findPayloadBy(
      model: string,
      column: 'uid_hash' | 'user_code_hash',
      hashes: string[],
      now: number,
    ): Promise<FoundPayload | undefined> {
      return found(first(await findQueries[column](db, { model, hashes, now })));
    },

    /** Marks a single-use record used, in one statement; false when it was already consumed (another request won). */
    async consumePayload(model: string, idHashes: string[], now: number): Promise<boolean> {
      return changed(await consumeQuery(db, { model, hashes: idHashes, now })) > 0;
    },

    async deletePayload(model: string, idHashes: string[]): Promise<void> {
      await deleteQuery(db, { model, hashes: idHashes });
    },

    /**
     * Revokes a whole grant in one statement: the Grant record and every record issued under it (codes, access and
     * refresh tokens, of any model), as oidc-provider does on a reused code or refresh token.
     */
    async revokeGrant(grantIdHashes: string[]): Promise<void> {
      await db
        .deleteFrom('oidc_payloads')
        .where((eb) =>
          eb.or([
            eb('grant_id_hash', 'in', grantIdHashes),
            eb.and([eb('model', '=', 'Grant'), eb('id_hash', 'in', grantIdHashes)]),
          ]),
        )
        .execute();
    },

    /** One statement: every record of this model belonging to the grant. */
    async deleteByGrant(model: string, grantIdHashes: string[]): Promise<void> {
      await db
        .deleteFrom('oidc_payloads')
        .where('model', '=', model)
        .where('grant_id_hash', 'in', grantIdHashes)
        .execute();
    },

    /**
     * Deletes every row whose account_id is the user (Session, AccessToken, RefreshToken, AuthorizationCode, Grant,
     * Interaction…): one statement, so a refresh racing with it either ran before (and its new token is deleted here)
     * or finds nothing. Returns the number of rows removed.
     */
    async deletePayloadsOfAccount(userId: string): Promise<number> {
      const result = await db.deleteFrom('oidc_payloads').where('account_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** The sealed payloads of a user's sessions that began with a pass (their grants are inside, encrypted). */
    async listSessionsStartedWithPass(userId: string): Promise<{ idHash: string; sealed: string }[]> {
      const rows = await db
        .selectFrom('oidc_payloads')
        .select(['id_hash', 'payload'])
        .where('model', '=', 'Session')
        .where('account_id', '=', userId)
        .where('via_tap', '=', 1)
        .execute();
      return rows.map((r) => ({ idHash: r.id_hash, sealed: r.payload }));
    },

    /**
     * Ends what a sign-in with a pass started: the user's rows marked via_tap (sessions, codes, refresh tokens) and
     * every row of their grants (`grantIdHashes`: from the sessions, plus those on the marked rows). A user holds one
     * pass at a time and a replaced pass's sessions end when it is replaced, so every via_tap row belongs to this pass.
     */
    async deletePayloadsStartedWithPass(userId: string, grantIdHashes: string[]): Promise<number> {
      const rows = await db
        .selectFrom('oidc_payloads')
        .select('grant_id_hash')
        .where('account_id', '=', userId)
        .where('via_tap', '=', 1)
        .execute();
      const grants = [
        ...new Set([...grantIdHashes, ...rows.map((r) => r.grant_id_hash).filter((g): g is string => g !== null)]),
      ];
      let removed = Number(
        (
          await db
            .deleteFrom('oidc_payloads')
            .where('account_id', '=', userId)
            .where('via_tap', '=', 1)
            .executeTakeFirst()
        ).numDeletedRows,
      );
      if (grants.length > 0) {
        removed += Number(
          (await db.deleteFrom('oidc_payloads').where('grant_id_hash', 'in', grants).executeTakeFirst()).numDeletedRows,
        );
        removed += Number(
          (
            await db
              .deleteFrom('oidc_payloads')
              .where('model', '=', 'Grant')
              .where('id_hash', 'in', grants)
              .executeTakeFirst()
          ).numDeletedRows,
        );
      }
      return removed;
    },

    /** The sweeper's part: every row whose lifetime has ended. Returns the number of rows removed. */
    async deleteExpiredPayloads(now: number): Promise<number> {
      const result = await db
        .deleteFrom('oidc_payloads')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<', now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
