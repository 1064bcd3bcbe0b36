// Applications service on both databases: validation naming the field, secrets shown once and kept as keyed
// hashes, expiry, audit events (never the secret), the built-in /my client.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import {
  MY_APP_CLIENT_ID,
  addApplicationSecret,
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  removeApplicationSecret,
  toGraphApplication,
} from '../../src/services/applications.js';
import type { Deps } from '../../src/services/deps.js';
import { createAuditEventsRepo } from '../../src/store/repos/audit-events.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { clientSecretWorks } from '../support/client-secret.js';

type Refusal = Error & { code?: string; status?: number; target?: string };

for (const dialect of dialects) {
  describe(`applications (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));

    before(async () => {
      t = await openTestRuntime(dialect, {}, clock);
      deps = t.runtime.deps;
    });
    after(async () => t?.close());

    it('refuses bad input with a 400 naming the field, and audits the refusal', async () => {
      const cases: [Parameters<typeof createApplication>[2], string, RegExp][] = [
        [{ displayName: 'd', kind: 'daemon', permissions: ['User.Fly.All'] }, 'permissions', /User\.Fly\.All/],
        [{ displayName: 'd', kind: 'daemon', permissions: [] }, 'permissions', /at least one/],
        [{ displayName: 'w', kind: 'web', redirectUris: [] }, 'redirectUris', /at least one redirect URI/],
        [{ displayName: 'w', kind: 'web', redirectUris: ['http://app.example.com/cb'] }, 'redirectUris[0]', /https/],
        [{ displayName: 'w', kind: 'web', redirectUris: ['not a url'] }, 'redirectUris[0]', /absolute URL/],
        [{ displayName: '', kind: 'web', redirectUris: ['https://app.example.com/cb'] }, 'displayName', /displayName/],
        [
          { displayName: 'd', kind: 'daemon', permissions: ['User.Read.All'], secretLifetimeDays: 5000 },
          'secretLifetimeDays',
          /between 1 and 730/,
        ],
      ];
      for (const [input, target, message] of cases) {
        const ctx = cliContext();
        await assert.rejects(
          createApplication(deps, ctx, input),
          (e: Refusal) => e.status === 400 && e.target === target && message.test(e.message),
        );
        const events = await createAuditEventsRepo(deps.db).listRecentAuditEvents(100);
        const refusal = events.find((e) => e.correlationId === ctx.correlationId);
        assert.equal(refusal?.result, 'failure');
        assert.equal(refusal?.activityDisplayName, 'Add application');
      }
    });

    it('creates a daemon app with a secret shown once and stored as a keyed hash', async () => {
      const ctx = cliContext();
      const { app, secret } = await createApplication(deps, ctx, {
        displayName: 'Provisioning',
        kind: 'daemon',
        permissions: ['User.ReadWrite.All', 'User.ReadWrite.All'],
      });
      assert.deepEqual(app.permissions, ['User.ReadWrite.All']);
      assert.match(secret.secretText, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
      assert.equal(secret.hint, secret.secretText.slice(0, 3));
      assert.equal(new Date(secret.endDateTime).getTime() - new Date(secret.startDateTime).getTime(), 180 * 86_400_000);
      const rows = JSON.stringify(await deps.db.selectFrom('application_secrets').selectAll().execute());
      assert.ok(!rows.includes(secret.secretText));
      assert.ok(await clientSecretWorks(deps, app.appId, secret.secretText));
      assert.ok(!(await clientSecretWorks(deps, app.appId, secret.secretText.slice(0, -1))));
      const graph = toGraphApplication(await getApplication(deps, app.appId));
      assert.equal((graph.passwordCredentials as { secretText: null }[])[0]!.secretText, null);
      const events = (await createAuditEventsRepo(deps.db).listRecentAuditEvents(100)).filter(
        (e) => e.correlationId === ctx.correlationId,
      );
      assert.deepEqual(events.map((e) => e.activityDisplayName).sort(), [
        'Add application',
        'Update application – Certificates and secrets management',
      ]);
      assert.ok(
        events.every((e) => e.category === 'ApplicationManagement' && !JSON.stringify(e).includes(secret.secretText)),
      );
    });

    it('refuses an expired secret; adds and removes secrets; deletes by name', async () => {
      const { app } = await createApplication(deps, cliContext(), {
        displayName: 'Short lived',
        kind: 'web',
        redirectUris: ['http://localhost:8080/cb'],
      });
      const extra = await addApplicationSecret(deps, cliContext(), 'Short lived', { lifetimeDays: 1 });
      assert.ok(await clientSecretWorks(deps, app.appId, extra.secretText));
      clock.advance(86_400 + 1);
      assert.ok(!(await clientSecretWorks(deps, app.appId, extra.secretText)), 'expired');
      await removeApplicationSecret(deps, cliContext(), app.appId, extra.keyId);
      await assert.rejects(
        removeApplicationSecret(deps, cliContext(), app.appId, extra.keyId),
        (e: Refusal) => e.code === 'notFound' && e.target === 'keyId',
      );
      await deleteApplication(deps, cliContext(), 'Short lived');
      await assert.rejects(getApplication(deps, app.appId), (e: Refusal) => e.code === 'notFound');
    });

    it('has the built-in /my client, which cannot be deleted', async () => {
      const apps = await listApplications(deps);
      const my = apps.find((a) => a.appId === MY_APP_CLIENT_ID);
      assert.equal(my?.kind, 'builtin');
      await assert.rejects(deleteApplication(deps, cliContext(), MY_APP_CLIENT_ID), (e: Refusal) => e.status === 400);
    });
  });
}
