// fast-check generators for the property tests (test/property): hostile strings, mutated request bodies as raw text
// (wrong types, missing and extra keys, duplicate keys, deep nesting, huge strings), OData query junk, path segments
// and headers. Shared by the Graph and the web-form properties, so both see the same strange inputs.

import fc from 'fast-check';

/** The seed every property uses: GATEPASS_PROPERTY_SEED replays a failure fast-check reported; otherwise random. */
export function propertySeed(): number | undefined {
  const raw = process.env.GATEPASS_PROPERTY_SEED;
  if (raw === undefined || raw === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`GATEPASS_PROPERTY_SEED must be an integer (got "${raw}")`);
  return seed;
}

/** Runs per property: GATEPASS_PROPERTY_RUNS overrides `fallback`, e.g. to search longer by hand. */
export function propertyRuns(fallback: number): number {
  const raw = Number(process.env.GATEPASS_PROPERTY_RUNS);
  return Number.isInteger(raw) && raw > 0 ? raw : fallback;
}

/** GATEPASS_PROPERTY_ROUTES (a regular expression over "METHOD /path") narrows a run to some routes, to replay one. */
export function isSelectedRoute(method: string, url: string): boolean {
  const pattern = process.env.GATEPASS_PROPERTY_ROUTES;
  return pattern === undefined || pattern === '' || new RegExp(pattern, 'i').test(`${method} ${url}`);
}

/** GATEPASS_PROPERTY_DIALECTS (e.g. `postgres`) narrows a local run to some stores; `npm test` runs both. */
export function isSelectedDialect(dialect: string): boolean {
  const list = process.env.GATEPASS_PROPERTY_DIALECTS;
  return list === undefined || list === '' || list.split(',').includes(dialect);
}

/** Characters known to break parsers, databases and displays: C0 controls, DEL, C1, bidi marks, lone surrogates… */
export const HOSTILE_PIECES: readonly string[] = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  '\u200b',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\uffff',
  '\ud800',
  '\udfff',
  '\ud83d',
  '😀',
  '𝕏',
  'e\u0301',
  'İ',
  'ß',
  'ﬃ',
  '%',
  '%00',
  '%ZZ',
  '%C0%AE',
  '\\',
  '"',
  "'",
  '`',
  '/',
  '..',
  '*',
  '_',
  '$',
  '{',
  '}',
  '[',
  ']',
  '<script>',
  "' or 1=1 --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as literal text
  '${7*7}',
  '__proto__',
  'null',
  ' ',
  '@',
  'admin',
];

/** A string built from hostile pieces and ordinary text; sometimes long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 12 }))
      .map(([a, b, c]) => `${a}${b}${c}`),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', '\u0000', '😀', '\ud800'), fc.integer({ min: 257, max: 70_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Any JSON value of a wrong kind for a field, hostile strings included. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, [], {}, [null], {
      '@odata.type': '#microsoft.graph.user',
    }),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const junkKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '@odata.type', '@odata.id', 'id', '', 'a\u0000b', '$ref'),
  hostileString.filter((s) => s.length < 100),
);

/** `template` with each key kept, dropped or given a junk value, plus a few extra keys. */
export function mutatedObject(template: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(template);
  const fields = fc.tuple(
    ...keys.map((key) =>
      fc.oneof(
        { weight: 5, arbitrary: fc.constant<unknown>(template[key]) },
        { weight: 1, arbitrary: fc.constant<unknown>(undefined) },
        { weight: 3, arbitrary: junkValue },
      ),
    ),
  );
  const extra = fc.dictionary(junkKey, junkValue, { maxKeys: 3 });
  return fc.tuple(fields, extra).map(([values, more]) => {
    const out: Record<string, unknown> = {};
    keys.forEach((key, i) => {
      if (values[i] !== undefined) out[key] = values[i];
    });
    for (const [k, v] of Object.entries(more)) Object.defineProperty(out, k, { value: v, enumerable: true });
    return out;
  });
}

/** The object as JSON text with one key written twice, the second time with another value (JSON allows the text). */
function withDuplicateKey(object: Record<string, unknown>, value: unknown): string {
  const text = JSON.stringify(object);
  const [first] = Object.keys(object);
  if (first === undefined || text.length < 3) return `{"displayName":"a","displayName":${JSON.stringify(value)}}`;
  return `${text.slice(0, -1)},${JSON.stringify(first)}:${JSON.stringify(value) ?? 'null'}}`;
}

/** JSON nested `depth` levels deep, as an array or under one field of the template. */
function deepJson(depth: number, asField: string | undefined): string {
  const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  if (asField === undefined) return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  return `{${JSON.stringify(asField)}:${nested}}`;
}

