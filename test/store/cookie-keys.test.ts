// The cookie keys' rotation schedule (services/cookie-keys.ts) on both stores, with a manual clock: a store made
// before rotation existed is read as it was; a rotation publishes the next key at once and signs with it only after
// the activation delay; the keys it replaces verify until a session cookie they signed can no longer be valid, then
// are removed; two rotations at once both land; `keys rotate` is audited and `keys list` tells each key's state.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import {
  COOKIE_KEYS_SECRET,
  cookieKeySchedule,
  cookieRetentionMs,
  removeExpiredCookieKeys,
  rotateCookieKey,
} from '../../src/services/cookie-keys.js';
import { listKeys, rotateKeys } from '../../src/services/key-rotation.js';
import { loadCookieKeySet } from '../../src/services/provider-keys.js';
import { createKeysRepo } from '../../src/store/repos/keys.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';

const DELAY_SECONDS = 3600;

for (const dialect of dialects) {
  describe(`cookie-key rotation (${dialect})`, () => {
    let t: TestRuntime;
    const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'));
    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_KEY_ACTIVATION_DELAY_SECONDS: String(DELAY_SECONDS) }, clock);
    });
    after(async () => t?.close());
    const deps = () => t.runtime.deps;

    it('reads a list of bare values (a store from before rotation) as active keys, the first signing', async () => {
      const { db, keyring } = deps();
      const legacy = ['first legacy key value', 'second legacy key value'];
      const original = (await createKeysRepo(db).findServerSecret(COOKIE_KEYS_SECRET))!;
      const sealed = keyring.encrypt(
        'secret-encryption',
        JSON.stringify(legacy),
        `server-secret:${COOKIE_KEYS_SECRET}`,
      );
      assert.ok(await createKeysRepo(db).replaceServerSecret(COOKIE_KEYS_SECRET, original, sealed));
      assert.deepEqual((await loadCookieKeySet(deps())).values, legacy);
      assert.ok(await createKeysRepo(db).replaceServerSecret(COOKIE_KEYS_SECRET, sealed, original), 'restored');
    });

    it('publishes a rotated key at once, signs with it after the delay, and drops the old one after retention', async () => {
      const [oldKey] = (await loadCookieKeySet(deps())).kids;
      const rotation = await rotateCookieKey(deps(), deps().db);
      assert.deepEqual(rotation.retiredKids, [oldKey]);
      const published = await loadCookieKeySet(deps());
      assert.deepEqual(published.kids, [oldKey, rotation.kid], 'next key published, the old one still signs');
      assert.equal(published.nextChangeAt, rotation.activatesAt);

      clock.advance(DELAY_SECONDS);
      assert.deepEqual((await loadCookieKeySet(deps())).kids, [rotation.kid, oldKey], 'the new key signs');
      assert.equal(await removeExpiredCookieKeys(deps()), 0, 'the old key verifies while its cookies may live');

      clock.advance(cookieRetentionMs(deps()) / 1000 - 1);
      assert.equal((await loadCookieKeySet(deps())).removable, 0);
      clock.advance(2);
      const set = await loadCookieKeySet(deps());
      assert.equal(set.removable, 1, 'retention is over');
      assert.deepEqual(set.kids, [rotation.kid], 'a removable key no longer verifies');
      assert.equal(await removeExpiredCookieKeys(deps()), 1);
      assert.deepEqual(
        (await cookieKeySchedule(deps())).published.map((k) => k.kid),
        [rotation.kid],
        'and is gone from the store',
      );
    });

    it('lets two rotations at once both land (compare-and-swap, retried)', async () => {
      const before = (await loadCookieKeySet(deps())).kids;
      const [a, b] = await Promise.all([rotateCookieKey(deps(), deps().db), rotateCookieKey(deps(), deps().db)]);
      const kids = (await cookieKeySchedule(deps())).published.map((k) => k.kid);
      for (const kid of [a.kid, b.kid, ...before]) assert.ok(kids.includes(kid), `${kid} is stored`);
    });

    it('audits `keys rotate` and lists every key with its state', async () => {
      clock.advance(DELAY_SECONDS + 1);
      const rotation = await rotateKeys(deps(), cliContext());
      const [event] = await deps()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Rotate keys')
        .execute();
      assert.ok(event, 'the rotation is in the audit log');
      assert.equal(event.result, 'success');
      assert.match(JSON.stringify(event), new RegExp(rotation.signing.kid));
      assert.match(JSON.stringify(event), new RegExp(rotation.cookies.kid));

      const listed = await listKeys(deps());
      const stateOf = (kid: string) => listed.find((k) => k.kid === kid)?.state;
      assert.equal(stateOf(rotation.signing.kid), 'next');
      assert.equal(stateOf(rotation.cookies.kid), 'next');
      for (const kid of [...rotation.signing.retiredKids, ...rotation.cookies.retiredKids])
        assert.equal(stateOf(kid), 'current', 'the keys it replaces sign until the activation');
      clock.advance(DELAY_SECONDS);
      const later = await listKeys(deps());
      assert.equal(later.find((k) => k.kid === rotation.signing.kid)?.state, 'current');
      assert.equal(later.find((k) => k.kid === rotation.cookies.kid)?.state, 'current');
      for (const kid of rotation.cookies.retiredKids) assert.equal(later.find((k) => k.kid === kid)?.state, 'retired');
    });
  });
}
