// A sign-in that finishes in the very second its user's sessions were revoked, on SQLite and PostgreSQL. Revocation
// voids everything up to the end of its second (tokens carry whole seconds), so that sign-in is void as well: the
// browser is asked to sign in again — never a server error — and a sign-in a moment later goes through.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { revokeSignInSessions } from '../../src/services/sessions.js';
import { dialects } from '../support/databases.js';
import { codeAfterSignIn, getWithCookies, postStep, startRawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'a long passphrase for kim';

for (const dialect of dialects) {
  describe(`sign-in in the second of a revocation (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    // A quarter into a second, so that the revocation and the sign-in share it.
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000 + 250));

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
      deps = s.runtime.deps;
      await securityDefaults(deps, false);
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
    });
    after(async () => s?.close());

    it('asks the browser to sign in again, then lets the next sign-in through', async () => {
      const kim = await createPasswordUser(deps, 'kim', PASSWORD);
      await revokeSignInSessions(deps, cliContext(), kim.id);
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: kim.userPrincipalName });
      const done = await postStep(flow, s.url, 'password', { password: PASSWORD });
      assert.equal(done.status, 303, done.html.slice(0, 300));
      const resumed = await getWithCookies(flow, new URL(done.location!, s.url).href);
      assert.ok(resumed.status === 302 || resumed.status === 303, `${resumed.status} ${resumed.html.slice(0, 300)}`);
      const again = new URL(resumed.location!, s.url);
      assert.match(again.pathname, /^\/signin\//, `a new sign-in, not ${again.href}`);
      assert.equal(again.searchParams.get('error'), null);

      clock.advance(2);
      const next = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(next, s.url, 'username', { username: kim.userPrincipalName });
      const signedIn = await postStep(next, s.url, 'password', { password: PASSWORD });
      assert.ok(await codeAfterSignIn(next, signedIn, REDIRECT_URI));
    });
  });
}