/** A raw request body for a route whose well-formed body looks like `template`. */
export function rawBody(template: Record<string, unknown>): fc.Arbitrary<string | undefined> {
  const firstKey = Object.keys(template)[0];
  return fc.oneof(
    { weight: 8, arbitrary: mutatedObject(template).map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.tuple(mutatedObject(template), junkValue).map(([o, v]) => withDuplicateKey(o, v)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 500, max: 20_000 }), fc.boolean())
        .map(([d, field]) => deepJson(d, field ? firstKey : undefined)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('a', '\u0000', 'é'), fc.integer({ min: 100_000, max: 400_000 }))
        .map(([c, n]) => JSON.stringify({ [firstKey ?? 'displayName']: c.repeat(n) })),
    },
    { weight: 1, arbitrary: junkValue.map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        '',
        '{',
        '{"a":}',
        "{'a':1}",
        '\u0000',
        '{"a":1}{"b":2}',
        '[1,]',
        '{"a":"\\ud800"}',
        '{"a":"\\u0000"}',
        'null',
        '\ufeff{}',
        '{"__proto__":{"isAdmin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
      ),
    },
    { weight: 1, arbitrary: hostileString },
  );
}

/** Content-Type headers a client might send, right, odd and wrong. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json;odata.metadata=minimal',
      'application/merge-patch+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/octet-stream',
      '',
      ';',
      'application/json\u0000',
      '*/*',
      'application/json, text/plain',
    ),
  },
);

/** Authorization headers a hostile client might send instead of a good token. */
export function junkAuthorization(goodToken: string): fc.Arbitrary<string> {
  const [header = '', payload = '', signature = ''] = goodToken.split('.');
  return fc.oneof(
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'bearer ',
      `Bearer  ${goodToken}`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${header}.${payload}.`,
      `Bearer ${header}.${payload}`,
      `Bearer ${header}..${signature}`,
      `Bearer ${goodToken}x`,
      `Bearer ${goodToken.slice(0, -2)}`,
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`,
      'Bearer eyJ.eyJ.eyJ',
      `Bearer ${'a'.repeat(20_000)}`,
      'Negotiate abc',
    ),
    hostileString.map((s) => `Bearer ${s.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '')}`),
  );
}

/** One path segment: a known id (reaches deep code) or junk, percent-encoded as a client would, or raw junk. */
export function pathSegment(knownIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...knownIds) },
    { weight: 3, arbitrary: hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'))) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%ZZ',
        '%C0%AE%C0%AE',
        '%00',
        '%E0%A4%A',
        '%FF%FE',
        '..',
        '%2e%2e',
        '%2F',
        'a%0Ab',
        '%7F',
        '%ED%A0%80',
        "'",
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        'admin@gatepass.local',
        'ADMIN%40GATEPASS.LOCAL',
        'x'.repeat(5000),
        '$ref',
        '$count',
        '(id)',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...knownIds), fc.constantFrom('%00', '%0A', '%20', 'x', '%C0', '%E2%80%AE'))
        .map(([id, tail]) => `${id}${tail}`),
    },
  );
}

const ODATA_OPTIONS = [
  '$filter',
  '$top',
  '$select',
  '$skiptoken',
  '$search',
  '$count',
  '$orderby',
  '$expand',
  '$skip',
  '$format',
  'api-version',
] as const;

const ODATA_VALUES: readonly string[] = [
  "displayName eq 'a'",
  "startswith(displayName,'a')",
  "userPrincipalName eq 'admin@gatepass.local'",
  "id eq '00000000-0000-0000-0000-000000000000'",
  "displayName eq 'a\u0000b'",
  "displayName eq 'it''s'",
  "displayName eq '",
  'displayName eq',
  "activityDisplayName eq 'Add user'",
  'createdDateTime ge 2020-01-01T00:00:00Z',
  'activityDateTime ge 9999-99-99',
  "accountEnabled eq true and displayName eq 'x'",
  'not(accountEnabled)',
  "any(x:x eq 'a')",
  '((((((((((((((((((((',
  '"displayName:a"',
  '"\u0000"',
  '0',
  '-1',
  '999999999999999999999',
  '1.5',
  'id,displayName',
  'id,,',
  '*',
  'true',
  'eyJvIjoxfQ',
  'a'.repeat(3000),
];

/** A query string of OData options with semi-valid and junk values (percent-encoded, sometimes raw). */
export const odataQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ODATA_OPTIONS) }, { weight: 1, arbitrary: hostileString }),
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ODATA_VALUES) }, { weight: 2, arbitrary: hostileString }),
      fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs
      .map(([k, v, encode]) => {
        const wellFormed = (s: string) => s.replace(/[\ud800-\udfff]/g, '\ufffd');
        if (encode) return `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v))}`;
        return `${k}=${wellFormed(v).replace(/[#\s]/g, '')}`;
      })
      .join('&'),
  );

/** Extra headers around the request: client-request-id, Accept, ConsistencyLevel, Prefer, junk. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom('client-request-id', 'accept', 'consistencylevel', 'prefer', 'if-match', 'accept-language', 'x-junk'),
  fc.oneof(
    fc.constantFrom(
      'eventual',
      'application/json',
      'text/html',
      '*/*',
      'odata.maxpagesize=1',
      '\u00ff',
      'x'.repeat(4000),
    ),
    hostileString.map((s) => s.replace(/[^\t\u0020-\u007e]/g, '')),
  ),
  { maxKeys: 2 },
);
