// The sign-in pages over HTTP: bound to oidc-provider's interaction cookie, CSRF token required, strict CSP,
// no-store caching, accessible form fields, and error pages carrying the correlation id.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash, randomBytes } from 'node:crypto';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createWebApp } from '../support/sign-in-fixtures.js';

for (const dialect of dialects) {
  describe(`sign-in pages (${dialect})`, () => {
    let s: TestServer;
    let clientId: string;

    before(async () => {
      s = await startTestServer(dialect);
      clientId = (await createWebApp(s.runtime.deps, `${s.url}/cb`)).app.appId;
    });
    after(async () => s?.close());

    /** Starts an authorization request; returns the interaction path and the cookies to send with it. */
    async function startInteraction() {
      const verifier = randomBytes(32).toString('base64url');
      const url = new URL(`${s.url}/oauth2/v2.0/authorize`);
      url.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: `${s.url}/cb`,
        response_type: 'code',
        scope: 'openid',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 303);
      const location = res.headers.get('location')!;
      assert.match(location, /^\/signin\/[\w-]+$/);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      return { path: location, cookie };
    }

    it('renders the username step with labelled inputs, strict CSP and no-store', async () => {
      const { path, cookie } = await startInteraction();
      const res = await fetch(`${s.url}${path}`, { headers: { cookie } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /default-src 'none'/);
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
      const html = await res.text();
      assert.match(html, /<label for="username">/);
      assert.match(html, /<input type="email" id="username" name="username"/);
      assert.match(html, /name="csrf" value="[\w-]{20,}"/);
      // Only our own script files (the "Sign in with a passkey" button), never inline script.
      assert.ok(
        [...html.matchAll(/<script\b[^>]*>/gi)].every((m) => /src="\/assets\/webauthn\/[\w.-]+\.js"/.test(m[0])),
        'only /assets script files',
      );
      assert.ok(!/<script[^>]*>[^<]+<\/script>/i.test(html), 'no inline script');
    });

    it('refuses a post without the CSRF token, and a page without the interaction cookie', async () => {
      const { path, cookie } = await startInteraction();
      const noToken = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'username', username: 'alice@gatepass.local' }),
      });
      assert.equal(noToken.status, 403);
      assert.match(await noToken.text(), /not sent from this sign-in page/);

      const noCookie = await fetch(`${s.url}${path}`);
      assert.equal(noCookie.status, 400);
      const html = await noCookie.text();
      assert.match(html, /role="alert"/);
      assert.match(html, new RegExp(`id="correlation-id">${noCookie.headers.get('request-id')}<`));
      assert.match(
        html,
        /id="timestamp" datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</,
      );
    });

    it('shows the same password page for an unknown name as for a real user', async () => {
      const { path, cookie } = await startInteraction();
      const page = await (await fetch(`${s.url}${path}`, { headers: { cookie } })).text();
      const csrf = /name="csrf" value="([\w-]+)"/.exec(page)![1]!;
      const res = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, action: 'username', username: 'Nobody@Gatepass.Local' }),
      });
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /<label for="password">Password<\/label>/);
      assert.match(html, /id="login-name">nobody@gatepass.local</);
      const wrong = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, action: 'password', password: 'whatever it is' }),
      });
      assert.equal(wrong.status, 401);
      assert.match(await wrong.text(), /role="alert".*Your account or password is incorrect/s);
    });

    it('sends /my to the OIDC flow of its built-in client', async () => {
      const res = await fetch(`${s.url}/my`, { redirect: 'manual' });
      assert.equal(res.status, 303);
      const to = new URL(res.headers.get('location')!);
      assert.equal(to.pathname, '/oauth2/v2.0/authorize');
      assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(to.searchParams.get('redirect_uri'), `${s.url}/my/callback`);
      assert.match(res.headers.getSetCookie().join(';'), /gp-my-tx=.*HttpOnly/i);
    });
  });
}
