// A user's sign-in state in the OIDC store: ending it deletes every session, grant, code and token bound to the user.

import type { DbOrTx } from '../db.js';

export function createSessionsRepo(db: DbOrTx) {
  return {
    /**
     * Deletes every oidc_payloads row whose account_id is the user (Session, AccessToken, RefreshToken,
     * AuthorizationCode, Grant, Interaction…): one statement, so a refresh racing with it either ran
     * before (and its new token is deleted here) or finds nothing. Returns the number of rows removed.
     */
    async deleteOidcPayloadsOfAccount(userId: string): Promise<number> {
      const result = await db.deleteFrom('oidc_payloads').where('account_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async countOidcPayloadsOfAccount(userId: string): Promise<number> {
      const r = await db
        .selectFrom('oidc_payloads')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
