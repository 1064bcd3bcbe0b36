// Which strings Gatepass refuses at its edge. PostgreSQL text cannot hold NUL at all while SQLite keeps it, so without
// this the two stores would answer the same request differently; other control characters in a name or an id only
// serve to spoof what an administrator reads. Ill-formed UTF-16 (a lone surrogate) is refused too: both drivers
// would silently store U+FFFD, which is not what was sent.

/** Fields whose value is prose a person writes over several lines; every other string is a name, an id or a code. */
const FREE_TEXT_FIELDS = new Set(['description']);

export function isFreeTextField(field: string): boolean {
  return FREE_TEXT_FIELDS.has(field);
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;

/**
 * True when `value` may not be stored or compared: a C0 control character or DEL (in a free-text field, tab and line
 * breaks are text; a browser sends a text area's line breaks as CR LF), or a surrogate without its pair.
 */
export function hasForbiddenCharacters(value: string, field = ''): boolean {
  const lineBreaksAllowed = isFreeTextField(field);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20) {
      if (!(lineBreaksAllowed && (c === TAB || c === LF || c === CR))) return true;
    } else if (c === DEL) {
      return true;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++; // the pair's low half
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

export interface ForbiddenString {
  /** Where the value was: a dotted path into the body (`passwordProfile.password`), or a parameter's name. */
  target: string;
  /** `depth`: objects nested deeper than any Graph type, which are not walked further. */
  reason: 'characters' | 'depth';
}

const MAX_DEPTH = 64;

/**
 * The first string in a parsed body, query or set of path parameters that `hasForbiddenCharacters` refuses, with
 * where it is. Property names are checked as well; a bad one is reported at its parent, so it is never echoed.
 * Nesting deeper than any Graph type is reported at the point it goes too deep.
 */
export function findForbiddenString(value: unknown, path: string[] = [], depth = 0): ForbiddenString | undefined {
  const target = () => path.join('.');
  if (typeof value === 'string') {
    return hasForbiddenCharacters(value, path.at(-1) ?? '') ? { target: target(), reason: 'characters' } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return { target: target(), reason: 'depth' };
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findForbiddenString(item, path, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (hasForbiddenCharacters(key)) return { target: target(), reason: 'characters' };
    const found = findForbiddenString(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}
