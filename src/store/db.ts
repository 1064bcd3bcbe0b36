// Opens the store: SQLite (a file under the data directory) or PostgreSQL (DATABASE_URL), behind one Kysely type.

import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  type QueryResult,
  SqliteDialect,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A repository runs on the root handle or inside a caller's transaction. */
export type DbOrTx = Db | Tx;

export interface StoreOptions {
  dialect: 'sqlite' | 'postgres';
  /** SQLite file path, or PostgreSQL connection URL. */
  location: string;
  poolSize?: number;
}

export interface Store {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** SQLite only: the file path, for backups and the lock file. */
  sqliteFile?: string;
  /** SQLite only: the raw handle, for online backup. */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

// The PostgreSQL driver is required only when DATABASE_URL asks for it: a server on SQLite never loads it (about
// 10 MiB resident). It is CommonJS, so a synchronous require keeps openStore synchronous.
const requirePg = (): typeof pg => createRequire(import.meta.url)('pg') as typeof pg;

// pg returns int8 (our millisecond timestamps) as strings by default; they fit a JS number exactly.
const pgTypesOf = (driver: typeof pg) => ({
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? (v: string) => Number(v)
      : driver.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
});

export function sqliteFileIn(dataDir: string): string {
  return path.join(dataDir, 'gatepass.db');
}

/**
 * better-sqlite3 with a cache of prepared statements: Kysely prepares every query afresh, and preparing costs more
 * than running most of ours. Statements are reusable and SQLite re-prepares them itself after a schema change.
 */
function withStatementCache(sqlite: SQLite.Database, size = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // re-inserted below: the Map's order is the recency order
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

/**
 * Runs a compiled statement on SQLite at once, without Kysely's connection lock, when no transaction holds the one
 * connection: better-sqlite3 is synchronous, so nothing can interleave with the statement, and outside a
 * transaction it reads and writes exactly what a locked run would. Inside one (another request's, between its
 * awaits) `run` returns undefined and the caller queues behind the lock as usual, so nobody reads uncommitted rows.
 */
export interface SqliteDirect {
  run<R>(query: CompiledQuery): QueryResult<R> | undefined;
}

const sqliteDirectOf = new WeakMap<object, SqliteDirect>();

/** The direct runner of a root SQLite handle; undefined for PostgreSQL and for a transaction's handle. */
export const sqliteDirect = (db: DbOrTx): SqliteDirect | undefined => sqliteDirectOf.get(db);

function directRunner(sqlite: SQLite.Database, cached: SqliteDatabase): SqliteDirect {
  return {
    run<R>(query: CompiledQuery): QueryResult<R> | undefined {
      if (sqlite.inTransaction) return undefined;
      const stmt = cached.prepare(query.sql) as unknown as SQLite.Statement;
      if (stmt.reader) return { rows: stmt.all(query.parameters) as R[] };
      const { changes, lastInsertRowid } = stmt.run(query.parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    },
  };
}

export function openStore(options: StoreOptions): Store {
  if (options.dialect === 'sqlite') {
    mkdirSync(path.dirname(options.location), { recursive: true, mode: 0o700 });
    const sqlite = new SQLite(options.location, { timeout: 15_000 });
    chmodSync(options.location, 0o600); // its -wal and -shm files inherit this mode
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 15000');
    const cached = withStatementCache(sqlite);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
    sqliteDirectOf.set(db, directRunner(sqlite, cached));
    return { db, dialect: 'sqlite', sqliteFile: options.location, sqlite, close: () => db.destroy() };
  }
  const driver = requirePg();
  const pool = new driver.Pool({
    connectionString: options.location,
    max: options.poolSize ?? 10,
    types: pgTypesOf(driver),
    // A server that stops answering (a network cut) fails a request with a 503 after this, instead of holding it.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // Nor may a checked-out client's: the pool listens only to idle ones, and a connection cut between two statements
  // of a transaction is reported by pg as an 'error' event, which unheard ends the process. The statement in flight
  // fails with the same error, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Whether a handle (root or transaction) speaks to PostgreSQL, for the few statements whose SQL differs. */
export const isPostgres = (db: { getExecutor(): { adapter: unknown } }): boolean =>
  db.getExecutor().adapter instanceof PostgresAdapter;

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string } | undefined;
  return (
    err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

export function isForeignKeyViolation(e: unknown): boolean {
  const err = e as { code?: string } | undefined;
  return err?.code === '23503' || err?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Both dialects store booleans as 0/1 integers. */
export const bool = (v: number | boolean | null | undefined): boolean => v === 1 || v === true;
export const int = (v: boolean): number => (v ? 1 : 0);
