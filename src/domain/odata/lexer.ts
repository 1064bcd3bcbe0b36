// Splits an OData $filter into tokens; every token keeps its position for error messages.
import { QueryOptionFailure } from './errors.js';

export type Token =
  | { readonly kind: 'lparen' | 'rparen' | 'comma' | 'colon' | 'eof'; readonly pos: number }
  /** A name or a path of names joined by "/": displayName, targetResources/any, t/id, and, eq, true. */
  | { readonly kind: 'word'; readonly text: string; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly kind: 'datetime'; readonly value: Date; readonly text: string; readonly pos: number }
  | { readonly kind: 'guid'; readonly value: string; readonly pos: number };

const PUNCTUATION: Readonly<Record<string, 'lparen' | 'rparen' | 'comma' | 'colon'>> = {
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
  ':': 'colon',
};

const DATETIME = /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})/y;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/iy;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_$][A-Za-z0-9_]*(?:\/[A-Za-z_$][A-Za-z0-9_]*)*/y;
const WHITESPACE = /[ \t\r\n]/;
// A literal must end at a delimiter, so "2024-01-01T00:00:00Zabc" is not read as a date plus a name.
const CONTINUES = /[A-Za-z0-9_.:\-/$]/;

// Starts like a date but did not lex as a full date-time (no time, no zone, or trailing junk).
const DATE_LIKE = /\d{4}-\d{2}-\d{2}[0-9A-Za-z:.+-]*/y;

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function matchAt(pattern: RegExp, text: string, pos: number, needsBoundary = true): RegExpExecArray | undefined {
  pattern.lastIndex = pos;
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const end = pos + match[0].length;
  return needsBoundary && end < text.length && CONTINUES.test(text.charAt(end)) ? undefined : match;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A calendar-valid ISO 8601 date-time with a zone; 2024-02-30T… or 25:00 are refused, not rolled over. */
function toDate(match: RegExpExecArray, pos: number): Date {
  const [text, y = '', mo = '', d = '', h = '', mi = '', s = '0', , zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetOk = zone === 'Z' || (Number(zone.slice(1, 3)) <= 14 && Number(zone.slice(4, 6)) < 60);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetOk;
  const date = new Date(text);
  if (!valid || Number.isNaN(date.getTime()))
    throw new QueryOptionFailure(`'${text}' is not a valid date and time.`, pos);
  return date;
}

/** Reads a single-quoted string; '' inside stands for one quote, as OData defines. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === "'") {
      if (text.charAt(i + 1) !== "'") return { value, end: i + 1 };
      value += "'";
      i += 2;
    } else {
      value += ch;
      i += 1;
    }
  }
  throw new QueryOptionFailure('A string literal is missing its closing quote.', start);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text.charAt(pos);
    if (WHITESPACE.test(ch)) {
      pos += 1;
      continue;
    }
    const punctuation = PUNCTUATION[ch];
    if (punctuation !== undefined) {
      tokens.push({ kind: punctuation, pos });
      pos += 1;
      continue;
    }
    if (ch === "'") {
      const { value, end } = readString(text, pos);
      tokens.push({ kind: 'string', value, pos });
      pos = end;
      continue;
    }
    const datetime = matchAt(DATETIME, text, pos);
    if (datetime !== undefined) {
      tokens.push({ kind: 'datetime', value: toDate(datetime, pos), text: datetime[0], pos });
      pos += datetime[0].length;
      continue;
    }
    const dateLike = matchAt(DATE_LIKE, text, pos, false);
    if (dateLike !== undefined && matchAt(GUID, text, pos) === undefined) {
      throw new QueryOptionFailure(
        `'${dateLike[0]}' is not a valid date and time; write e.g. 2024-01-31T00:00:00Z.`,
        pos,
      );
    }
    const guid = matchAt(GUID, text, pos);
    if (guid !== undefined) {
      tokens.push({ kind: 'guid', value: guid[0].toLowerCase(), pos });
      pos += guid[0].length;
      continue;
    }
    const number = matchAt(NUMBER, text, pos);
    if (number !== undefined) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) throw new QueryOptionFailure(`'${number[0]}' is not a usable number.`, pos);
      tokens.push({ kind: 'number', value, text: number[0], pos });
      pos += number[0].length;
      continue;
    }
    // A name is greedy by itself and may be followed by ':' (the lambda variable) or '('.
    const word = matchAt(WORD, text, pos, false);
    if (word !== undefined) {
      tokens.push({ kind: 'word', text: word[0], pos });
      pos += word[0].length;
      continue;
    }
    throw new QueryOptionFailure(`Unexpected character '${ch}'.`, pos);
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}
