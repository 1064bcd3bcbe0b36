// The structured logger: pino JSON, with every field that could carry a secret redacted.

import { createHash } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { LogLevel } from './config/schema.js';

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'newPassword',
  'tap',
  '*.tap',
  'temporaryAccessPass',
  '*.temporaryAccessPass',
  'otp',
  'secret',
  '*.secret',
  'secretText',
  '*.secretText',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  'code',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * A sign-in interaction's id in a path (`/signin/{uid}`, oidc-provider's `/oauth2/v2.0/authorize/{uid}`) is the key
 * to a half-done sign-in: whoever reads the log could resume it. The log keeps a short hash, so one interaction's
 * lines can still be told together.
 */
const INTERACTION_PATH = /(\/(?:signin|authorize)\/)([^/?#]+)/i;
export function loggedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.replace(
    INTERACTION_PATH,
    (_all, head: string, uid: string) =>
      `${head}uid-sha256:${createHash('sha256').update(uid).digest('base64url').slice(0, 12)}`,
  );
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'gatepass' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        // Never log query strings (authorization requests carry codes and state in them) nor interaction ids.
        req: (req: { method: string; url: string; id: string; ip?: string }) => ({
          method: req.method,
          url: loggedPath(req.url),
          id: req.id,
          ip: req.ip,
        }),
      },
    },
    destination,
  );
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** What a web framework needs of a per-request logger. */
export type RequestLogger = Pick<Logger, 'level' | LevelName | 'silent' | 'child'>;

/**
 * A child logger made only when a line is logged at an enabled level: pino's child() runs its bindings through the
 * redaction on every call, although at the usual level (warn) a request hardly ever writes a line. What is written,
 * and with which bindings, is exactly what the eager child would write. A class, not closures: one object per
 * request and nothing else (tsx names every closure it creates, at a cost).
 */
class LazyChildLogger {
  private made: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly bindings: pino.Bindings,
  ) {}

  private real(): Logger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  private write(level: LevelName, args: unknown[]): void {
    if ((this.made ?? this.parent).isLevelEnabled(level)) (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }
  set level(level: string) {
    this.real().level = level;
  }
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}
  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): Logger {
    return this.real().child(bindings, options);
  }
}

export function lazyChildLogger(
  parent: Logger,
  bindings: pino.Bindings,
  options: pino.ChildLoggerOptions = {},
): RequestLogger {
  // A per-route level or serializers change what the child writes: made at once, as Fastify would.
  if (Object.keys(options).length > 0) return parent.child(bindings, options);
  return new LazyChildLogger(parent, bindings) as unknown as RequestLogger;
}
