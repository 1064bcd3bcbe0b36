// Hot queries built and compiled once: Kysely builds a query's operation tree, freezes it and compiles it to SQL on
// every call, which costs more than SQLite takes to run most of ours (a sign-in runs ~60 statements). A prepared
// query is built once per dialect with stand-in values, its SQL kept, and each call runs that SQL with its own values
// put where the stand-ins were (better-sqlite3 then reuses its statement: db.ts caches them by SQL).
//
// SQLite (3.54, as better-sqlite3 13 bundles it) re-prepares a cached statement that joins two tables and binds a
// value, at every run (perf shows sqlite3_step calling sqlite3Reprepare each time), which costs more than the run: a
// two-table join by a bound key took 8 µs, the same read as a subquery 2 µs, measured on 2026-12-05. The hot queries
// that would join use a subquery instead (`where x = (select …)`), which is not re-prepared. A bound LIMIT is
// re-prepared too (the planner reads its value): a read by primary key with `limit ?` took 16 µs, with `limit 1`
// 6 µs; every LIMIT is therefore written into the SQL as a number (`rowLimit`).

import { type RawBuilder, sql } from 'kysely';
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { type DbOrTx, sqliteDirect } from './db.js';

/** What a query takes: named values, an array for an `in (…)` list (one compiled query per list length). */
type Params = Record<string, unknown>;

/** A value the built query must not read: it only stands where the call's value will go. */
const STAND_IN = '\u0000gatepass-param\u0000';

type Slot = { name: string; index?: number } | { constant: unknown };

interface Compiled {
  sql: CompiledQuery;
  slots: Slot[];
}

/** The shape (list lengths) that selects the compiled query: '' for a query without lists, most of ours. */
function shapeOf(params: Params): string {
  let shape = '';
  for (const name in params) {
    const value = params[name];
    if (Array.isArray(value)) shape += `${name}:${value.length};`;
  }
  return shape;
}

function standInsOf(params: Params): Params {
  const standIns: Params = {};
  for (const [name, value] of Object.entries(params))
    standIns[name] = Array.isArray(value) ? value.map((_, i) => `${STAND_IN}${name}\u0000${i}`) : `${STAND_IN}${name}`;
  return standIns;
}

function slotOf(parameter: unknown): Slot {
  if (typeof parameter !== 'string' || !parameter.startsWith(STAND_IN)) return { constant: parameter };
  const [name, index] = parameter.slice(STAND_IN.length).split('\u0000') as [string, string | undefined];
  return index === undefined ? { name } : { name, index: Number(index) };
}

/**
 * A query compiled once per dialect and list shape. `build` must not look at its values (they are stand-ins): every
 * value goes into the query as a parameter, and the same tree comes out whatever the values. Column names, operators
 * and constants stay in the builder. A value that never reaches a parameter is refused when the query is compiled.
 */
export function prepared<P extends Params, R>(build: (db: DbOrTx, params: P) => Compilable<R>) {
  // Keyed by the dialect's adapter: the root handle and its transactions share one, and SQL differs by dialect.
  const byAdapter = new WeakMap<object, Map<string, Compiled>>();

  function compiledFor(db: DbOrTx, params: P): Compiled {
    const adapter = db.getExecutor().adapter;
    let shapes = byAdapter.get(adapter);
    if (!shapes) byAdapter.set(adapter, (shapes = new Map()));
    const shape = shapeOf(params);
    let compiled = shapes.get(shape);
    if (!compiled) {
      const sql = build(db, standInsOf(params) as P).compile();
      const slots = sql.parameters.map(slotOf);
      const used = new Set(slots.map((s) => ('name' in s ? `${s.name}\u0000${s.index ?? ''}` : '')));
      for (const [name, value] of Object.entries(params)) {
        const keys = Array.isArray(value) ? value.map((_, i) => `${name}\u0000${i}`) : [`${name}\u0000`];
        if (!keys.every((k) => used.has(k))) throw new Error(`prepared query: the value ${name} is not a parameter`);
      }
      compiled = { sql, slots };
      shapes.set(shape, compiled);
    }
    return compiled;
  }

  return async (db: DbOrTx, params: P): Promise<QueryResult<R>> => {
    const { sql, slots } = compiledFor(db, params);
    const parameters = slots.map((s) => {
      if ('constant' in s) return s.constant;
      const value = params[s.name];
      return s.index === undefined ? value : (value as unknown[])[s.index];
    });
    const query = { ...sql, parameters };
    return sqliteDirect(db)?.run<R>(query) ?? db.executeQuery<R>(query);
  };
}

/**
 * A LIMIT written into the SQL rather than bound, so that SQLite does not re-prepare the statement at each run (see
 * above). Only a whole number is written: anything else is a programming error, never user text.
 */
export function rowLimit(count: number): RawBuilder<number> {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`row limit must be a whole number, got ${count}`);
  return sql.lit(count);
}

/** The first row, or undefined. */
export const first = <R>(result: QueryResult<R>): R | undefined => result.rows[0];

/** Rows an update or delete changed. */
export const changed = (result: QueryResult<unknown>): number => Number(result.numAffectedRows ?? 0n);
