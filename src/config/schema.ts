// The one configuration schema: every setting Gatepass reads, with its default and description.
// load.ts validates against it; scripts/config-table.ts renders the README table from it.

import { isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Setting<T> {
  env: string;
  description: string;
  /** Shown in the README; `undefined` means "unset by default". */
  defaultText?: string;
  parse(raw: string | undefined, env: NodeJS.ProcessEnv): Parsed<T>;
  /** How a refused value may be quoted in the error: a value that can hold a credential is not quoted whole. */
  quote?(raw: string): string;
}

/** A URL with its password replaced, for error messages; a value that does not parse is not quoted at all. */
export function withoutPassword(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return '(not shown: it may hold a password)';
  }
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

function integer(min: number, max: number, fallback: number) {
  return (raw: string | undefined): Parsed<number> => {
    if (raw === undefined || raw === '') return ok(fallback);
    if (!/^-?\d+$/.test(raw.trim())) return fail(`must be a whole number between ${min} and ${max}`);
    const n = Number(raw);
    return n >= min && n <= max ? ok(n) : fail(`must be between ${min} and ${max}`);
  };
}

function optionalText(raw: string | undefined): Parsed<string | undefined> {
  return ok(raw === undefined || raw === '' ? undefined : raw);
}

export type TrustProxy = false | { hops: number } | { cidrs: string[] };

function parseTrustProxy(raw: string | undefined): Parsed<TrustProxy> {
  if (raw === undefined || raw === '' || raw === 'false') return ok(false);
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return hops >= 1 && hops <= 10
      ? ok({ hops })
      : fail('must be a hop count between 1 and 10, or a list of addresses/CIDRs');
  }
  const cidrs = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of cidrs) {
    const [addr, bits, extra] = c.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits)))
      return fail(`"${c}" is not an IP address or CIDR range`);
  }
  return ok({ cidrs });
}

function parseDomains(raw: string | undefined): Parsed<string[]> {
  const list = (raw ?? 'gatepass.local')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0) return fail('must list at least one domain');
  for (const d of list) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(d))
      return fail(`"${d}" is not a valid domain name`);
  }
  return ok([...new Set(list)]);
}

function parseUrl(raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return ok(undefined);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('must be an absolute http(s) URL such as https://id.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must use http or https');
  if (url.pathname !== '/' || url.search || url.hash)
    return fail('must be an origin without a path, query or fragment');
  return ok(url.origin);
}

function parseDatabaseUrl(raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return ok(undefined);
  if (!/^postgres(ql)?:\/\//.test(raw)) return fail('must be a postgres:// or postgresql:// URL');
  try {
    new URL(raw);
  } catch {
    return fail('is not a valid URL');
  }
  return ok(raw);
}

function parseSmtpUrl(raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return ok(undefined);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.com:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return fail('must use smtp or smtps');
  if (!url.hostname) return fail('must name the SMTP host');
  return ok(raw);
}

/** An address, optionally with a display name: `Gatepass <id@example.com>`. */
function parseMailFrom(raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined || raw === '') return ok(undefined);
  const address = /<([^<>]+)>\s*$/.exec(raw)?.[1] ?? raw.trim();
  if (/[\r\n]/.test(raw) || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address))
    return fail('must be an email address, optionally as "Name <address>"');
  return ok(raw.trim());
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function parseLogLevel(raw: string | undefined): Parsed<LogLevel> {
  const v = (raw ?? 'info').toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v)
    ? ok(v as LogLevel)
    : fail(`must be one of ${LOG_LEVELS.join(', ')}`);
}

function parseNodeEnv(raw: string | undefined): Parsed<'production' | 'development' | 'test'> {
  const v = raw ?? 'development';
  return v === 'production' || v === 'development' || v === 'test'
    ? ok(v)
    : fail('must be production, development or test');
}

function parseClockOffset(raw: string | undefined, env: NodeJS.ProcessEnv): Parsed<number> {
  const n = integer(-10 * 365 * 86400, 10 * 365 * 86400, 0)(raw);
  if (!n.ok) return n;
  if (n.value !== 0 && env.NODE_ENV === 'production')
    return fail('is a testing aid and is refused when NODE_ENV=production');
  return n;
}

