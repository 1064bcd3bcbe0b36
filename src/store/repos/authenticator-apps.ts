// Authenticator apps (table software_oath_methods): the secret only as ciphertext; acceptance of a code is one
// conditional update.

import type { Selectable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { prepared, rowLimit } from '../prepared.js';
import type { SoftwareOathMethodsTable } from '../schema.js';

export interface AuthenticatorAppRecord {
  id: string;
  userId: string;
  secretCiphertext: string;
  displayName: string;
  createdAt: Date;
  lastUsedStep: number | null;
  lastUsedAt: Date | null;
}

function toRecord(r: Selectable<SoftwareOathMethodsTable>): AuthenticatorAppRecord {
  return {
    id: r.id,
    userId: r.user_id,
    secretCiphertext: r.secret_ciphertext,
    displayName: r.display_name,
    createdAt: new Date(Number(r.created_at)),
    lastUsedStep: r.last_used_step === null ? null : Number(r.last_used_step),
    lastUsedAt: r.last_used_at === null ? null : new Date(Number(r.last_used_at)),
  };
}

// Asked by every sign-in step.
const hasAnyQuery = prepared((db, p: { userId: string }) =>
  db.selectFrom('software_oath_methods').select('id').where('user_id', '=', p.userId).limit(rowLimit(1)),
);

export function createAuthenticatorAppsRepo(db: DbOrTx) {
  return {
    async listOfUser(userId: string): Promise<AuthenticatorAppRecord[]> {
      const rows = await db
        .selectFrom('software_oath_methods')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    /** Whether the user has an app at all (every sign-in step asks; no ciphertext is read). */
    async hasAny(userId: string): Promise<boolean> {
      return (await hasAnyQuery(db, { userId })).rows.length > 0;
    },

    async find(userId: string, id: string): Promise<AuthenticatorAppRecord | undefined> {
      const r = await db
        .selectFrom('software_oath_methods')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toRecord(r);
    },

    async insert(m: AuthenticatorAppRecord): Promise<void> {
      await db
        .insertInto('software_oath_methods')
        .values({
          id: m.id,
          user_id: m.userId,
          secret_ciphertext: m.secretCiphertext,
          display_name: m.displayName,
          created_at: m.createdAt.getTime(),
          last_used_step: m.lastUsedStep,
          last_used_at: m.lastUsedAt?.getTime() ?? null,
        })
        .execute();
    },

    /**
     * Accepts time step `step` for method `id` only if no code of that step or a later one was accepted before, in
     * ONE statement: of concurrent submissions of one code, across processes, exactly one succeeds.
     */
    async acceptStep(id: string, step: number, now: number): Promise<boolean> {
      const result = await db
        .updateTable('software_oath_methods')
        .set({ last_used_step: step, last_used_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async delete(userId: string, id: string): Promise<AuthenticatorAppRecord | undefined> {
      const r = await db
        .deleteFrom('software_oath_methods')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r && toRecord(r);
    },
  };
}
