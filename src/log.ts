// The structured logger: pino JSON, with every field that could carry a secret redacted.

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

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'gatepass' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        // Never log query strings: authorization requests carry codes and state in them.
        req: (req: { method: string; url: string; id: string; ip?: string }) => ({
          method: req.method,
          url: req.url.split('?')[0],
          id: req.id,
          ip: req.ip,
        }),
      },
    },
    destination,
  );
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVEL_NAMES: readonly LevelName[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** What a web framework needs of a per-request logger. */
export type RequestLogger = Pick<Logger, 'level' | LevelName | 'silent' | 'child'>;

/**
 * A child logger made only when a line is logged at an enabled level: pino's child() runs its bindings through the
 * redaction on every call, although at the usual level (warn) a request hardly ever writes a line. What is written,
 * and with which bindings, is exactly what the eager child would write.
 */
export function lazyChildLogger(parent: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions = {}): RequestLogger {
  if (Object.keys(options).length > 0) return parent.child(bindings, options);
  let child: Logger | undefined;
  const real = (): Logger => (child ??= parent.child(bindings, options));
  const method = (level: LevelName) => (...args: unknown[]) => {
    if ((child ?? parent).isLevelEnabled(level)) (real()[level] as (...a: unknown[]) => void)(...args);
  };
  const logger = {
    get level() {
      return (child ?? parent).level;
    },
    set level(level: string) {
      real().level = level;
    },
    silent: () => {},
    child: (b: pino.Bindings, o?: pino.ChildLoggerOptions) => real().child(b, o),
  } as Record<string, unknown>;
  for (const level of LEVEL_NAMES) logger[level] = method(level);
  return logger as unknown as RequestLogger;
}
