// Pending notification-email registrations (migration 0021): one per user. Both counters change in one conditional
// statement each, so parallel requests cannot send more codes, or check more guesses, than allowed.

import { sql } from 'kysely';
import type { DbOrTx } from '../db.js';

export interface PendingEmail {
  emailAddress: string;
  codeHash: string;
}

export function createEmailVerificationsRepo(db: DbOrTx) {
  return {
    /**
     * Stores a new code for `emailAddress`, replacing any pending one, if the user has had fewer than `maxCodes`
     * codes in the current window (which starts afresh once `windowMs` has passed). False: too many codes.
     */
    async beginVerification(p: {
      userId: string;
      emailAddress: string;
      codeHash: string;
      expiresAt: Date;
      now: Date;
      windowMs: number;
      maxCodes: number;
    }): Promise<boolean> {
      const now = p.now.getTime();
      const windowOver = sql<boolean>`email_verifications.window_started_at <= ${now - p.windowMs}`;
      const row = await db
        .insertInto('email_verifications')
        .values({
          user_id: p.userId,
          email_address: p.emailAddress,
          code_hash: p.codeHash,
          expires_at: p.expiresAt.getTime(),
          failed_attempts: 0,
          codes_sent: 1,
          window_started_at: now,
        })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({
              email_address: p.emailAddress,
              code_hash: p.codeHash,
              expires_at: p.expiresAt.getTime(),
              failed_attempts: 0,
              codes_sent: sql`CASE WHEN ${windowOver} THEN 1 ELSE email_verifications.codes_sent + 1 END`,
              window_started_at: sql`CASE WHEN ${windowOver} THEN ${now} ELSE email_verifications.window_started_at END`,
            })
            .where((eb) => eb.or([windowOver, eb('email_verifications.codes_sent', '<', p.maxCodes)])),
        )
        .returning('user_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** The address a live code waits for. */
    async pendingAddress(userId: string, now: Date): Promise<string | undefined> {
      const row = await db
        .selectFrom('email_verifications')
        .select('email_address')
        .where('user_id', '=', userId)
        .where('expires_at', '>', now.getTime())
        .executeTakeFirst();
      return row?.email_address;
    },

    /** When the current window lets the user have codes again (for the refusal's "try again after"). */
    async codesAllowedAgainAt(userId: string, windowMs: number): Promise<Date | undefined> {
      const row = await db
        .selectFrom('email_verifications')
        .select('window_started_at')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && new Date(Number(row.window_started_at) + windowMs);
    },

    /**
     * Counts one guess against the user's live code, before it is checked, and returns what to check it against;
     * undefined when there is no live code or its guesses are spent (see why()).
     */
    async countGuess(userId: string, now: Date, maxWrong: number): Promise<PendingEmail | undefined> {
      const row = await db
        .updateTable('email_verifications')
        .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
        .where('user_id', '=', userId)
        .where('expires_at', '>', now.getTime())
        .where('failed_attempts', '<', maxWrong)
        .returning(['email_address', 'code_hash'])
        .executeTakeFirst();
      return row && { emailAddress: row.email_address, codeHash: row.code_hash };
    },

    /** Why countGuess found nothing: no code asked for, the code expired (or was used), or too many wrong guesses. */
    async why(userId: string, now: Date): Promise<'none' | 'expired' | 'tooManyGuesses'> {
      const row = await db
        .selectFrom('email_verifications')
        .select(['expires_at'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return 'none';
      return Number(row.expires_at) <= now.getTime() ? 'expired' : 'tooManyGuesses';
    },

    /**
     * Uses the code up (in the registration's transaction), keeping the send counters: true for the one request that
     * did, so two right answers racing register once.
     */
    async useCode(userId: string, codeHash: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('email_verifications')
        .set({ expires_at: 0 })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('expires_at', '>', now.getTime())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
