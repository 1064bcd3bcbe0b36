// OData list queries in SQL: the parsed $filter (an allow-listed AST) becomes a Kysely where-expression with bound
// parameters only — never string-built SQL — and pages are keyset pages on the id, behind an opaque $skiptoken.

import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { FilterNode, FilterValue } from '../../domain/odata/filter.js';
import type { Database } from '../schema.js';

export type TableWhere<T extends keyof Database> = (eb: ExpressionBuilder<Database, T>) => Expression<SqlBool>;

export interface ListPage<T extends keyof Database> {
  where?: TableWhere<T>;
  /** Keyset: only rows whose id sorts after this one. */
  afterId?: string;
  limit: number;
}

/** The opaque $skiptoken: base64url of a small versioned JSON, so its shape can change without breaking old links. */
export function encodeSkipToken(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastId }), 'utf8').toString('base64url');
}

/** The id to continue after, or undefined when the token is not one of ours. */
export function decodeSkipToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(token)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, after } = parsed as { v?: unknown; after?: unknown };
    return v === 1 && typeof after === 'string' && after.length > 0 && after.length <= 64 ? after : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How one allow-listed filter key maps onto a column. `text` compares as stored (the value is normalised first,
 * e.g. a UPN); `ci-text` compares case-insensitively with lower() on both sides, as Graph compares names.
 */
export interface ColumnSpec {
  readonly column: string;
  readonly kind: 'text' | 'ci-text' | 'boolean' | 'guid' | 'time' | 'number';
  /** Applied to string values of a `text` column before binding (e.g. NFC + lower-case for UPNs). */
  readonly normalize?: (value: string) => string;
}

export type ColumnMap<K extends string> = Readonly<Record<K, ColumnSpec>>;

/**
 * How `collection/any(x: …)` maps onto a child table: EXISTS over the child rows of the current parent row.
 * The element's properties are ordinary keys of the same ColumnMap, naming the child table's columns.
 */
export interface CollectionSpec {
  readonly table: string;
  /** Child column holding the parent's key, e.g. `audit_event_targets.event_id`. */
  readonly foreignKey: string;
  /** The parent's key column, e.g. `audit_events.id`. */
  readonly parentKey: string;
}

export type CollectionMap<K extends string> = Readonly<Partial<Record<K, CollectionSpec>>>;

const SQL_OPERATORS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** LIKE pattern for a prefix: %, _ and the escape character itself are matched literally. */
export const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function bound(spec: ColumnSpec, value: FilterValue): unknown {
  switch (value.type) {
    case 'boolean':
      return value.value ? 1 : 0;
    case 'datetime':
      return value.value.getTime();
    case 'number':
      return value.value;
    case 'guid':
      return value.value.toLowerCase();
    case 'null':
      return null;
    default:
      return spec.normalize ? spec.normalize(value.value) : value.value;
  }
}

function comparison(spec: ColumnSpec, cmp: keyof typeof SQL_OPERATORS, value: FilterValue): RawBuilder<SqlBool> {
  const column = sql.ref(spec.column);
  if (value.type === 'null')
    return cmp === 'eq' ? sql<SqlBool>`${column} is null` : sql<SqlBool>`${column} is not null`;
  const op = sql.raw(SQL_OPERATORS[cmp]);
  const v = bound(spec, value);
  if (spec.kind === 'ci-text') return sql<SqlBool>`lower(${column}) ${op} lower(${v})`;
  // OData's ne also matches a missing value; SQL's <> alone would drop NULLs.
  if (cmp === 'ne') return sql<SqlBool>`(${column} is null or ${column} <> ${v})`;
  return sql<SqlBool>`${column} ${op} ${v}`;
}

function startsWith(spec: ColumnSpec, prefix: string): RawBuilder<SqlBool> {
  const column = sql.ref(spec.column);
  if (spec.kind === 'ci-text') return sql<SqlBool>`lower(${column}) like lower(${likePrefix(prefix)}) escape '\\'`;
  const value = spec.normalize ? spec.normalize(prefix) : prefix;
  return sql<SqlBool>`${column} like ${likePrefix(value)} escape '\\'`;
}

function translate<K extends string>(
  node: FilterNode<K>,
  columns: ColumnMap<K>,
  collections: CollectionMap<K> = {} as CollectionMap<K>,
): RawBuilder<SqlBool> {
  switch (node.op) {
    case 'and':
      return sql<SqlBool>`(${translate(node.left, columns, collections)} and ${translate(node.right, columns, collections)})`;
    case 'or':
      return sql<SqlBool>`(${translate(node.left, columns, collections)} or ${translate(node.right, columns, collections)})`;
    case 'not':
      return sql<SqlBool>`not (${translate(node.expr, columns, collections)})`;
    case 'cmp':
      return comparison(columns[node.key], node.cmp, node.value);
    case 'startswith':
      return startsWith(columns[node.key], node.value);
    case 'any': {
      // Only lists that declare the collection reach here; the allow-list parser refuses any() everywhere else.
      const spec = collections[node.collection];
      if (!spec) throw new Error(`any() on '${node.collection}' has no column mapping`);
      return sql<SqlBool>`exists (select 1 from ${sql.table(spec.table)} where ${sql.ref(spec.foreignKey)} = ${sql.ref(spec.parentKey)} and ${translate(node.inner, columns, collections)})`;
    }
  }
}

/**
 * The where-expression for a parsed $filter. Column names come from `columns` (code, never the request) and
 * every value is a bound parameter.
 */
export function filterToWhere<T extends keyof Database, K extends string>(
  node: FilterNode<K>,
  columns: ColumnMap<K>,
  collections?: CollectionMap<K>,
): TableWhere<T> {
  const expression = translate(node, columns, collections);
  return () => expression;
}
