// `gatepass app create --delegated-permission` and `gatepass app grant`: an administrator's tenant-wide grant of
// delegated Graph permissions, run as a real child process on both databases, with its audit entries.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime } from '../../src/runtime.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { gatepass, oneJsonObject } from './run-cli.js';

const GRAPH_RESOURCE_ID = '00000003-0000-0000-c000-000000000000';

for (const dialect of dialects) {
  describe(`gatepass app grant on ${dialect}`, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    before(async () => {
      db = await createTestDatabase(dialect);
      env = { ...db.env, GATEPASS_DOMAINS: 'contoso.test', GATEPASS_LOG_LEVEL: 'warn' };
      assert.equal((await gatepass(env, ['migrate'])).code, 0);
    });
    after(() => db.drop());

    it('app create --delegated-permission grants the names for every user, and app grant adds more', async () => {
      const created = await gatepass(env, [
        'app',
        'create',
        '--name',
        'Helpdesk console',
        '--redirect-uri',
        'https://console.example/cb',
        '--delegated-permission',
        'UserAuthenticationMethod.ReadWrite.All',
        '--delegated-permission',
        'User.Read.All',
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const app = oneJsonObject(created.stdout);
      const grant = app.gatepassDelegatedPermissionGrant as Record<string, unknown>;
      assert.equal(grant.consentType, 'AllPrincipals');
      assert.equal(grant.resourceId, GRAPH_RESOURCE_ID);
      assert.equal(grant.scope, 'UserAuthenticationMethod.ReadWrite.All User.Read.All');
      assert.equal(grant.principalId, null);

      const more = await gatepass(env, [
        'app',
        'grant',
        'Helpdesk console',
        'User.Read.All',
        'AuditLog.Read.All',
        '--json',
      ]);
      assert.equal(more.code, 0, more.stderr);
      const after = oneJsonObject(more.stdout);
      assert.equal(after.id, grant.id, 'one grant per app, widened');
      assert.equal(after.scope, 'UserAuthenticationMethod.ReadWrite.All User.Read.All AuditLog.Read.All');
      const text = await gatepass(env, ['app', 'grant', String(app.appId), 'Policy.Read.All']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /Helpdesk console holds, for every user: .*Policy\.Read\.All/);

      const rt = await openRuntime({ config: loadConfig(env) });
      try {
        const audit = await rt.deps.db
          .selectFrom('audit_events')
          .select(['activity_display_name', 'category', 'result'])
          .where('activity_display_name', '=', 'Add delegated permission grant')
          .execute();
        assert.equal(audit.length, 3);
        assert.ok(audit.every((a) => a.category === 'ApplicationManagement' && a.result === 'success'));
      } finally {
        await rt.close();
      }
    });

    it('refuses unknown names, and delegated permissions on a daemon app', async () => {
      const unknown = await gatepass(env, ['app', 'grant', 'Helpdesk console', 'Made.Up']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Made\.Up/);
      const daemon = await gatepass(env, [
        'app',
        'create',
        '--name',
        'Daemon',
        '--permission',
        'User.Read.All',
        '--delegated-permission',
        'User.Read.All',
      ]);
      assert.equal(daemon.code, 2);
      assert.match(daemon.stderr, /web apps only/);
      const badCreate = await gatepass(env, [
        'app',
        'create',
        '--name',
        'Never made',
        '--redirect-uri',
        'https://never.example/cb',
        '--delegated-permission',
        'Nope.All',
      ]);
      assert.equal(badCreate.code, 1);
      assert.match(badCreate.stderr, /Nope\.All/);
      const listed = await gatepass(env, ['app', 'list', '--json']);
      const names = (oneJsonObject(listed.stdout).value as { displayName: string }[]).map((a) => a.displayName);
      assert.ok(!names.includes('Never made'), 'a refused grant creates no app');
      const noApp = await gatepass(env, ['app', 'grant', 'No such app', 'User.Read.All']);
      assert.equal(noApp.code, 1);
      assert.match(noApp.stderr, /No such app/);
    });
  });
}
