// oidc-provider's persisted models (sessions, interactions, grants, codes, tokens): keyed hashes of every id,
// the payload encrypted, so the table alone yields no usable session id, code or token. Every query of
// oidc_payloads is here; what a payload holds is read only in src/oidc (payload-format.ts).

import type { ExpressionBuilder } from 'kysely';
import type { DbOrTx } from '../db.js';
import { affectedRows, type Arg, preparedQuery } from '../prepared.js';
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

/** model, id_hash, payload, grant_id_hash, uid_hash, user_code_hash, account_id, expires_at, via_tap */
type PayloadRow = [
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  number | null,
  number,
];

// The statements of every request oidc-provider handles (a sign-in runs about twenty of them), compiled once.
const upsert = preparedQuery((db, arg: Arg<PayloadRow>) => {
  const changed = {
    payload: arg(2),
    grant_id_hash: arg(3),
    uid_hash: arg(4),
    user_code_hash: arg(5),
    account_id: arg(6),
    expires_at: arg(7),
    via_tap: arg(8),
  };
  return db
    .insertInto('oidc_payloads')
    .values({ model: arg(0), id_hash: arg(1), consumed_at: null, ...changed })
    .onConflict((oc) => oc.columns(['model', 'id_hash']).doUpdateSet(changed));
});
const findLive = preparedQuery((db, arg: Arg<[string, string[], number]>) =>
  db
    .selectFrom('oidc_payloads')
    .select(['id_hash', 'payload', 'consumed_at'])
    .where('model', '=', arg(0))
    .where('id_hash', 'in', arg(1))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', arg(2))])),
);
const consume = preparedQuery((db, arg: Arg<[string, string[], number]>) =>
  db
    .updateTable('oidc_payloads')
    .set({ consumed_at: arg(2) })
    .where('model', '=', arg(0))
    .where('id_hash', 'in', arg(1))
    .where('consumed_at', 'is', null),
);
const remove = preparedQuery((db, arg: Arg<[string, string[]]>) =>
  db.deleteFrom('oidc_payloads').where('model', '=', arg(0)).where('id_hash', 'in', arg(1)),
);

export function createOidcPayloadsRepo(db: DbOrTx) {
  const live = (now: number) => (eb: ExpressionBuilder<Database, 'oidc_payloads'>) =>
    eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);

  return {
    async upsertPayload(p: StoredPayload): Promise<void> {
      await upsert(
        db,
        p.model,
        p.idHash,
        p.sealed,
        p.grantIdHash,
        p.uidHash,
        p.userCodeHash,
        p.accountId,
        p.expiresAt,
        p.viaTap ? 1 : 0,
      );
    },

    /** Undefined when absent or expired. */
    async findPayload(model: string, idHashes: string[], now: number): Promise<FoundPayload | undefined> {
      const [r] = (await findLive(db, model, idHashes, now)).rows;
      return r && { idHash: r.id_hash, sealed: r.payload, consumedAt: r.consumed_at };
    },

    async findPayloadBy(
      model: string,
      column: 'uid_hash' | 'user_code_hash',
      hashes: string[],
      now: number,
    ): Promise<FoundPayload | undefined> {
      const r = await db
        .selectFrom('oidc_payloads')
        .select(['id_hash', 'payload', 'consumed_at'])
        .where('model', '=', model)
        .where(column, 'in', hashes)
        .where(live(now))
        .executeTakeFirst();
      return r && { idHash: r.id_hash, sealed: r.payload, consumedAt: r.consumed_at };
    },

    /** Marks a single-use record used, in one statement; false when it was already consumed (another request won). */
    async consumePayload(model: string, idHashes: string[], now: number): Promise<boolean> {
      return affectedRows(await consume(db, model, idHashes, now)) > 0;
    },

    async deletePayload(model: string, idHashes: string[]): Promise<void> {
      await remove(db, model, idHashes);
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
