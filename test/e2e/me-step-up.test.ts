// Step-up on Graph as on Security info (issue #8 point 5): deleting one's own method through /me needs a recent
// multi-factor sign-in in the token; a password-only token gets 403 (recorded), an admin path is not gated.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, auditRows, graphFetch } from '../support/graph-http.js';
import { codeAfterSignIn, postStep, startRawFlow, tokenRequest } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const SCOPE = 'openid https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite';
const PASSWORD = 'password only, no second factor here';

for (const dialect of dialects) {
  describe(`/me method changes need a recent multi-factor sign-in (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, false);
    });
    after(async () => s?.close());

    it('a password-only token cannot delete its own authenticator app, passkey or pass: 403, told to sign in again with MFA, audited', async () => {
      const user = await createPasswordUser(deps, 'pwdonly', PASSWORD);
      const { app, secret } = await createWebApp(deps, REDIRECT_URI);
      const flow = await startRawFlow([s.url], app.appId, REDIRECT_URI, undefined, { scope: SCOPE });
      await postStep(flow, s.url, 'username', { username: user.userPrincipalName });
      const last = await postStep(flow, s.url, 'password', { password: PASSWORD });
      const code = await codeAfterSignIn(flow, last, REDIRECT_URI);
      const tokens = await tokenRequest(s.url, { clientId: app.appId, secret: secret!.secretText }, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: flow.verifier! });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const token = tokens.body.access_token!;
      for (const segment of ['softwareOathMethods', 'fido2Methods', 'temporaryAccessPassMethods']) {
        const refused = await graphFetch(s.url, 'DELETE', `/me/authentication/${segment}/${randomUUID()}`, token);
        assertFetchedGraphError(refused, 403, 'Authorization_RequestDenied');
        assert.match(refused.body.error!.message, /requires a multi-factor sign-in\. Sign in again with multi-factor authentication/);
      }
      const refusals = (await auditRows(deps)).filter((r) => r.result === 'failure' && r.reason.includes('multi-factor'));
      assert.equal(refusals.length, 3, 'each refusal is recorded');
      // Reading stays allowed: only changes are gated.
      assert.equal((await graphFetch(s.url, 'GET', '/me/authentication/methods', token)).status, 200);
    });
  });
}
