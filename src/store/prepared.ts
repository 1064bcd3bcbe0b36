// The hot queries of a sign-in and of the token endpoint, built and compiled once per dialect and then run with each
// call's values. Kysely otherwise rebuilds and recompiles a query's operation tree on every call, and a profile of
// the sign-in benchmark put that above the time SQLite takes to run most of our statements.
//
// A prepared query's builder receives placeholders instead of values. Each placeholder compiles to an ordinary bound
// parameter, and the values are swapped in at every call, so a prepared query is still fully parameterized: nothing a
// caller passes is ever part of the SQL text.

import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { DbOrTx } from './db.js';

const SLOT = Symbol('prepared query placeholder');

/** Stands for argument `arg` (or element `item` of an array argument) while the query compiles. */
interface Placeholder {
  readonly [SLOT]: true;
  readonly arg: number;
  readonly item: number | null;
}

const isPlaceholder = (v: unknown): v is Placeholder => typeof v === 'object' && v !== null && SLOT in v;

/** The placeholder of argument `k`: typed as the argument, so the builder type-checks as with real values. */
export type Arg<A extends readonly unknown[]> = <K extends number & keyof A>(k: K) => A[K];

function placeholderFor(arg: number, value: unknown): unknown {
  if (Array.isArray(value))
    return value.map((_, item): Placeholder => Object.freeze({ [SLOT]: true as const, arg, item }));
  return Object.freeze({ [SLOT]: true as const, arg, item: null });
}

/** The lengths of the array arguments: an `in (…)` list compiles to one placeholder per element. */
function shapeOf(args: readonly unknown[]): string {
  let shape = '';
  for (const a of args) shape += Array.isArray(a) ? `${a.length},` : '.,';
  return shape;
}

function boundValue(p: Placeholder, args: readonly unknown[]): unknown {
  const a = args[p.arg];
  return p.item === null ? a : (a as readonly unknown[])[p.item];
}

/**
 * A query compiled on first use for each dialect and list shape. `build` must be pure: it may use only `db`'s
 * builders, constants and the placeholders `arg(k)` gives, because what it returns is compiled once and reused.
 */
export function preparedQuery<A extends readonly unknown[], R>(
  build: (db: DbOrTx, arg: Arg<A>) => Compilable<R>,
): (db: DbOrTx, ...args: A) => Promise<QueryResult<R>> {
  // Keyed by the dialect adapter's class: a transaction shares its root handle's dialect.
  const byDialect = new Map<unknown, Map<string, CompiledQuery<R>>>();
  return async (db, ...args) => {
    const dialect = db.getExecutor().adapter.constructor;
    let compiledByShape = byDialect.get(dialect);
    if (!compiledByShape) byDialect.set(dialect, (compiledByShape = new Map()));
    const shape = shapeOf(args);
    let compiled = compiledByShape.get(shape);
    if (!compiled) {
      const handedOut: unknown[] = [];
      const arg = (k: number) => {
        const placeholder = placeholderFor(k, args[k]);
        handedOut.push(...(Array.isArray(placeholder) ? placeholder : [placeholder]));
        return placeholder;
      };
      compiled = build(db, arg as Arg<A>).compile();
      // A placeholder spread into an object or used other than as a value would bind nothing, or the wrong thing.
      const bound = new Set(compiled.parameters);
      if (!handedOut.every((p) => bound.has(p)))
        throw new Error('a prepared query must use each placeholder it asks for as a value');
      compiledByShape.set(shape, compiled);
    }
    const parameters = compiled.parameters.map((p) => (isPlaceholder(p) ? boundValue(p, args) : p));
    return db.executeQuery<R>({ ...compiled, parameters });
  };
}

/** How many rows a prepared insert, update or delete touched. */
export const affectedRows = (result: QueryResult<unknown>): number => Number(result.numAffectedRows ?? 0n);
