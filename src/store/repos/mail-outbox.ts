// The mail outbox: rows written in the caller's transaction, claimed one at a time by a conditional update (safe
// with several senders on one database, on both dialects), then marked sent, retried later, or failed.

import type { DbOrTx } from '../db.js';
import { rowLimit } from '../prepared.js';

export interface OutboxMail {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  sealedBody: string;
  passId: string | null;
  userId: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

type Row = {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  sealed_body: string;
  pass_id: string | null;
  user_id: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
};

const toMail = (r: Row): OutboxMail => ({
  id: r.id,
  kind: r.kind,
  recipient: r.recipient,
  subject: r.subject,
  sealedBody: r.sealed_body,
  passId: r.pass_id,
  userId: r.user_id,
  status: r.status as OutboxMail['status'],
  attempts: Number(r.attempts),
  nextAttemptAt: new Date(Number(r.next_attempt_at)),
  lastError: r.last_error,
  createdAt: new Date(Number(r.created_at)),
  sentAt: r.sent_at === null ? null : new Date(Number(r.sent_at)),
});

export type NewOutboxMail = Pick<
  OutboxMail,
  'id' | 'kind' | 'recipient' | 'subject' | 'sealedBody' | 'passId' | 'userId' | 'createdAt'
>;

export function createMailOutboxRepo(db: DbOrTx) {
  return {
    async insertMail(m: NewOutboxMail): Promise<void> {
      await db
        .insertInto('mail_outbox')
        .values({
          id: m.id,
          kind: m.kind,
          recipient: m.recipient,
          subject: m.subject,
          sealed_body: m.sealedBody,
          pass_id: m.passId,
          user_id: m.userId,
          status: 'pending',
          attempts: 0,
          next_attempt_at: m.createdAt.getTime(),
          last_error: null,
          created_at: m.createdAt.getTime(),
          sent_at: null,
        })
        .execute();
    },

    async findMail(id: string): Promise<OutboxMail | undefined> {
      const row = await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toMail(row);
    },

    async listMailOfPass(passId: string): Promise<OutboxMail[]> {
      const rows = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('pass_id', '=', passId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toMail);
    },

    /**
     * Claims up to `limit` due mails: each is taken only if its attempt time is still the one read, moved forward by
     * `leaseMs` and its attempt counted in the same statement, so two senders never take the same mail.
     */
    async claimDueMail(now: Date, leaseMs: number, limit: number): Promise<OutboxMail[]> {
      const due = await db
        .selectFrom('mail_outbox')
        .select(['id', 'next_attempt_at'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now.getTime())
        .orderBy('next_attempt_at')
        .limit(rowLimit(limit))
        .execute();
      const claimed: OutboxMail[] = [];
      for (const d of due) {
        const res = await db
          .updateTable('mail_outbox')
          .set((eb) => ({ next_attempt_at: now.getTime() + leaseMs, attempts: eb('attempts', '+', 1) }))
          .where('id', '=', d.id)
          .where('status', '=', 'pending')
          .where('next_attempt_at', '=', Number(d.next_attempt_at))
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) continue;
        const mail = await this.findMail(d.id);
        if (mail) claimed.push(mail);
      }
      return claimed;
    },

    async markSent(id: string, now: Date): Promise<void> {
      await db
        .updateTable('mail_outbox')
        .set({ status: 'sent', sent_at: now.getTime(), last_error: null })
        .where('id', '=', id)
        .execute();
    },

    async scheduleRetry(id: string, at: Date, error: string): Promise<void> {
      await db
        .updateTable('mail_outbox')
        .set({ next_attempt_at: at.getTime(), last_error: error })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async markFailed(id: string, error: string): Promise<void> {
      await db.updateTable('mail_outbox').set({ status: 'failed', last_error: error }).where('id', '=', id).execute();
    },
  };
}
