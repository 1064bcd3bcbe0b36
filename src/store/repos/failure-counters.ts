// Failed-attempt counters shared by every process: one atomic statement per change, never read-modify-write.

import { sql, type SqlBool } from 'kysely';
import { type DbOrTx, isPostgres } from '../db.js';
import { first, prepared } from '../prepared.js';

/**
 * The key starts with exactly this text. Not LIKE: keys hold user-typed names' hashes and ids in which `_` and `%`
 * would be wildcards, and SQLite's LIKE ignores case where PostgreSQL's does not; a substring compare means the same
 * on both stores. The byte-order range before it lets the primary key's index find the rows, where the substring
 * compare alone read the whole table at every completed sign-in: keys are ASCII, and every key that starts with the
 * prefix sorts between it and `upperOf(prefix)`. PostgreSQL compares in byte order only under the "C" collation,
 * which migration 0016 indexes.
 */
const startsWith = (postgres: boolean, prefix: unknown, upper: unknown, length: unknown) => {
  const key = postgres ? sql`${sql.ref('key')} collate "C"` : sql.ref('key');
  const bytes = (v: unknown) => (postgres ? sql`${v} collate "C"` : sql`${v}`);
  return sql<SqlBool>`(${key} >= ${bytes(prefix)} and ${key} < ${bytes(upper)} and substr(${sql.ref('key')}, 1, ${length}) = ${prefix})`;
};
const upperOf = (prefix: string) => `${prefix}\u{10FFFF}`;
const startsWithText = (postgres: boolean, prefix: string) =>
  startsWith(postgres, prefix, upperOf(prefix), prefix.length);

export interface CounterValue {
  key: string;
  failures: number;
  /** The last failure that was actually checked and wrong (an increment in flight does not move it). */
  lastFailureAt: Date;
}

// Every factor a sign-in checks counts an attempt and gives it back: compiled once.
const incrementQuery = prepared((db, p: { key: string; now: number; staleBefore: number; expiresAt: number }) =>
  db
    .insertInto('failure_counters')
    .values({ key: p.key, failures: 1, last_failure_at: p.now, expires_at: p.expiresAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when failure_counters.last_failure_at < ${p.staleBefore} then 1 else failure_counters.failures + 1 end`,
        last_failure_at: sql<number>`case when failure_counters.last_failure_at < ${p.staleBefore} then ${p.now} else failure_counters.last_failure_at end`,
        expires_at: p.expiresAt,
      }),
    )
    .returning(['key', 'failures', 'last_failure_at']),
);
const giveBackQuery = prepared((db, p: { key: string }) =>
  db
    .updateTable('failure_counters')
    .set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
    .where('key', '=', p.key),
);

// Every completed sign-in clears the user's counters.
const deleteKeysAndPrefixesQuery = prepared(
  (db, p: { keys: string[]; prefixes: string[]; uppers: string[]; lengths: number[] }) =>
    db
      .deleteFrom('failure_counters')
      .where((eb) =>
        eb.or([
          eb('key', 'in', p.keys),
          ...p.prefixes.map((prefix, i) => startsWith(isPostgres(db), prefix, p.uppers[i], p.lengths[i])),
        ]),
      ),
);

export function createFailureCountersRepo(db: DbOrTx) {
  const postgres = isPostgres(db);
  return {
    /**
     * Counts one more attempt BEFORE its credential is checked, in one statement, and returns the new count with
     * the time of the last real failure. A counter whose last failure is older than `staleBefore` restarts at 1.
     * Concurrent callers each get a distinct count, so no race lets extra guesses through.
     */
    async incrementAttempt(key: string, now: number, staleBefore: number, expiresAt: number): Promise<CounterValue> {
      const row = first(await incrementQuery(db, { key, now, staleBefore, expiresAt }));
      if (!row) throw new Error('failure counter: the upsert returned no row');
      return { key: row.key, failures: Number(row.failures), lastFailureAt: new Date(Number(row.last_failure_at)) };
    },

    /** Gives an attempt back (it succeeded, or was refused without checking anything). Never below zero. */
    async giveBack(key: string): Promise<void> {
      await giveBackQuery(db, { key });
    },

    /** The attempt was checked and wrong: the back-off runs from now. */
    async markFailed(key: string, now: number): Promise<void> {
      await db.updateTable('failure_counters').set({ last_failure_at: now }).where('key', '=', key).execute();
    },

    async deleteCounters(keys: string[]): Promise<void> {
      if (keys.length > 0) await db.deleteFrom('failure_counters').where('key', 'in', keys).execute();
    },

    /** The named counters and every counter under one of the prefixes, in one statement. */
    async deleteCountersAndPrefixes(keys: string[], prefixes: string[]): Promise<void> {
      if (keys.length === 0 && prefixes.length === 0) return;
      // The shape every completed sign-in uses, compiled once; any other in one statement all the same.
      if (keys.length > 0 && prefixes.length > 0) {
        await deleteKeysAndPrefixesQuery(db, {
          keys,
          prefixes,
          uppers: prefixes.map(upperOf),
          lengths: prefixes.map((p) => p.length),
        });
        return;
      }
      await db
        .deleteFrom('failure_counters')
        .where((eb) =>
          eb.or([
            ...(keys.length > 0 ? [eb('key', 'in', keys)] : []),
            ...prefixes.map((p) => startsWithText(postgres, p)),
          ]),
        )
        .execute();
    },

    async deleteCountersWithPrefix(prefix: string): Promise<number> {
      const r = await db.deleteFrom('failure_counters').where(startsWithText(postgres, prefix)).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async listCountersWithPrefix(prefix: string): Promise<CounterValue[]> {
      const rows = await db
        .selectFrom('failure_counters')
        .selectAll()
        .where(startsWithText(postgres, prefix))
        .orderBy('key')
        .execute();
      return rows.map(toCounter);
    },

    async findCounter(key: string): Promise<CounterValue | undefined> {
      const row = await db.selectFrom('failure_counters').selectAll().where('key', '=', key).executeTakeFirst();
      return row && toCounter(row);
    },
  };
}

function toCounter(r: { key: string; failures: number | string; last_failure_at: number | string }): CounterValue {
  return { key: r.key, failures: Number(r.failures), lastFailureAt: new Date(Number(r.last_failure_at)) };
}
