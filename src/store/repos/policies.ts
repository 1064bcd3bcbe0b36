// Tenant-wide policies (security defaults, later the authentication methods policy…), stored as versioned JSON.
// Readers always read the row, so a change made through one process holds at once in all.

import type { DbOrTx } from '../db.js';
import { prepared } from '../prepared.js';

export interface StoredPolicy<T> {
  value: T;
  version: number;
  updatedAt: number;
}

// Every step of every sign-in reads the policies in force.
const findQuery = prepared((db, p: { ids: string[] }) =>
  db.selectFrom('policies').selectAll().where('id', 'in', p.ids),
);

export function createPoliciesRepo(db: DbOrTx) {
  return {
    async findPolicy<T>(id: string): Promise<StoredPolicy<T> | undefined> {
      const row = await db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? { value: JSON.parse(row.value) as T, version: row.version, updatedAt: row.updated_at } : undefined;
    },

    /** Several policies in one statement, by id (absent ones are missing from the map). */
    async findPolicies(ids: string[]): Promise<Map<string, StoredPolicy<unknown>>> {
      const rows = ids.length > 0 ? (await findQuery(db, { ids })).rows : [];
      return new Map(
        rows.map((row) => [
          row.id,
          { value: JSON.parse(row.value) as unknown, version: row.version, updatedAt: row.updated_at },
        ]),
      );
    },

    async insertPolicyIfAbsent<T>(id: string, value: T, now: number): Promise<void> {
      await db
        .insertInto('policies')
        .values({ id, value: JSON.stringify(value), version: 1, updated_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    /** Replaces the value and bumps the version; returns the new version. */
    async updatePolicy<T>(id: string, value: T, now: number): Promise<number> {
      const row = await db
        .updateTable('policies')
        .set((eb) => ({ value: JSON.stringify(value), version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .returning('version')
        .executeTakeFirst();
      if (row) return row.version;
      await db
        .insertInto('policies')
        .values({ id, value: JSON.stringify(value), version: 1, updated_at: now })
        .execute();
      return 1;
    },
  };
}
