// Temporary Access Passes: one row per user at most, the pass as an argon2id hash; redemption is one conditional update.

import { sql, type Selectable } from 'kysely';
import { TAP_PURPOSES, type TapPurpose } from '../../domain/tap/constants.js';
import type { TapRecord } from '../../domain/tap/pass.js';
import type { DbOrTx } from '../db.js';
import { bool, int } from '../db.js';
import { changed, first, prepared } from '../prepared.js';
import type { TemporaryAccessPassesTable } from '../schema.js';

export interface IssuerSnapshot {
  kind: 'user' | 'app' | 'cli' | 'system';
  id: string | null;
  displayName: string;
}

export interface StoredPass extends TapRecord {
  passHash: string;
  issuedBy: IssuerSnapshot;
}

function toStoredPass(r: Selectable<TemporaryAccessPassesTable>): StoredPass {
  return {
    id: r.id,
    userId: r.user_id,
    passHash: r.pass_hash,
    createdAt: new Date(r.created_at),
    startAt: new Date(r.start_at),
    lifetimeMinutes: r.lifetime_minutes,
    isUsableOnce: bool(r.is_usable_once),
    usedAt: r.used_at === null ? null : new Date(r.used_at),
    issuedBy: JSON.parse(r.issued_by) as IssuerSnapshot,
    purpose: purposeOf(r.purpose),
    retryWindowMinutes: r.retry_window_minutes === null ? null : Number(r.retry_window_minutes),
    usedUpAt: r.used_up_at === null ? null : new Date(Number(r.used_up_at)),
    disputedAt: r.disputed_at === null ? null : new Date(r.disputed_at),
  };
}

/** A value the code never writes reads as the narrower purpose: a damaged row must not open every app. */
const purposeOf = (stored: string): TapPurpose => TAP_PURPOSES.find((p) => p === stored) ?? 'setup';

/** The row a new pass is stored as (one insert, or the benchmark's bulk seeding). */
export function newPassRow(p: StoredPass) {
  return {
    id: p.id,
    user_id: p.userId,
    pass_hash: p.passHash,
    created_at: p.createdAt.getTime(),
    start_at: p.startAt.getTime(),
    lifetime_minutes: p.lifetimeMinutes,
    is_usable_once: int(p.isUsableOnce),
    used_at: null,
    issued_by: JSON.stringify(p.issuedBy),
    purpose: p.purpose,
    retry_window_minutes: p.retryWindowMinutes ?? null,
    used_up_at: null,
    disputed_at: p.disputedAt === null ? null : p.disputedAt.getTime(),
  };
}

// Read by every sign-in step: compiled once.
const passOfUserQuery = prepared((db, p: { userId: string }) =>
  db.selectFrom('temporary_access_passes').selectAll().where('user_id', '=', p.userId),
);

const consumeQuery = prepared((db, p: { id: string; now: number }) =>
  db
    .updateTable('temporary_access_passes')
    // A retry-tolerant pass keeps its first use: its registration window counts from there.
    .set({
      used_at: sql<number>`case when retry_window_minutes is not null and used_at is not null then used_at else ${p.now} end`,
    })
    .where('id', '=', p.id)
    .where('start_at', '<=', p.now)
    // bigint arithmetic: 43200 minutes in milliseconds overflows PostgreSQL's 32-bit integer.
    .where(sql<number>`start_at + cast(lifetime_minutes as bigint) * 60000`, '>', p.now)
    .where((eb) =>
      eb.or([
        eb('is_usable_once', '=', 0),
        eb('used_at', 'is', null),
        // A retry-tolerant one-time pass signs in again until a registration used it up or its window ended.
        eb.and([
          eb('retry_window_minutes', 'is not', null),
          eb('used_up_at', 'is', null),
          eb(sql<number>`used_at + cast(retry_window_minutes as bigint) * 60000`, '>', p.now),
        ]),
      ]),
    )
    // A disputed pass is never redeemed, even by a request that checked it a moment before it was disputed.
    .where('disputed_at', 'is', null),
);

export function createTemporaryAccessPassesRepo(db: DbOrTx) {
  return {
    /**
     * Serialises every change to one user's pass until the transaction ends: a no-op update takes the user row's
     * lock on PostgreSQL and the write lock on SQLite, so concurrent issues for one user queue instead of racing.
     */
    async lockPassesOfUser(userId: string): Promise<void> {
      await db
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', userId)
        .execute();
    },

    async findPassOfUser(userId: string): Promise<StoredPass | undefined> {
      const r = first(await passOfUserQuery(db, { userId }));
      return r && toStoredPass(r);
    },

    /** Removes the user's pass, if any, and returns it (for the audit's delete record). */
    async deletePassOfUser(userId: string): Promise<StoredPass | undefined> {
      const r = await db
        .deleteFrom('temporary_access_passes')
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
      return r && toStoredPass(r);
    },

    async deletePass(id: string, userId: string): Promise<StoredPass | undefined> {
      const r = await db
        .deleteFrom('temporary_access_passes')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
      return r && toStoredPass(r);
    },

    /** Fails with a unique violation when the user already holds a pass (the caller deletes it first, in one transaction). */
    async insertPass(p: StoredPass): Promise<void> {
      await db.insertInto('temporary_access_passes').values(newPassRow(p)).execute();
    },

    /**
     * Redeems pass `id`: for a one-time pass, marks it used only if it still exists, is unused and is within its
     * validity window, in ONE statement. Returns false when another redemption won (or the pass was replaced,
     * revoked or ran out meanwhile): of any number of concurrent redemptions, across processes, exactly one succeeds.
     * A multi-use pass just records its last use.
     */
    async consumePass(id: string, now: number): Promise<boolean> {
      return changed(await consumeQuery(db, { id, now })) === 1;
    },

    /** A registration used up retry-tolerant pass `id` (no-op for any other pass, or one used up already). */
    async markUsedUp(id: string, now: number): Promise<boolean> {
      const r = await db
        .updateTable('temporary_access_passes')
        .set({ used_up_at: now })
        .where('id', '=', id)
        .where('retry_window_minutes', 'is not', null)
        .where('used_up_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /**
     * Marks pass `id` of `userId` disputed ("This wasn't me"), once: the first report's time stays. Returns false when
     * the user holds no such pass or it was disputed already.
     */
    async markPassDisputed(id: string, userId: string, at: Date): Promise<boolean> {
      const r = await db
        .updateTable('temporary_access_passes')
        .set({ disputed_at: at.getTime() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('disputed_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async countPasses(): Promise<number> {
      const r = await db
        .selectFrom('temporary_access_passes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
