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
