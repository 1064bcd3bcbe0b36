// The SQLite key file made on first start (mode 0600, anywhere), and the sweeper of expired rows on both databases.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime } from '../../src/runtime.js';
import { sweepExpired } from '../../src/services/sweeper.js';
import { createTestDatabase, dialects } from '../support/databases.js';

describe('server key file', () => {
  it('is created once, 0600, at a configured path outside the data directory, and reused', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gatepass-data-'));
    const keyDir = mkdtempSync(path.join(tmpdir(), 'gatepass-keys-'));
    after(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(keyDir, { recursive: true, force: true });
    });
    const keyFile = path.join(keyDir, 'nested', 'gatepass.key');
    const env = { GATEPASS_DATA_DIR: dataDir, GATEPASS_SECRET_KEY_FILE: keyFile, GATEPASS_LOG_LEVEL: 'silent' };
    const first = await openRuntime({ config: loadConfig(env) });
    await first.close();
    assert.equal(first.createdKeyFile, keyFile);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const key = readFileSync(keyFile, 'utf8');
    const second = await openRuntime({ config: loadConfig(env) });
    await second.close();
    assert.equal(second.createdKeyFile, undefined);
    assert.equal(readFileSync(keyFile, 'utf8'), key);
    assert.equal(statSync(path.join(dataDir, 'gatepass.db')).mode & 0o777, 0o600);
  });

  it('is required on PostgreSQL', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1/x' }),
      /GATEPASS_SECRET_KEY.*must be set when DATABASE_URL/,
    );
  });
});

for (const dialect of dialects) {
  describe(`sweeper on ${dialect}`, () => {
    it('removes expired OIDC rows, failure counters and WebAuthn challenges, and keeps live ones', async () => {
      const database = await createTestDatabase(dialect);
      after(() => database.drop());
      const runtime = await openRuntime({ config: loadConfig(database.env) });
      after(() => runtime.close());
      const { db } = runtime.deps;
      const now = Date.now();
      const payload = (id: string, expires: number | null) => ({
        model: 'Session',
        id_hash: id,
        payload: 'sealed',
        grant_id_hash: null,
        uid_hash: null,
        user_code_hash: null,
        account_id: null,
        expires_at: expires,
        consumed_at: null,
      });
      await db
        .insertInto('oidc_payloads')
        .values([payload('old', now - 1000), payload('live', now + 60_000), payload('forever', null)])
        .execute();
      await db
        .insertInto('failure_counters')
        .values([
          { key: 'old', failures: 3, last_failure_at: now - 5000, expires_at: now - 1 },
          { key: 'live', failures: 3, last_failure_at: now, expires_at: now + 60_000 },
        ])
        .execute();
      await db
        .insertInto('webauthn_challenges')
        .values([
          { challenge_hash: 'old', purpose: 'authentication', user_id: null, expires_at: now - 1 },
          { challenge_hash: 'live', purpose: 'registration', user_id: null, expires_at: now + 60_000 },
        ])
        .execute();
      assert.equal(await sweepExpired(db, new Date(now)), 3);
      assert.deepEqual(
        (await db.selectFrom('webauthn_challenges').select('challenge_hash').execute()).map((r) => r.challenge_hash),
        ['live'],
      );
      assert.deepEqual(
        (await db.selectFrom('oidc_payloads').select('id_hash').orderBy('id_hash').execute()).map((r) => r.id_hash),
        ['forever', 'live'],
      );
      assert.deepEqual(
        (await db.selectFrom('failure_counters').select('key').execute()).map((r) => r.key),
        ['live'],
      );
    });
  });
}
