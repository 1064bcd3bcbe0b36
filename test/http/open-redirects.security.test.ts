// Threat: an open redirect. A link that starts on Gatepass's trusted address but ends on an attacker's page (with an
// authorization code, or a convincing "sign in again" form) is a phishing tool. The authorization endpoint sends the
// browser only to a redirect_uri registered for the app, exactly as registered (no prefix or suffix, port, scheme,
// host or encoding tricks); sign-out only to a registered post_logout_redirect_uri; and /my and /admin return only to
// their own pages after a sign-in, whatever `returnTo` says (protocol-relative, backslash, absolute, encoded).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FIRST_PARTY_APPS } from '../../src/domain/first-party-apps.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createWebApp } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const EVIL = 'evil.example';

/** Every way a redirect_uri can look like the registered one and not be it. */
const NEAR_MISSES = [
  `https://${EVIL}/callback`,
  'http://127.0.0.1/callbackx',
  'http://127.0.0.1/callback/',
  'http://127.0.0.1/callback/../evil',
  'http://127.0.0.1/call',
  'http://127.0.0.1/Callback',
  'http://127.0.0.1/%63allback',
  'http://127.0.0.1/callback?next=https://evil.example',
  'http://127.0.0.1/callback#evil',
  'https://127.0.0.1/callback',
  'http://127.0.0.1:8443/callback',
  `http://127.0.0.1.${EVIL}/callback`,
  `http://127.0.0.1@${EVIL}/callback`,
  `http://${EVIL}/http://127.0.0.1/callback`,
  `//${EVIL}/callback`,
  'javascript:alert(1)//http://127.0.0.1/callback',
  ' http://127.0.0.1/callback',
];

/** `returnTo` values that must never leave the app's own pages. */
const HOSTILE_RETURNS = (base: string) => [
  `https://${EVIL}${base}`,
  `//${EVIL}`,
  `///${EVIL}`,
  `/\\${EVIL}`,
  `\\\\${EVIL}`,
  `${base}/\\${EVIL}`,
  `${base}//${EVIL}`,
  `${base}/../../${EVIL}`,
  `${base}/%2e%2e/%2e%2e/${EVIL}`,
  `/%2F%2F${EVIL}`,
  `%2F%2F${EVIL}`,
  `/%5C${EVIL}`,
  `${base}%2f%2f${EVIL}`,
  `${base}%5c${EVIL}`,
  `https:%2F%2F${EVIL}`,
  `${base}?next=//${EVIL}`,
  `${base}#//${EVIL}`,
  `\t//${EVIL}`,
  `javascript:alert(1)`,
];

for (const dialect of dialects) {
  describe(`open redirects (${dialect})`, () => {
    let s: TestServer;
    let clientId: string;

    before(async () => {
      s = await startTestServer(dialect);
      clientId = (await createWebApp(s.runtime.deps, REDIRECT_URI)).app.appId;
    });
    after(async () => s?.close());

    const get = (url: string, headers: Record<string, string> = {}) =>
      s.server.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });

    function authorize(redirectUri: string) {
      const verifier = randomBytes(32).toString('base64url');
      return get(
        `/oauth2/v2.0/authorize?${new URLSearchParams({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid',
          state: 'st',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        })}`,
      );
    }

    it('redirect_uri: only the registered one, exactly', async () => {
      const ok = await authorize(REDIRECT_URI);
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 300));
      assert.match(String(ok.headers.location), /^\/signin\//);
      for (const uri of NEAR_MISSES) {
        const res = await authorize(uri);
        assert.equal(res.statusCode, 400, `${uri}: ${res.statusCode} ${String(res.headers.location)}`);
        assert.equal(res.headers.location, undefined, uri);
        assert.doesNotMatch(res.body, new RegExp(`(href|action)="[^"]*${EVIL.replace('.', '\\.')}`), uri);
      }
    });

    it('post_logout_redirect_uri: only a registered one', async () => {
      const logout = (uri: string) =>
        get(`/oauth2/v2.0/logout?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: uri })}`);
      const ok = await logout('http://127.0.0.1/');
      assert.equal(ok.statusCode, 200, ok.body.slice(0, 300));
      for (const uri of [
        `https://${EVIL}/`,
        'http://127.0.0.1/evil',
        'http://127.0.0.1:8443/',
        'https://127.0.0.1/',
        `http://127.0.0.1.${EVIL}/`,
        `http://127.0.0.1@${EVIL}/`,
        `//${EVIL}/`,
      ]) {
        const res = await logout(uri);
        assert.equal(res.statusCode, 400, `${uri}: ${res.statusCode}`);
        assert.equal(res.headers.location, undefined, uri);
        assert.ok(!res.body.includes(EVIL), `${uri} is not in the page (no form posts there)`);
      }
    });

    for (const app of [FIRST_PARTY_APPS.my, FIRST_PARTY_APPS.admin]) {
      it(`${app.basePath} returnTo: a hostile value is replaced by the app's own page before the sign-in starts`, async () => {
        const deps = s.runtime.deps;
        const returnToOf = (setCookie: unknown): string | undefined => {
          const line = ([] as string[])
            .concat((setCookie as string | string[] | undefined) ?? [])
            .find((c) => c.startsWith(`gp-${app.key}-tx=`));
          assert.ok(line, 'a sign-in transaction starts');
          const sealed = decodeURIComponent(line.slice(line.indexOf('=') + 1, line.indexOf(';')));
          return (
            JSON.parse(deps.keyring.decryptText('secret-encryption', sealed, `${app.key}-tx`)) as { returnTo?: string }
          ).returnTo;
        };
        for (const returnTo of HOSTILE_RETURNS(app.basePath)) {
          const res = await s.server.app.inject({
            method: 'POST',
            url: `${app.basePath}/reauthenticate`,
            headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({ returnTo }).toString(),
          });
          // A value holding a control character is refused at the edge (400, no sign-in started, nowhere to go).
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the subject
          if (/[\u0000-\u001f\u007f]/.test(returnTo)) {
            assert.equal(res.statusCode, 400, JSON.stringify(returnTo));
            assert.equal(res.headers.location, undefined);
            continue;
          }
          assert.equal(res.statusCode, 303, returnTo);
          assert.match(String(res.headers.location), /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/v2\.0\/authorize\?/);
          const kept = returnToOf(res.headers['set-cookie']);
          assert.ok(kept?.startsWith(`${app.basePath}`) && /^(\/[a-z0-9-]+)+$/.test(kept), `${returnTo} → ${kept}`);
        }
      });
    }
  });
}