export const settings = {
  port: { env: 'PORT', description: 'TCP port to listen on.', defaultText: '3000', parse: integer(0, 65535, 3000) },
  host: {
    env: 'HOST',
    description:
      'Interface to listen on. `localhost` serves this machine only; use `0.0.0.0` or `::` to serve the network.',
    defaultText: 'localhost',
    parse: (raw: string | undefined) => ok(raw || 'localhost'),
  },
  publicUrl: {
    env: 'GATEPASS_PUBLIC_URL',
    description:
      "External origin users and clients reach Gatepass at; it is the OIDC issuer. Must be https for Microsoft's client libraries.",
    defaultText: 'http://localhost:$PORT (https:// when TLS is configured)',
    parse: parseUrl,
  },
  dataDir: {
    env: 'GATEPASS_DATA_DIR',
    description: 'Directory for the SQLite database (and, by default, the key file).',
    defaultText: './data',
    parse: (raw: string | undefined) => ok(raw || './data'),
  },
  domains: {
    env: 'GATEPASS_DOMAINS',
    description:
      'Comma-separated verified domains of the tenant; the first is the default domain (`admin@<first domain>`).',
    defaultText: 'gatepass.local',
    parse: parseDomains,
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description:
      'PostgreSQL connection URL. When set, PostgreSQL is used instead of SQLite and the secret key must be given.',
    parse: parseDatabaseUrl,
  },
  secretKey: {
    env: 'GATEPASS_SECRET_KEY',
    description:
      'Server key (32 random bytes, base64url or hex) from which every hashing and encryption key is derived. Required with DATABASE_URL.',
    parse: optionalText,
  },
  secretKeyFile: {
    env: 'GATEPASS_SECRET_KEY_FILE',
    description:
      'File holding the server key. On SQLite it is created (mode 0600) on first start when no key is given.',
    defaultText: '$GATEPASS_DATA_DIR/secret.key',
    parse: optionalText,
  },
  previousSecretKeys: {
    env: 'GATEPASS_PREVIOUS_SECRET_KEYS',
    description:
      'Comma-separated retired server keys still accepted for verifying and decrypting, during a key rotation.',
    parse: optionalText,
  },
  tlsCert: {
    env: 'GATEPASS_TLS_CERT',
    description: 'PEM certificate file: Gatepass serves https itself.',
    parse: optionalText,
  },
  tlsKey: { env: 'GATEPASS_TLS_KEY', description: 'PEM private key file for GATEPASS_TLS_CERT.', parse: optionalText },
  trustProxy: {
    env: 'GATEPASS_TRUST_PROXY',
    description:
      'Trust X-Forwarded-* from a TLS proxy: a hop count (e.g. `1`) or a comma-separated list of proxy addresses/CIDRs.',
    defaultText: 'off',
    parse: parseTrustProxy,
  },
  sessionIdleMinutes: {
    env: 'GATEPASS_SESSION_IDLE_MINUTES',
    description: 'A browser session ends after this many minutes without use.',
    defaultText: '1440',
    parse: integer(5, 525600, 1440),
  },
  sessionMaxMinutes: {
    env: 'GATEPASS_SESSION_MAX_MINUTES',
    description: 'A browser session ends this many minutes after sign-in, however active.',
    defaultText: '20160',
    parse: integer(5, 525600, 20160),
  },
  refreshTokenMinutes: {
    env: 'GATEPASS_REFRESH_TOKEN_MINUTES',
    description: 'Lifetime of a refresh token (each use rotates it).',
    defaultText: '20160',
    parse: integer(5, 525600, 20160),
  },
  accessTokenMinutes: {
    env: 'GATEPASS_ACCESS_TOKEN_MINUTES',
    description: 'Lifetime of access and ID tokens.',
    defaultText: '60',
    parse: integer(5, 1440, 60),
  },
  keyActivationDelaySeconds: {
    env: 'GATEPASS_KEY_ACTIVATION_DELAY_SECONDS',
    description:
      'The signing and cookie keys added by `gatepass keys rotate` are published this many seconds before they sign; every process re-reads the keys at least every quarter of it (at most every 30 s). Use the same value for every process.',
    defaultText: '3600',
    parse: integer(1, 604800, 3600),
  },
  hashConcurrency: {
    env: 'GATEPASS_HASH_CONCURRENCY',
    description: 'argon2id hashes run at once; further requests queue.',
    defaultText: 'number of CPU cores',
    parse: integer(0, 64, 0),
  },
  hashQueue: {
    env: 'GATEPASS_HASH_QUEUE',
    description: 'Hash requests allowed to wait; beyond it sign-ins get 503 with Retry-After.',
    defaultText: '64',
    parse: integer(1, 10000, 64),
  },
  requestsPerMinute: {
    env: 'GATEPASS_REQUESTS_PER_MINUTE',
    description:
      'Flood guard: requests one client address may make per minute before getting 429, counted per process (sign-in attempts are throttled separately, per user, in the store).',
    defaultText: '1200',
    parse: integer(10, 10_000_000, 1200),
  },
  methodChangeWindowMinutes: {
    env: 'GATEPASS_METHOD_CHANGE_WINDOW_MINUTES',
    description:
      'Security info lets a session add or delete sign-in methods only this many minutes after a multi-factor sign-in; later, the user signs in again.',
    defaultText: '10',
    parse: integer(1, 1440, 10),
  },
  acceptRpIdChange: {
    env: 'GATEPASS_ACCEPT_RP_ID_CHANGE',
    description:
      "Set to `1` to start although registered passkeys belong to another host than GATEPASS_PUBLIC_URL's (they stop working).",
    defaultText: 'off',
    parse: (raw: string | undefined): Parsed<boolean> =>
      raw === undefined || raw === '' || raw === '0' ? ok(false) : raw === '1' ? ok(true) : fail('must be 1 or 0'),
  },
  smtpUrl: {
    env: 'GATEPASS_SMTP_URL',
    description:
      'SMTP server for notification mail ("This wasn\'t me" notices, email codes): `smtp://` (STARTTLS when offered) or `smtps://`, credentials in the URL. Unset: notices are shown on /my only.',
    parse: parseSmtpUrl,
    quote: withoutPassword,
  },
  mailFrom: {
    env: 'GATEPASS_MAIL_FROM',
    description:
      'Sender of notification mail, e.g. `Gatepass <gatepass@example.com>`. Required with GATEPASS_SMTP_URL.',
    parse: parseMailFrom,
  },
  logLevel: { env: 'GATEPASS_LOG_LEVEL', description: 'Log level.', defaultText: 'info', parse: parseLogLevel },
  nodeEnv: {
    env: 'NODE_ENV',
    description: '`production` refuses testing aids.',
    defaultText: 'development',
    parse: parseNodeEnv,
  },
  clockOffsetSeconds: {
    env: 'GATEPASS_CLOCK_OFFSET_SECONDS',
    description: 'Testing aid: shifts the server clock by this many seconds. Refused when NODE_ENV=production.',
    defaultText: '0',
    parse: parseClockOffset,
  },
} satisfies Record<string, Setting<unknown>>;

export type Settings = typeof settings;
export type Config = { readonly [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never };
