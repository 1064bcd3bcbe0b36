// "This wasn't me" notices: one per mail to the account holder, found by the keyed hash of its link's token.

import type { DbOrTx } from '../db.js';

export interface PassNotice {
  id: string;
  tokenHash: string;
  userId: string;
  passId: string;
  kind: 'issued' | 'first_used';
  issuerDisplayName: string;
  issuerRole: string;
  passStartAt: Date;
  passEndAt: Date;
  createdAt: Date;
  expiresAt: Date;
  disputedAt: Date | null;
}

type Row = {
  id: string;
  token_hash: string;
  user_id: string;
  pass_id: string;
  kind: string;
  issuer_display_name: string;
  issuer_role: string;
  pass_start_at: number;
  pass_end_at: number;
  created_at: number;
  expires_at: number;
  disputed_at: number | null;
};

const toNotice = (r: Row): PassNotice => ({
  id: r.id,
  tokenHash: r.token_hash,
  userId: r.user_id,
  passId: r.pass_id,
  kind: r.kind as PassNotice['kind'],
  issuerDisplayName: r.issuer_display_name,
  issuerRole: r.issuer_role,
  passStartAt: new Date(Number(r.pass_start_at)),
  passEndAt: new Date(Number(r.pass_end_at)),
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
  disputedAt: r.disputed_at === null ? null : new Date(Number(r.disputed_at)),
});

export function createPassNoticesRepo(db: DbOrTx) {
  return {
    async insertNotice(n: Omit<PassNotice, 'disputedAt'>): Promise<void> {
      await db
        .insertInto('pass_notices')
        .values({
          id: n.id,
          token_hash: n.tokenHash,
          user_id: n.userId,
          pass_id: n.passId,
          kind: n.kind,
          issuer_display_name: n.issuerDisplayName,
          issuer_role: n.issuerRole,
          pass_start_at: n.passStartAt.getTime(),
          pass_end_at: n.passEndAt.getTime(),
          created_at: n.createdAt.getTime(),
          expires_at: n.expiresAt.getTime(),
          disputed_at: null,
        })
        .execute();
    },

    /** `hashes`: the token's keyed hash under every key held (a key rotation keeps old links working). */
    async findNoticeByTokenHash(hashes: string[]): Promise<PassNotice | undefined> {
      if (hashes.length === 0) return undefined;
      const row = await db.selectFrom('pass_notices').selectAll().where('token_hash', 'in', hashes).executeTakeFirst();
      return row && toNotice(row);
    },

    async findNotice(id: string): Promise<PassNotice | undefined> {
      const row = await db.selectFrom('pass_notices').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toNotice(row);
    },

    /** The user's notices whose link still works, newest first (shown on /my). */
    async listOpenNoticesOfUser(userId: string, now: Date): Promise<PassNotice[]> {
      const rows = await db
        .selectFrom('pass_notices')
        .selectAll()
        .where('user_id', '=', userId)
        .where('disputed_at', 'is', null)
        .where('expires_at', '>', now.getTime())
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toNotice);
    },

    /**
     * Marks every notice of the pass disputed, once: true only for the call that did it, so a second click (or a
     * race of two) finds nothing left to dispute.
     */
    async consumeNoticesOfPass(passId: string, now: Date): Promise<boolean> {
      const res = await db
        .updateTable('pass_notices')
        .set({ disputed_at: now.getTime() })
        .where('pass_id', '=', passId)
        .where('disputed_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}
