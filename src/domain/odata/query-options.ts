// Parsers for $orderby, $top and $select against a route's allow-lists.
import { type ParseResult, type QueryOptionError, QueryOptionFailure, catchFailure, checkLength } from './errors.js';

export interface OrderByItem<K extends string> {
  readonly key: K;
  readonly direction: 'asc' | 'desc';
}

/** Sortable property path (matched case-insensitively) → the store's opaque column key. */
export type OrderByAllowList<K extends string = string> = Readonly<Record<string, K>>;

/** Graph sorts most collections by one property; two leave room for a tie-breaker. */
export const MAX_ORDERBY_ITEMS = 2;

const ORDERBY_ITEM = /^([A-Za-z_$][A-Za-z0-9_]*(?:\/[A-Za-z_$][A-Za-z0-9_]*)*)(?:\s+([A-Za-z]+))?$/;
const SELECT_ITEM = /^[A-Za-z_$][A-Za-z0-9_]*$/;

/** Splits on commas, keeping each trimmed item's offset for error positions. */
function items(text: string, parameter: '$orderby' | '$select'): { text: string; pos: number }[] {
  const result: { text: string; pos: number }[] = [];
  let start = 0;
  for (const raw of text.split(',')) {
    const leading = raw.length - raw.trimStart().length;
    const item = raw.trim();
    if (item === '') throw new QueryOptionFailure(`${parameter} has an empty item.`, start + leading);
    result.push({ text: item, pos: start + leading });
    start += raw.length + 1;
  }
  return result;
}

function findCaseInsensitive<T>(entries: Iterable<readonly [string, T]>, wanted: string): T | undefined {
  const lower = wanted.toLowerCase();
  for (const [name, value] of entries) if (name.toLowerCase() === lower) return value;
  return undefined;
}

/** `$orderby=createdDateTime desc, displayName` → keys with directions (asc by default). */
export function parseOrderBy<K extends string>(
  text: string,
  allow: OrderByAllowList<K>,
): ParseResult<OrderByItem<K>[]> {
  return catchFailure('$orderby', () => {
    checkLength(text, '$orderby');
    const parsed = items(text, '$orderby').map(({ text: item, pos }) => {
      const match = ORDERBY_ITEM.exec(item);
      if (match === null)
        throw new QueryOptionFailure(`'${item}' is not a property with an optional asc or desc.`, pos);
      const [, path = '', direction = 'asc'] = match;
      const lowerDirection = direction.toLowerCase();
      if (lowerDirection !== 'asc' && lowerDirection !== 'desc') {
        throw new QueryOptionFailure(
          `Sort direction '${direction}' is not asc or desc.`,
          pos + item.lastIndexOf(direction),
        );
      }
      const key = findCaseInsensitive(Object.entries(allow), path);
      if (key === undefined) throw new QueryOptionFailure(`Sorting by property '${path}' is not supported.`, pos);
      return { key, direction: lowerDirection, path, pos } as const;
    });
    if (parsed.length > MAX_ORDERBY_ITEMS) {
      const extra = parsed[MAX_ORDERBY_ITEMS];
      throw new QueryOptionFailure(`$orderby accepts at most ${MAX_ORDERBY_ITEMS} properties.`, extra?.pos ?? 0);
    }
    const seen = new Set<K>();
    for (const item of parsed) {
      if (seen.has(item.key))
        throw new QueryOptionFailure(`Property '${item.path}' appears twice in $orderby.`, item.pos);
      seen.add(item.key);
    }
    return parsed.map(({ key, direction }) => ({ key, direction }));
  });
}

/** `$top=50` → 50; only plain digits, 1..max, with no silent clamping (Graph answers 400 too). */
export function parseTop(text: string, options: { readonly max: number }): ParseResult<number> {
  return catchFailure('$top', () => {
    checkLength(text, '$top');
    const outOfRange = `$top must be an integer from 1 to ${options.max}.`;
    if (!/^\d+$/.test(text)) throw new QueryOptionFailure(outOfRange, 0);
    const value = Number(text);
    if (value < 1 || value > options.max) throw new QueryOptionFailure(outOfRange, 0);
    return value;
  });
}

/** `$select=id,displayName` → allowed field names as the route spells them, without duplicates. */
export function parseSelect<F extends string>(
  text: string,
  allowedFields: readonly F[],
): ParseResult<F[], QueryOptionError> {
  return catchFailure('$select', () => {
    checkLength(text, '$select');
    const selected: F[] = [];
    for (const { text: item, pos } of items(text, '$select')) {
      if (!SELECT_ITEM.test(item)) throw new QueryOptionFailure(`'${item}' is not a property name.`, pos);
      const field = findCaseInsensitive(
        allowedFields.map((f) => [f, f] as const),
        item,
      );
      if (field === undefined) throw new QueryOptionFailure(`Property '${item}' cannot be selected.`, pos);
      if (!selected.includes(field)) selected.push(field);
    }
    return selected;
  });
}
