// The configuration schema: every default parses, every bad value stops start-up with an error naming the variable,
// and the README's configuration table is generated from the schema (no drift).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { settings } from '../../src/config/schema.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration', () => {
  it('parses every setting from an empty environment to its documented default', () => {
    const c = loadConfig({});
    assert.equal(c.port, 3000);
    assert.equal(c.host, 'localhost');
    assert.equal(c.publicUrl, undefined);
    assert.equal(c.issuer, 'http://localhost:3000');
    assert.equal(c.dataDir, './data');
    assert.equal(c.dataDirAbsolute, path.resolve('./data'));
    assert.deepEqual(c.domains, ['gatepass.local']);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.dialect, 'sqlite');
    assert.equal(c.secretKey, undefined);
    assert.equal(c.secretKeyFile, undefined);
    assert.equal(c.keyFilePath, path.resolve('./data/secret.key'));
    assert.equal(c.previousSecretKeys, undefined);
    assert.equal(c.tlsCert, undefined);
    assert.equal(c.tlsKey, undefined);
    assert.equal(c.tls, undefined);
    assert.equal(c.trustProxy, false);
    assert.equal(c.sessionIdleMinutes, 1440);
    assert.equal(c.sessionMaxMinutes, 20160);
    assert.equal(c.refreshTokenMinutes, 20160);
    assert.equal(c.accessTokenMinutes, 60);
    assert.equal(c.keyActivationDelaySeconds, 3600);
    assert.equal(c.hashConcurrency, 0);
    assert.equal(c.hashQueue, 64);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.nodeEnv, 'development');
    assert.equal(c.clockOffsetSeconds, 0);
    assert.equal(c.methodChangeWindowMinutes, 10);
    assert.equal(c.requestsPerMinute, 1200);
    assert.equal(c.acceptRpIdChange, false);
    assert.equal(c.smtpUrl, undefined);
    assert.equal(c.mailFrom, undefined);
    assert.equal(c.rpId, 'localhost');
    assert.ok(Object.isFrozen(c), 'the configuration is frozen');
  });

  it('checks a default for every setting in the schema (a new setting must be added above)', () => {
    const c = loadConfig({}) as unknown as Record<string, unknown>;
    for (const key of Object.keys(settings)) assert.ok(key in c, `${key} is in the loaded configuration`);
    assert.equal(Object.keys(settings).length, 27, 'the schema grew: add the new setting to the defaults test');
  });

  it('reads the SMTP settings, refuses a bad one by name, and never quotes its password', () => {
    const c = loadConfig({
      GATEPASS_SMTP_URL: 'smtps://u:p@mail.example.com:465',
      GATEPASS_MAIL_FROM: 'Gatepass <id@example.com>',
    });
    assert.equal(c.smtpUrl, 'smtps://u:p@mail.example.com:465');
    assert.equal(c.mailFrom, 'Gatepass <id@example.com>');
    assert.throws(
      () => loadConfig({ GATEPASS_SMTP_URL: 'https://u:hunter2@mail.example.com' }),
      (e: Error) => {
        assert.match(e.message, /^GATEPASS_SMTP_URL must use smtp or smtps/);
        assert.doesNotMatch(e.message, /hunter2/);
        return true;
      },
    );
    assert.throws(() => loadConfig({ GATEPASS_SMTP_URL: 'smtp://mail.example.com' }), /GATEPASS_MAIL_FROM must be set/);
    assert.throws(
      () => loadConfig({ GATEPASS_SMTP_URL: 'smtp://m.example.com', GATEPASS_MAIL_FROM: 'a@b.c\nBcc: x@y.z' }),
      /GATEPASS_MAIL_FROM must be an email address/,
    );
  });

  it('parses good non-default values', () => {
    const c = loadConfig({
      PORT: '8443',
      GATEPASS_PUBLIC_URL: 'https://ID.example.com/',
      GATEPASS_DOMAINS: 'Contoso.test, fabrikam.test,contoso.test',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      GATEPASS_SECRET_KEY: 'x'.repeat(43),
      GATEPASS_TRUST_PROXY: '10.0.0.0/8, ::1, 192.168.1.7',
      GATEPASS_TLS_CERT: 'cert.pem',
      GATEPASS_TLS_KEY: 'key.pem',
      GATEPASS_LOG_LEVEL: 'DEBUG',
      GATEPASS_CLOCK_OFFSET_SECONDS: '-3600',
      NODE_ENV: 'test',
    });
    assert.equal(c.port, 8443);
    assert.equal(c.issuer, 'https://id.example.com');
    assert.equal(c.rpId, 'id.example.com');
    assert.deepEqual(c.domains, ['contoso.test', 'fabrikam.test']);
    assert.equal(c.dialect, 'postgres');
    assert.deepEqual(c.trustProxy, { cidrs: ['10.0.0.0/8', '::1', '192.168.1.7'] });
    assert.deepEqual(c.tls, { cert: 'cert.pem', key: 'key.pem' });
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.clockOffsetSeconds, -3600);
    assert.deepEqual(loadConfig({ GATEPASS_TRUST_PROXY: '2' }).trustProxy, { hops: 2 });
    assert.equal(
      loadConfig({ GATEPASS_TLS_CERT: 'c', GATEPASS_TLS_KEY: 'k', PORT: '3443' }).issuer,
      'https://localhost:3443',
    );
  });

  const bad: [string, NodeJS.ProcessEnv][] = [
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '-1' }],
    ['GATEPASS_TRUST_PROXY', { GATEPASS_TRUST_PROXY: '10.0.0.0/33' }],
    ['GATEPASS_TRUST_PROXY', { GATEPASS_TRUST_PROXY: 'proxy.example.com' }],
    ['GATEPASS_TRUST_PROXY', { GATEPASS_TRUST_PROXY: '0' }],
    ['GATEPASS_PUBLIC_URL', { GATEPASS_PUBLIC_URL: 'ftp://x' }],
    ['GATEPASS_PUBLIC_URL', { GATEPASS_PUBLIC_URL: 'https://id.example.com/path' }],
    ['GATEPASS_PUBLIC_URL', { GATEPASS_PUBLIC_URL: 'not a url' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@127.0.0.1/gatepass', GATEPASS_SECRET_KEY: 'x'.repeat(43) }],
    ['GATEPASS_CLOCK_OFFSET_SECONDS', { GATEPASS_CLOCK_OFFSET_SECONDS: '3600', NODE_ENV: 'production' }],
    ['GATEPASS_CLOCK_OFFSET_SECONDS', { GATEPASS_CLOCK_OFFSET_SECONDS: '1.5' }],
    ['GATEPASS_DOMAINS', { GATEPASS_DOMAINS: 'bad domain' }],
    ['GATEPASS_DOMAINS', { GATEPASS_DOMAINS: ',' }],
    ['GATEPASS_LOG_LEVEL', { GATEPASS_LOG_LEVEL: 'loud' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['GATEPASS_SESSION_IDLE_MINUTES', { GATEPASS_SESSION_IDLE_MINUTES: '1' }],
    ['GATEPASS_ACCESS_TOKEN_MINUTES', { GATEPASS_ACCESS_TOKEN_MINUTES: '100000' }],
    ['GATEPASS_HASH_QUEUE', { GATEPASS_HASH_QUEUE: '0' }],
    ['GATEPASS_TLS_KEY', { GATEPASS_TLS_CERT: 'cert.pem' }],
    ['GATEPASS_SECRET_KEY', { DATABASE_URL: 'postgres://u@127.0.0.1/db' }],
  ];
  for (const [name, env] of bad) {
    it(`refuses ${JSON.stringify(env)} with an error naming ${name}`, () => {
      const e = refusal(env);
      assert.match(e.message, new RegExp(`\\b${name}\\b`));
      assert.doesNotMatch(e.message, /\n/, 'one line');
    });
  }

  it('accepts a clock offset of 0 in production (only a shift is a testing aid)', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', GATEPASS_CLOCK_OFFSET_SECONDS: '0' }).clockOffsetSeconds, 0);
  });

  it('keeps the README configuration table in sync with the schema', async () => {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/config-table.ts', '--check'], {
      cwd: root,
    });
    assert.equal(stderr, '');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const s of Object.values(settings))
      assert.ok(readme.includes(`| \`${s.env}\` |`), `${s.env} is in the README table`);
  });
});
