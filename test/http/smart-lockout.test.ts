// No stranger can lock a user out (smart lock-out, as Entra's): 30 wrong passwords from rotating addresses, one every
// five minutes, lock out browsers unfamiliar with the victim — yet the victim's correct password from a browser where
// they signed in before (its signed device cookie) still signs in, and does not unlock the strangers. Reaching the
// lock-out is in the sign-in log with its own code and in the throttle state. Plain HTTP through the real pages, with
// client addresses from X-Forwarded-For, on both stores.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { getThrottleState } from '../../src/services/throttle.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { postStep, startRawFlow, type RawResponse } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';
const DEVICE_COOKIE = 'gp-device';
const VICTIM_ADDRESS = '198.51.100.10';

for (const dialect of dialects) {
  describe(`smart lock-out (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    let victim: UserRecord;
    let other: UserRecord;
    const clock = new ManualClock(new Date());

    before(async () => {
      s = await startTestServer(dialect, { GATEPASS_TRUST_PROXY: '1' }, clock);
      deps = s.runtime.deps;
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
      await securityDefaults(deps, false); // the password alone completes a sign-in here
      victim = await createPasswordUser(deps, 'victim', PASSWORD);
      other = await createPasswordUser(deps, 'other', PASSWORD);
    });
    after(async () => s.close());

    /** One sign-in with `password` from `address`, with `deviceCookie` (a familiar browser) or none. */
    async function signIn(
      user: UserRecord,
      password: string,
      address: string,
      deviceCookie?: string,
    ): Promise<{ res: RawResponse; deviceCookie?: string }> {
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI, address);
      if (deviceCookie !== undefined) flow.cookies.set(DEVICE_COOKIE, deviceCookie);
      await postStep(flow, s.url, 'username', { username: user.userPrincipalName }, address);
      const res = await postStep(flow, s.url, 'password', { password }, address);
      return { res, deviceCookie: flow.cookies.get(DEVICE_COOKIE) };
    }

    const codesLogged = async () =>
      (await deps.db.selectFrom('sign_ins').select(['error_code']).where('user_id', '=', victim.id).execute()).map(
        (r) => Number(r.error_code),
      );

    it('strangers lock out unfamiliar browsers only; the victim signs in from a familiar one', async () => {
      const familiar = await signIn(victim, PASSWORD, VICTIM_ADDRESS);
      assert.equal(familiar.res.status, 303, 'the victim signs in once');
      const cookie = familiar.deviceCookie ?? assert.fail('a completed sign-in makes the browser familiar');
      const otherCookie =
        (await signIn(other, PASSWORD, VICTIM_ADDRESS)).deviceCookie ?? assert.fail('a cookie for the other user');

      // 30 wrong passwords, one every five minutes, from three IPv6 /64s in turn: no attempt is ever throttled.
      for (let i = 0; i < 30; i++) {
        clock.advance(5 * 60);
        const attempt = await signIn(victim, 'a guess at the password', `2001:db8:0:${i % 3}::1`);
        assert.equal(attempt.res.status, 401, `guess ${i + 1} was checked (and wrong)`);
      }

      // An unfamiliar browser with the right password waits the longest delay: the lock-out.
      const unfamiliar = await signIn(victim, PASSWORD, VICTIM_ADDRESS);
      assert.equal(unfamiliar.res.status, 429, unfamiliar.res.html.slice(0, 300));
      assert.match(unfamiliar.res.html, /Wait 300 seconds/);
      assert.ok((await codesLogged()).includes(90140), 'reaching the lock-out is in the sign-in log with its own code');
      const state = await getThrottleState(deps, victim.id);
      assert.equal(state.lockedOut, true);
      assert.equal(state.failures, 30);
      assert.equal(state.familiarBrowsers.failures, 0);

      // A cookie of another user, or a tampered one, is no familiar browser.
      assert.equal(
        (await signIn(victim, PASSWORD, VICTIM_ADDRESS, otherCookie)).res.status,
        429,
        "another user's cookie",
      );
      const tampered = `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`;
      assert.equal((await signIn(victim, PASSWORD, VICTIM_ADDRESS, tampered)).res.status, 429, 'a tampered cookie');

      // The victim's own browser signs in at once, and that does not unlock the strangers.
      const back = await signIn(victim, PASSWORD, VICTIM_ADDRESS, cookie);
      assert.equal(back.res.status, 303, back.res.html.slice(0, 300));
      assert.equal(
        (await signIn(victim, PASSWORD, VICTIM_ADDRESS)).res.status,
        429,
        'an unfamiliar browser still waits',
      );
      assert.equal((await getThrottleState(deps, victim.id)).lockedOut, true);
    });

    it('a familiar browser is throttled too, on its own count', async () => {
      const user = await createPasswordUser(deps, 'thief-target', PASSWORD);
      const cookie = (await signIn(user, PASSWORD, VICTIM_ADDRESS)).deviceCookie!;
      const statuses: number[] = [];
      // From one address, the per-address count throttles a stolen cookie after its free failures.
      for (let i = 0; i < 7; i++)
        statuses.push((await signIn(user, 'a guess at the password', VICTIM_ADDRESS, cookie)).res.status);
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429]);
      const state = await getThrottleState(deps, user.id);
      assert.equal(state.familiarBrowsers.failures, 6);
      assert.equal(state.failures, 0, "the strangers' count is untouched");
    });
  });
}
