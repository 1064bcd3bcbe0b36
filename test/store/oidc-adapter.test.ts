// The oidc-provider adapter on both databases: find/consume/destroy/revokeByGrantId/findByUid/expiry, and no raw
// id, grant id, uid, user code or payload value anywhere in the table.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAdapterFactory } from '../../src/oidc/adapter.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const token = () => randomBytes(32).toString('base64url');

for (const dialect of dialects) {
  describe(`oidc adapter (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      t = await openTestRuntime(dialect, {}, clock);
      deps = t.runtime.deps;
    });
    after(async () => t?.close());

    const factory = () => createAdapterFactory(deps, () => ({ client_id: 'x' }));

    it('stores, finds, consumes once, destroys and revokes by grant', async () => {
      const adapter = factory()('RefreshToken');
      const grantId = token();
      const [a, b] = [token(), token()];
      await adapter.upsert(a, { jti: a, grantId, accountId: 'user-1', kind: 'RefreshToken' }, 3600);
      await adapter.upsert(b, { jti: b, grantId, accountId: 'user-1', kind: 'RefreshToken' }, 3600);
      assert.equal((await adapter.find(a))?.jti, a);
      assert.equal((await adapter.find(a))?.consumed, undefined);
      await adapter.consume(a);
      assert.ok((await adapter.find(a))?.consumed, 'consumed is reported');
      await adapter.destroy(b);
      assert.equal(await adapter.find(b), undefined);
      const c = token();
      await adapter.upsert(c, { jti: c, grantId, kind: 'RefreshToken' }, 3600);
      await adapter.revokeByGrantId(grantId);
      assert.equal(await adapter.find(a), undefined);
      assert.equal(await adapter.find(c), undefined);
    });

    it('finds sessions by uid and interactions by id; expired rows are not found', async () => {
      const sessions = factory()('Session');
      const id = token();
      const uid = token();
      await sessions.upsert(id, { jti: id, uid, accountId: 'user-2', kind: 'Session' }, 60);
      assert.equal((await sessions.findByUid(uid))?.jti, id);
      clock.advance(61);
      assert.equal(await sessions.find(id), undefined);
      assert.equal(await sessions.findByUid(uid), undefined);
    });

    it('keeps no raw id, grant id, uid, user code or payload value in the table', async () => {
      const secrets = {
        id: token(),
        grantId: token(),
        uid: token(),
        userCode: 'ABCD-EFGH',
        marker: `marker-${token()}`,
      };
      const adapter = factory()('DeviceCode');
      await adapter.upsert(
        secrets.id,
        {
          jti: secrets.id,
          grantId: secrets.grantId,
          uid: secrets.uid,
          userCode: secrets.userCode,
          accountId: 'user-3',
          nonce: secrets.marker,
        },
        600,
      );
      assert.equal((await adapter.findByUserCode(secrets.userCode))?.nonce, secrets.marker);
      const rows = await deps.db.selectFrom('oidc_payloads').selectAll().execute();
      const dump = JSON.stringify(rows);
      for (const [name, value] of Object.entries(secrets)) assert.ok(!dump.includes(value), `${name} appears in clear`);
      const row = rows.find((r) => r.model === 'DeviceCode')!;
      assert.equal(row.account_id, 'user-3');
      assert.equal(row.id_hash, deps.keyring.keyedHash('id-hash', secrets.id));
    });

    it('refuses a payload moved to another row (the ciphertext is bound to model and id hash)', async () => {
      const adapter = factory()('AccessToken');
      const [x, y] = [token(), token()];
      await adapter.upsert(x, { jti: x, kind: 'AccessToken' }, 600);
      await adapter.upsert(y, { jti: y, kind: 'AccessToken' }, 600);
      const rowX = await deps.db
        .selectFrom('oidc_payloads')
        .select('payload')
        .where('id_hash', '=', deps.keyring.keyedHash('id-hash', x))
        .executeTakeFirstOrThrow();
      await deps.db
        .updateTable('oidc_payloads')
        .set({ payload: rowX.payload })
        .where('id_hash', '=', deps.keyring.keyedHash('id-hash', y))
        .execute();
      // The AES-GCM tag check fails on the moved ciphertext (its AAD names row x), not some other error.
      await assert.rejects(adapter.find(y), /unable to authenticate data/);
    });
  });
}
