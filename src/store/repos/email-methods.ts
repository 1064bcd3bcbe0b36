// A user's verified notification email (Graph emailAuthenticationMethod): zero or one per user.

import type { DbOrTx } from '../db.js';

export interface EmailMethod {
  id: string;
  userId: string;
  emailAddress: string;
  createdAt: Date;
}

const toMethod = (r: { id: string; user_id: string; email_address: string; created_at: number }): EmailMethod => ({
  id: r.id,
  userId: r.user_id,
  emailAddress: r.email_address,
  createdAt: new Date(Number(r.created_at)),
});

export function createEmailMethodsRepo(db: DbOrTx) {
  return {
    async findEmailMethodOfUser(userId: string): Promise<EmailMethod | undefined> {
      const row = await db.selectFrom('email_methods').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return row && toMethod(row);
    },

    async insertEmailMethod(m: EmailMethod): Promise<void> {
      await db
        .insertInto('email_methods')
        .values({ id: m.id, user_id: m.userId, email_address: m.emailAddress, created_at: m.createdAt.getTime() })
        .execute();
    },

    async updateEmailAddress(id: string, emailAddress: string): Promise<void> {
      await db.updateTable('email_methods').set({ email_address: emailAddress }).where('id', '=', id).execute();
    },

    async deleteEmailMethod(id: string, userId: string): Promise<EmailMethod | undefined> {
      const found = await db
        .selectFrom('email_methods')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!found) return undefined;
      await db.deleteFrom('email_methods').where('id', '=', id).execute();
      return toMethod(found);
    },
  };
}
