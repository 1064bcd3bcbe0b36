// Which driver errors mean "the store is unavailable right now" rather than "this request is wrong" or "a bug": the
// only place that knows what pg and better-sqlite3 throw when the database is gone, locked, read-only or full. The
// error handlers answer these with 503 and Retry-After, so a client retries instead of reporting a fault.

import { sql } from 'kysely';
import type { Db } from './db.js';

/** Socket errors of the connection to PostgreSQL. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: connection exceptions (class 08), insufficient resources (class 53:
 * disk full, out of memory, too many connections), operator intervention (57P01–57P03: shutting down, cannot connect
 * now), system errors (58: I/O), and a read-only server (25006, e.g. a standby after fail-over).
 */
const PG_UNAVAILABLE_STATE = /^(08|53|57P0[1-3]|58)|^25006$/;

/** better-sqlite3's extended result codes: locked by another process, a read-only file, a full disk, an I/O error. */
const SQLITE_UNAVAILABLE_CODE = /^SQLITE_(BUSY|LOCKED|READONLY|FULL|IOERR|CANTOPEN|PROTOCOL)(_|$)/;

/** What pg and better-sqlite3 throw without a code when the connection is gone. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|The database connection is not open)/;

function isUnavailableOne(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLITE_UNAVAILABLE_CODE.test(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && PG_UNAVAILABLE_STATE.test(code)) return true;
  }
  return UNAVAILABLE_MESSAGE.test(error.message);
}

/** True when `error`, or an error it wraps (`cause`, or an AggregateError's errors), says the store is unavailable. */
export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 8 || error === null || typeof error !== 'object') return false;
  if (isUnavailableOne(error)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isStoreUnavailable(e, depth + 1))) return true;
  return isStoreUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Throws when the store cannot take a write right now: a write transaction that changes nothing, so a read-only
 * SQLite file, a lock held elsewhere, a full disk or a read-only PostgreSQL standby show up, not only a lost
 * connection (which a read would show as well).
 */
export async function probeWritable(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`update kysely_migration set name = name where 1 = 0`.execute(trx);
  });
}
