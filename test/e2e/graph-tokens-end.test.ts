// Graph tokens and refresh tokens end with what issued them (issue #8 points 4 and 7): a token from a pass sign-in
// is refused once the pass is deleted or replaced, and its refresh token no longer refreshes; a user token is
// refused once the app it was issued to is deleted. Real sign-ins over HTTP (password + pass), on both stores.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { createApplication, deleteApplication } from '../../src/services/applications.js';
import type { Deps } from '../../src/services/deps.js';
import { sweepExpired } from '../../src/services/sweeper.js';
import { deleteTemporaryAccessPass, issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, graphFetch } from '../support/graph-http.js';
import { codeAfterSignIn, postStep, startRawFlow, tokenRequest } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const SCOPE = 'openid offline_access https://graph.microsoft.com/UserAuthenticationMethod.Read';

for (const dialect of dialects) {
  describe(`Graph tokens end with the pass and the app that issued them (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;

    async function webApp() {
      const { app, secret } = await createApplication(deps, cliContext(), {
        displayName: `Ends ${randomUUID().slice(0, 6)}`,
        kind: 'web',
        redirectUris: [REDIRECT_URI],
      });
      return { clientId: app.appId, secret: secret!.secretText };
    }

    /** A user who signs in with password + pass (security defaults on); the tokens of that sign-in. */
    async function passSignIn(name: string, client: { clientId: string; secret: string }) {
      const password = `${name} signs in with a pass, long phrase`;
      const user: UserRecord = await createPasswordUser(deps, `${name}-${randomUUID().slice(0, 6)}`, password);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: false,
      });
      const flow = await startRawFlow([s.url], client.clientId, REDIRECT_URI, undefined, { scope: SCOPE });
      await postStep(flow, s.url, 'username', { username: user.userPrincipalName });
      await postStep(flow, s.url, 'password', { password });
      const last = await postStep(flow, s.url, 'tap', { tap: issued.temporaryAccessPass });
      assert.equal(last.status, 303, last.html.slice(0, 300));
      const code = await codeAfterSignIn(flow, last, REDIRECT_URI);
      const tokens = await tokenRequest(s.url, client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: flow.verifier!,
      });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      return { user, passId: issued.pass.id, access: tokens.body.access_token!, refresh: tokens.body.refresh_token! };
    }

    const me = (token: string) => graphFetch(s.url, 'GET', '/me/authentication/methods', token);

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, true);
    });
    after(async () => s?.close());

    it('the access token of a pass sign-in carries amr, auth_time and the pass (gp_tap)', async () => {
      const signedIn = await passSignIn('claims', await webApp());
      const claims = decodeJwt(signedIn.access);
      assert.ok(
        Array.isArray(claims.amr) && claims.amr.includes('tap') && claims.amr.includes('pwd'),
        JSON.stringify(claims.amr),
      );
      assert.equal(typeof claims.auth_time, 'number');
      assert.equal(claims.gp_tap, signedIn.passId);
      assert.equal((await me(signedIn.access)).status, 200);
    });

    it('deleting the pass ends its Graph token (401) and its refresh token (invalid_grant)', async () => {
      const client = await webApp();
      const signedIn = await passSignIn('deleted', client);
      assert.equal((await me(signedIn.access)).status, 200);
      await deleteTemporaryAccessPass(deps, cliContext(), signedIn.user.id, signedIn.passId);
      const refused = await me(signedIn.access);
      assertFetchedGraphError(refused, 401, 'InvalidAuthenticationToken');
      assert.match(refused.body.error!.message, /Temporary Access Pass .* deleted, replaced or has ended/);
      const refreshed = await tokenRequest(s.url, client, {
        grant_type: 'refresh_token',
        refresh_token: signedIn.refresh,
      });
      assert.equal(refreshed.status, 400, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.error, 'invalid_grant');
    });

    it("replacing the pass ends the old pass's Graph token (401) and refresh token (invalid_grant)", async () => {
      const client = await webApp();
      const signedIn = await passSignIn('replaced', client);
      assert.equal((await me(signedIn.access)).status, 200);
      await issueTemporaryAccessPass(deps, cliContext(), signedIn.user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: false,
      });
      assertFetchedGraphError(await me(signedIn.access), 401, 'InvalidAuthenticationToken');
      const refreshed = await tokenRequest(s.url, client, {
        grant_type: 'refresh_token',
        refresh_token: signedIn.refresh,
      });
      assert.equal(refreshed.status, 400, JSON.stringify(refreshed.body));
      assert.equal(refreshed.body.error, 'invalid_grant');
    });

    it('deleting the pass leaves nothing of its sign-in in the store, even a grant only its browser session names', async () => {
      // The app never redeemed its code, which expired and was swept: now only the provider session (through the
      // grant ids inside its encrypted payload) leads to the grant that sign-in made.
      const password = 'leftovers signs in with a pass, long phrase';
      const user = await createPasswordUser(deps, `leftovers-${randomUUID().slice(0, 6)}`, password);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: false,
      });
      const flow = await startRawFlow([s.url], (await webApp()).clientId, REDIRECT_URI, undefined, { scope: 'openid' });
      await postStep(flow, s.url, 'username', { username: user.userPrincipalName });
      await postStep(flow, s.url, 'password', { password });
      await codeAfterSignIn(
        flow,
        await postStep(flow, s.url, 'tap', { tap: issued.temporaryAccessPass }),
        REDIRECT_URI,
      );
      await sweepExpired(deps.db, new Date(Date.now() + 5 * 60_000)); // codes live 60 s
      const rowsOf = async () =>
        (await deps.db.selectFrom('oidc_payloads').select(['model']).where('account_id', '=', user.id).execute())
          .map((r) => r.model)
          .sort();
      assert.deepEqual(await rowsOf(), ['Grant', 'Session'], 'the code was swept; the session and its grant remain');
      await deleteTemporaryAccessPass(deps, cliContext(), user.id, issued.pass.id);
      assert.deepEqual(await rowsOf(), [], 'no session or grant of the pass sign-in remains');
    });

    it('deleting the app ends the user tokens issued to it (401)', async () => {
      const client = await webApp();
      const signedIn = await passSignIn('appgone', client);
      assert.equal((await me(signedIn.access)).status, 200);
      await deleteApplication(deps, cliContext(), client.clientId);
      const refused = await me(signedIn.access);
      assertFetchedGraphError(refused, 401, 'InvalidAuthenticationToken');
      assert.match(refused.body.error!.message, /application the token was issued to no longer exists/);
    });
  });
}
