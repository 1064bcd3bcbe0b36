// PKCE is required of every app (issue #8 point 7): an authorization request without code_challenge is refused, and
// a code is only redeemed with its own code_verifier. Raw HTTP sign-ins, both stores.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { codeAfterSignIn, getWithCookies, postStep, startRawFlow, tokenRequest } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'proof key for code exchange, long';

for (const dialect of dialects) {
  describe(`PKCE is required (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let client: { clientId: string; secret: string };
    let upn: string;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, false);
      upn = (await createPasswordUser(deps, 'pkce', PASSWORD)).userPrincipalName;
      const { app, secret } = await createWebApp(deps, REDIRECT_URI);
      client = { clientId: app.appId, secret: secret!.secretText };
    });
    after(async () => s?.close());

    it('an authorization request without code_challenge goes back to the app with invalid_request, no sign-in page', async () => {
      const query = new URLSearchParams({
        client_id: client.clientId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        state: 'st',
      });
      const res = await getWithCookies({ cookies: new Map() }, `${s.url}/oauth2/v2.0/authorize?${query}`);
      const back = new URL(res.location ?? 'http://invalid/');
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI, `back at the app: ${res.status} ${res.location}`);
      assert.equal(back.searchParams.get('error'), 'invalid_request');
      assert.match(back.searchParams.get('error_description') ?? '', /requires PKCE/);
    });

    it('a code is refused without its code_verifier or with another one, and redeemed with its own', async () => {
      const flow = await startRawFlow([s.url], client.clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: upn });
      const code = await codeAfterSignIn(
        flow,
        await postStep(flow, s.url, 'password', { password: PASSWORD }),
        REDIRECT_URI,
      );
      const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
      const without = await tokenRequest(s.url, client, form);
      assert.equal(without.status, 400, JSON.stringify(without.body));
      assert.equal(without.body.error, 'invalid_grant');
      const wrong = await tokenRequest(s.url, client, {
        ...form,
        code_verifier: randomBytes(32).toString('base64url'),
      });
      assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
      assert.equal(wrong.body.error, 'invalid_grant');
      assert.equal(wrong.body.access_token, undefined);
    });

    it('with its own code_verifier a fresh code is redeemed', async () => {
      const flow = await startRawFlow([s.url], client.clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: upn });
      const code = await codeAfterSignIn(
        flow,
        await postStep(flow, s.url, 'password', { password: PASSWORD }),
        REDIRECT_URI,
      );
      const ok = await tokenRequest(s.url, client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: flow.verifier!,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });
  });
}
