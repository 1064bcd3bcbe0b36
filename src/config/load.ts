// Reads the environment once, validates it against the schema and returns a frozen configuration.

import path from 'node:path';
import { settings, type Config } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface AppConfig extends Config {
  /** The OIDC issuer and the origin every absolute URL is built from. */
  readonly issuer: string;
  readonly dataDirAbsolute: string;
  readonly keyFilePath: string;
  readonly tls: { cert: string; key: string } | undefined;
  readonly dialect: 'sqlite' | 'postgres';
  /** WebAuthn relying-party id: the public URL's host name. Every passkey is bound to it. */
  readonly rpId: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const parsed = setting.parse(env[setting.env], env);
    if (!parsed.ok) {
      const raw = env[setting.env];
      const quoted = raw !== undefined && 'quote' in setting ? setting.quote(raw) : raw;
      throw new ConfigError(`${setting.env} ${parsed.error} (got ${JSON.stringify(quoted)})`);
    }
    values[key] = parsed.value;
  }
  const config = values as unknown as Config;
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey))
    throw new ConfigError('GATEPASS_TLS_CERT and GATEPASS_TLS_KEY must be set together');
  if (config.smtpUrl && !config.mailFrom)
    throw new ConfigError('GATEPASS_MAIL_FROM must be set with GATEPASS_SMTP_URL (the sender of notification mail)');
  const tls = config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey } : undefined;
  const dataDirAbsolute = path.resolve(config.dataDir);
  const dialect = config.databaseUrl ? 'postgres' : 'sqlite';
  if (dialect === 'postgres' && !config.secretKey && !config.secretKeyFile)
    throw new ConfigError(
      'GATEPASS_SECRET_KEY (or GATEPASS_SECRET_KEY_FILE) must be set when DATABASE_URL is set, so that every process shares it',
    );
  const scheme = tls ? 'https' : 'http';
  const issuer = config.publicUrl ?? `${scheme}://localhost:${config.port}`;
  return Object.freeze({
    ...config,
    issuer,
    dataDirAbsolute,
    keyFilePath: path.resolve(config.secretKeyFile ?? path.join(dataDirAbsolute, 'secret.key')),
    tls,
    dialect,
    rpId: new URL(issuer).hostname,
  });
}
