// Runs the migrations, then a caller's bootstrap, under a lock shared by every process on the same store
// (a PostgreSQL advisory lock; on SQLite an exclusive transaction on a lock file beside the database), so that
// processes starting together on an empty store neither break the migrations nor bootstrap twice.

import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { Db, Store } from './db.js';

const PG_LOCK_KEY = 0x6761_7465; // "gate"

export interface MigrateOutcome {
  applied: string[];
}

async function runMigrations(db: Kysely<Database>): Promise<MigrateOutcome> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Migrates the store and runs `bootstrap` while holding the store-wide lock. */
export async function migrateAndBootstrap<T>(
  store: Store,
  bootstrap: (db: Db) => Promise<T>,
): Promise<MigrateOutcome & { bootstrap: T }> {
  if (store.dialect === 'postgres') {
    return store.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${sql.lit(PG_LOCK_KEY)})`.execute(conn);
      try {
        const outcome = await runMigrations(conn);
        return { ...outcome, bootstrap: await bootstrap(conn) };
      } finally {
        await sql`select pg_advisory_unlock(${sql.lit(PG_LOCK_KEY)})`.execute(conn);
      }
    });
  }
  const lock = new SQLite(`${store.sqliteFile}.lock`, { timeout: 60_000 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
    const outcome = await runMigrations(store.db);
    return { ...outcome, bootstrap: await bootstrap(store.db) };
  } finally {
    if (lock.inTransaction) lock.exec('COMMIT');
    lock.close();
  }
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const list = await migrator.getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
