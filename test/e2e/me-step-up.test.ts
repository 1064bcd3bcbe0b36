// Step-up on Graph as on Security info (issue #8 point 5): deleting one's own method through /me needs a recent
// multi-factor sign-in in the token; a password-only token gets 403 (recorded), an admin path is not gated.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { ACR_MFA } from '../../src/domain/signin/factors.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, auditRows, graphFetch } from '../support/graph-http.js';
import { codeAfterSignIn, postStep, startRawFlow, tokenRequest } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const SCOPE = 'openid https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite';
const PASSWORD = 'password only, no second factor here';

for (const dialect of dialects) {
  describe(`/me method changes need a recent multi-factor sign-in (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    // Real time to start with (oidc-provider keeps its own clock); moved forward to age a sign-in.
    const clock = new ManualClock(new Date());

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
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
      const tokens = await tokenRequest(
        s.url,
        { clientId: app.appId, secret: secret!.secretText },
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: flow.verifier! },
      );
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const token = tokens.body.access_token!;
      for (const segment of ['softwareOathMethods', 'fido2Methods', 'temporaryAccessPassMethods']) {
        const refused = await graphFetch(s.url, 'DELETE', `/me/authentication/${segment}/${randomUUID()}`, token);
        assertFetchedGraphError(refused, 403, 'Authorization_RequestDenied');
        assert.match(
          refused.body.error!.message,
          /requires a multi-factor sign-in\. Sign in again with multi-factor authentication/,
        );
      }
      const refusals = (await auditRows(deps)).filter(
        (r) => r.result === 'failure' && r.reason.includes('multi-factor'),
      );
      assert.equal(refusals.length, 3, 'each refusal is recorded');
      // Reading stays allowed: only changes are gated.
      assert.equal((await graphFetch(s.url, 'GET', '/me/authentication/methods', token)).status, 200);
    });

    it('a multi-factor token may delete within the window; once the sign-in is older, even a refreshed token gets 403', async () => {
      const user = await createPasswordUser(deps, 'stale', PASSWORD);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: false,
      });
      const { app, secret } = await createWebApp(deps, REDIRECT_URI);
      const client = { clientId: app.appId, secret: secret!.secretText };
      // acr_values asks for MFA (security defaults are off here): password, then the pass.
      const flow = await startRawFlow([s.url], app.appId, REDIRECT_URI, undefined, {
        scope: `${SCOPE} offline_access`,
        acr_values: ACR_MFA,
      });
      await postStep(flow, s.url, 'username', { username: user.userPrincipalName });
      await postStep(flow, s.url, 'password', { password: PASSWORD });
      const last = await postStep(flow, s.url, 'tap', { tap: issued.temporaryAccessPass });
      const code = await codeAfterSignIn(flow, last, REDIRECT_URI);
      const tokens = await tokenRequest(s.url, client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: flow.verifier!,
      });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      // Fresh: the gate lets it through (the made-up id is then simply not found).
      assert.equal(
        (
          await graphFetch(
            s.url,
            'DELETE',
            `/me/authentication/softwareOathMethods/${randomUUID()}`,
            tokens.body.access_token!,
          )
        ).status,
        404,
      );

      clock.advance(11 * 60); // past the 10-minute window, well within the pass's hour
      const refreshed = await tokenRequest(s.url, client, {
        grant_type: 'refresh_token',
        refresh_token: tokens.body.refresh_token!,
      });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const stale = await graphFetch(
        s.url,
        'DELETE',
        `/me/authentication/softwareOathMethods/${randomUUID()}`,
        refreshed.body.access_token!,
      );
      assertFetchedGraphError(stale, 403, 'Authorization_RequestDenied');
      assert.match(
        stale.body.error!.message,
        /too old to change sign-in methods\. Sign in again with multi-factor authentication/,
      );
    });
  });
}
