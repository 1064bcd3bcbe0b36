// Start-up on both databases: migrations, the tenant, the first admin, keys, and refusal of a foreign server key.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime } from '../../src/runtime.js';
import { GLOBAL_ADMINISTRATOR } from '../../src/domain/roles.js';
import { createTestDatabase, dialects } from '../support/databases.js';

const run = promisify(execFile);

for (const dialect of dialects) {
  describe(`bootstrap on ${dialect}`, () => {
    it('creates the tenant, the credential-less Global Administrator and encrypted keys exactly once', async () => {
      const database = await createTestDatabase(dialect);
      after(() => database.drop());
      const config = loadConfig({ ...database.env, GATEPASS_DOMAINS: 'Contoso.test,fabrikam.test' });
      const first = await openRuntime({ config });
      try {
        assert.equal(first.firstStart.createdAdmin?.userPrincipalName, 'admin@contoso.test');
        assert.deepEqual(
          first.firstStart.tenant.domains.map((d) => d.name),
          ['contoso.test', 'fabrikam.test'],
        );
        const admin = await first.deps.db.selectFrom('users').selectAll().execute();
        assert.equal(admin.length, 1);
        assert.equal(admin[0]!.password_hash, null);
        const roles = await first.deps.db.selectFrom('role_assignments').selectAll().execute();
        assert.deepEqual(
          roles.map((r) => [r.principal_id, r.role_definition_id, r.directory_scope_id]),
          [[admin[0]!.id, GLOBAL_ADMINISTRATOR, '/']],
        );
        const keys = await first.deps.db.selectFrom('signing_keys').selectAll().execute();
        assert.equal(keys.length, 1);
        assert.doesNotMatch(keys[0]!.private_jwk, /"d"\s*:/, 'the private key is stored encrypted');
        const audit = await first.deps.db
          .selectFrom('audit_events')
          .select(['activity_display_name', 'result'])
          .orderBy('activity_display_name')
          .execute();
        assert.deepEqual(
          audit.map((a) => a.activity_display_name),
          ['Add member to role', 'Add user', 'Admin registered security info'],
        );
        assert.ok(first.firstAdminPass, 'the first admin gets a one-time pass');
      } finally {
        await first.close();
      }
      const second = await openRuntime({ config });
      try {
        assert.equal(second.firstStart.createdAdmin, undefined, 'a restart creates nothing');
        assert.equal((await second.deps.db.selectFrom('users').selectAll().execute()).length, 1);
        assert.equal((await second.deps.db.selectFrom('signing_keys').selectAll().execute()).length, 1);
      } finally {
        await second.close();
      }
    });

    it('refuses a server key that does not match the store, and accepts a rotation that lists the old key', async () => {
      const database = await createTestDatabase(dialect);
      after(() => database.drop());
      const original = database.env.GATEPASS_SECRET_KEY!;
      const runtime = await openRuntime({ config: loadConfig(database.env) });
      await runtime.close();
      const foreign = randomBytes(32).toString('base64url');
      await assert.rejects(
        openRuntime({ config: loadConfig({ ...database.env, GATEPASS_SECRET_KEY: foreign }) }),
        /does not match this store/,
      );
      const rotated = await openRuntime({
        config: loadConfig({ ...database.env, GATEPASS_SECRET_KEY: foreign, GATEPASS_PREVIOUS_SECRET_KEYS: original }),
      });
      assert.ok(rotated.firstStart.recordedNewKey);
      await rotated.close();
      const afterRotation = await openRuntime({
        config: loadConfig({ ...database.env, GATEPASS_SECRET_KEY: foreign }),
      });
      await afterRotation.close();
    });
  });
}

describe('migration race on an empty PostgreSQL database', () => {
  it('two processes starting together migrate once and create one tenant, one admin and one signing key', async () => {
    const database = await createTestDatabase('postgres');
    after(() => database.drop());
    const child = () =>
      run(process.execPath, ['--import', 'tsx', 'test/support/migrate-child.ts'], {
        env: { ...process.env, ...database.env },
        timeout: 60_000,
      });
    const outputs = await Promise.all([child(), child(), child()]);
    const created = outputs
      .map((o) => JSON.parse(o.stdout) as { createdAdmin: unknown })
      .filter((o) => o.createdAdmin !== null);
    assert.equal(created.length, 1, 'exactly one process created the admin');
    const check = await openRuntime({ config: loadConfig(database.env) });
    try {
      assert.equal((await check.deps.db.selectFrom('tenants').selectAll().execute()).length, 1);
      assert.equal((await check.deps.db.selectFrom('users').selectAll().execute()).length, 1);
      assert.equal((await check.deps.db.selectFrom('signing_keys').selectAll().execute()).length, 1);
      assert.equal((await check.deps.db.selectFrom('key_checks').selectAll().execute()).length, 1);
    } finally {
      await check.close();
    }
  });
});
