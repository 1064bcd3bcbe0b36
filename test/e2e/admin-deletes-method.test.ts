// An administrator deletes a user's method through the Microsoft Graph JS client; the next sign-in no longer offers
// or accepts it. Sign-ins run over plain HTTP through the real pages, on SQLite and on PostgreSQL.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { graphJsClient } from '../support/graph-js-client.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import { enrolAuthenticatorApp } from '../support/authenticator-app.js';
import { dialects } from '../support/databases.js';
import { postStep, startRawFlow, type RawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';
import { createTestApp } from '../support/tokens.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const title = (html: string) => /<h1 id="page-title">([^<]*)<\/h1>/.exec(html)?.[1];

for (const dialect of dialects) {
  describe(`an administrator deletes a method (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    let graph: Client;
    // Time moves only when the test says: each sign-in below uses a code of a new 30-second step.
    const clock = new ManualClock(new Date());

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
      deps = s.runtime.deps;
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
      const admin = await createTestApp(deps, ['User.Read.All', 'UserAuthenticationMethod.ReadWrite.All']);
      graph = graphJsClient(s.url, admin.token);
    });
    after(async () => s.close());

    async function signInWithPassword(upn: string, password: string): Promise<RawFlow> {
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: upn });
      await postStep(flow, s.url, 'password', { password });
      return flow;
    }

    it('an authenticator app deleted through Graph stops working at the next sign-in', async () => {
      const password = 'correct horse battery staple';
      const user = await createPasswordUser(deps, 'mona', password);
      const { app, codeNow } = await enrolAuthenticatorApp(deps, cliContext(), user);

      clock.advance(30);
      const before = await signInWithPassword(user.userPrincipalName, password);
      assert.equal(title(before.html), 'Enter code', 'with an app, the password is followed by its code');
      const done = await postStep(before, s.url, 'otp', { otp: codeNow() });
      assert.equal(done.status, 303, 'password + code completes the sign-in');

      await graph.api(`/users/${user.userPrincipalName}/authentication/softwareOathMethods/${app.id}`).delete();
      assert.deepEqual(await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id), []);

      clock.advance(30);
      const afterDelete = await signInWithPassword(user.userPrincipalName, password);
      assert.notEqual(title(afterDelete.html), 'Enter code', 'the deleted app is not asked for');
      assert.equal(title(afterDelete.html), 'You cannot sign in yet');
      assert.match(afterDelete.html, /Ask your helpdesk for a Temporary Access Pass/);
      // A code of the deleted app, posted anyway, is not a way in either.
      const forced = await postStep(afterDelete, s.url, 'otp', { otp: codeNow() });
      assert.notEqual(forced.status, 303);
    });
  });
}
