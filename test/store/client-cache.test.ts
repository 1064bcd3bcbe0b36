// The client cache behind oidc-provider's client lookups, on both databases: it holds an application and its
// secrets while the store's change count stands still, and every write — made through another handle on the same
// database, as another process (the CLI, a second server) would make it — moves the count, so the next lookup reads
// the change.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import {
  addApplicationSecret,
  createApplication,
  deleteApplication,
  removeApplicationSecret,
  validSecretHashes,
} from '../../src/services/applications.js';
import { createClientCache } from '../../src/services/client-cache.js';
import type { Deps } from '../../src/services/deps.js';
import { createApplicationsRepo } from '../../src/store/repos/applications.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';

const DAY = 86_400_000;

for (const dialect of dialects) {
  describe(`client cache (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    /** A second runtime on the same database: the writes of another process. */
    let other: Runtime;
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));

    before(async () => {
      t = await openTestRuntime(dialect, {}, clock);
      deps = t.runtime.deps;
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...t.database.env });
      other = await openRuntime({ config, clock });
    });
    after(async () => {
      await other?.close();
      await t?.close();
    });

    const daemon = async (name: string) =>
      createApplication(other.deps, cliContext(), {
        displayName: name,
        kind: 'daemon',
        permissions: ['User.Read.All'],
      });

    it('holds a client while nothing changes, and reads the writes of another process at the next lookup', async () => {
      const cache = createClientCache(deps);
      const { app, secret } = await daemon('Cached daemon');
      const first = await cache.find(app.appId);
      assert.equal(first?.app.displayName, 'Cached daemon');
      assert.deepEqual(validSecretHashes(first!.secrets, clock.now().getTime()), [
        deps.keyring.keyedHash('client-secret-hash', secret.secretText),
      ]);
      assert.equal(await cache.find(app.appId.toUpperCase()), first, 'held, not read again');

      const added = await addApplicationSecret(other.deps, cliContext(), app.appId, { displayName: 'second' });
      const afterAdd = await cache.find(app.appId);
      assert.notEqual(afterAdd, first);
      assert.equal(afterAdd?.secrets.length, 2);

      await removeApplicationSecret(other.deps, cliContext(), app.appId, secret.keyId);
      const afterRemove = await cache.find(app.appId);
      assert.deepEqual(
        validSecretHashes(afterRemove!.secrets, clock.now().getTime()),
        [deps.keyring.keyedHash('client-secret-hash', added.secretText)],
        'the removed secret is gone at once',
      );

      await other.deps.db
        .updateTable('applications')
        .set({ display_name: 'Renamed daemon' })
        .where('app_id', '=', app.appId)
        .execute();
      assert.equal((await cache.find(app.appId))?.app.displayName, 'Renamed daemon');

      await deleteApplication(other.deps, cliContext(), app.appId);
      assert.equal(await cache.find(app.appId), undefined, 'a deleted application is not found');
    });

    it('counts every insert, update and delete of applications and of their secrets', async () => {
      const count = () => createApplicationsRepo(deps.db).readChangeCount();
      const steps: [string, () => Promise<unknown>][] = [];
      const { app, secret } = await daemon('Counted daemon');
      steps.push(
        ['insert a secret', () => addApplicationSecret(other.deps, cliContext(), app.appId, {})],
        [
          'update a secret',
          () => other.deps.db.updateTable('application_secrets').set({ display_name: 'x' }).execute(),
        ],
        ['delete a secret', () => removeApplicationSecret(other.deps, cliContext(), app.appId, secret.keyId)],
        ['insert an application', () => daemon('Another daemon')],
        [
          'update an application',
          () =>
            other.deps.db
              .updateTable('applications')
              .set({ display_name: 'y' })
              .where('app_id', '=', app.appId)
              .execute(),
        ],
        ['delete an application', () => deleteApplication(other.deps, cliContext(), app.appId)],
      );
      for (const [step, write] of steps) {
        const before = await count();
        await write();
        assert.ok((await count()) > before, `${step} moves the count`);
      }
    });

    it('offers only the secrets valid now', async () => {
      const cache = createClientCache(deps);
      const { app } = await daemon('Expiring daemon');
      const client = await cache.find(app.appId);
      const [secret] = client!.secrets;
      assert.equal(validSecretHashes(client!.secrets, secret!.startAt - 1).length, 0, 'not yet valid');
      assert.equal(validSecretHashes(client!.secrets, secret!.endAt - 1).length, 1);
      assert.equal(validSecretHashes(client!.secrets, secret!.endAt).length, 0, 'expired at its end');
      assert.equal(validSecretHashes(client!.secrets, clock.now().getTime() + 181 * DAY).length, 0);
    });

    it('finds nothing for an id that is not a GUID or names no application', async () => {
      const cache = createClientCache(deps);
      assert.equal(await cache.find('not-a-guid'), undefined);
      assert.equal(await cache.find('00000000-0000-4000-8000-000000000000'), undefined);
    });
  });
}
