// An authorization request for the multi-factor acr is never answered from a weaker session (issue #8 point 5):
// with a password-only session (security defaults off), acr_values=urn:gatepass:acr:mfa shows the sign-in page
// again and ends with an mfa amr; it never silently returns a code. Raw HTTP sign-ins, both stores.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ACR_MFA } from '../../src/domain/signin/factors.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { dialects } from '../support/databases.js';
import {
  codeAfterSignIn,
  csrfOf,
  getWithCookies,
  postStep,
  startRawFlow,
  tokenRequest,
  type RawFlow,
} from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'a password-only session at first';

for (const dialect of dialects) {
  describe(`acr_values above the session's acr re-prompts (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, false);
    });
    after(async () => s?.close());

    it('a password-only session asked for the mfa acr shows the sign-in again and ends with amr mfa', async () => {
      const user = await createPasswordUser(deps, 'stepper', PASSWORD);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: false,
      });
      const { app, secret } = await createWebApp(deps, REDIRECT_URI);
      const client = { clientId: app.appId, secret: secret!.secretText };

      // 1. Password only: a session with the password acr.
      const first = await startRawFlow([s.url], app.appId, REDIRECT_URI);
      await postStep(first, s.url, 'username', { username: user.userPrincipalName });
      const done = await postStep(first, s.url, 'password', { password: PASSWORD });
      await codeAfterSignIn(first, done, REDIRECT_URI);

      // 2. Same browser session, the mfa acr requested: the sign-in page, not a code.
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: app.appId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        acr_values: ACR_MFA,
      });
      const answer = await getWithCookies(first, `${s.url}/oauth2/v2.0/authorize?${query}`);
      assert.ok(answer.location, `authorize redirects: ${answer.status}`);
      const to = new URL(answer.location, s.url);
      assert.equal(to.searchParams.get('code'), null, 'no code from the weaker session');
      assert.match(to.pathname, /^\/signin\//, `the sign-in page again, not ${answer.location}`);
      const page = await getWithCookies(first, to.href);
      const again: RawFlow = {
        origins: [s.url],
        cookies: first.cookies,
        uid: to.pathname.split('/').pop()!,
        csrf: csrfOf(page.html),
        html: page.html,
        verifier,
      };

      // 3. The user signs in again; the pipeline asks for a second factor (the pass) after the password.
      let last = await postStep(again, s.url, 'username', { username: user.userPrincipalName });
      if (/name="password"/.test(again.html)) last = await postStep(again, s.url, 'password', { password: PASSWORD });
      assert.match(again.html, /Temporary Access Pass/, 'a second factor is asked for');
      last = await postStep(again, s.url, 'tap', { tap: issued.temporaryAccessPass });
      const code = await codeAfterSignIn(again, last, REDIRECT_URI);
      const tokens = await tokenRequest(s.url, client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      const idToken = decodeJwt(tokens.body.id_token!);
      assert.ok(Array.isArray(idToken.amr) && idToken.amr.includes('mfa'), JSON.stringify(idToken.amr));
      assert.equal(idToken.acr, ACR_MFA);
    });
  });
}
