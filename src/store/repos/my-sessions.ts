// The /my sessions table: rows found by the keyed hash of the cookie's session id, renewed and ended by one statement each.

import type { DbOrTx } from '../db.js';

export interface MySessionRow {
  idHash: string;
  userId: string;
  amr: string[];
  /** Epoch seconds of the sign-in. */
  authTime: number;
  passId: string | null;
  createdAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

function amrOf(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function createMySessionsRepo(db: DbOrTx) {
  return {
    async insertSession(row: MySessionRow): Promise<void> {
      await db
        .insertInto('my_sessions')
        .values({
          id_hash: row.idHash,
          user_id: row.userId,
          amr: JSON.stringify(row.amr),
          auth_time: row.authTime,
          pass_id: row.passId,
          created_at: row.createdAt.getTime(),
          idle_expires_at: row.idleExpiresAt.getTime(),
          absolute_expires_at: row.absoluteExpiresAt.getTime(),
        })
        .execute();
    },

    /** The live session under one of `idHashes` (one per keyring key), or undefined when none or it has expired. */
    async findSession(idHashes: string[], now: Date): Promise<MySessionRow | undefined> {
      if (idHashes.length === 0) return undefined;
      const ms = now.getTime();
      const r = await db
        .selectFrom('my_sessions')
        .selectAll()
        .where('id_hash', 'in', idHashes)
        .where('idle_expires_at', '>', ms)
        .where('absolute_expires_at', '>', ms)
        .executeTakeFirst();
      return (
        r && {
          idHash: r.id_hash,
          userId: r.user_id,
          amr: amrOf(r.amr),
          authTime: Number(r.auth_time),
          passId: r.pass_id,
          createdAt: new Date(Number(r.created_at)),
          idleExpiresAt: new Date(Number(r.idle_expires_at)),
          absoluteExpiresAt: new Date(Number(r.absolute_expires_at)),
        }
      );
    },

    /** Moves the idle expiry (the caller caps it at the absolute expiry). */
    async updateIdleExpiry(idHash: string, idleExpiresAt: Date): Promise<void> {
      await db
        .updateTable('my_sessions')
        .set({ idle_expires_at: idleExpiresAt.getTime() })
        .where('id_hash', '=', idHash)
        .execute();
    },

    async deleteSession(idHashes: string[]): Promise<number> {
      if (idHashes.length === 0) return 0;
      const result = await db.deleteFrom('my_sessions').where('id_hash', 'in', idHashes).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /**
     * After the user's pass was retired by a registration: the session that registered rests on the new method (its
     * amr, no pass), and every other session the pass started ends.
     */
    async rebaseOnRetiredPass(passId: string, keep: { idHash: string; amr: string[] } | undefined): Promise<void> {
      if (keep)
        await db
          .updateTable('my_sessions')
          .set({ amr: JSON.stringify(keep.amr), pass_id: null })
          .where('id_hash', '=', keep.idHash)
          .where('pass_id', '=', passId)
          .execute();
      await db.deleteFrom('my_sessions').where('pass_id', '=', passId).execute();
    },

    /** Every /my session of the user (sign out everywhere, an administrator's revoke, password reset, disable). */
    async deleteSessionsOfUser(userId: string): Promise<number> {
      const result = await db.deleteFrom('my_sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async countSessionsOfUser(userId: string): Promise<number> {
      const r = await db
        .selectFrom('my_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** For the sweeper: rows past their idle expiry (which never exceeds the absolute one). */
    async deleteExpiredSessions(now: Date): Promise<number> {
      const result = await db
        .deleteFrom('my_sessions')
        .where('idle_expires_at', '<=', now.getTime())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
