// Pages oidc-provider renders itself (logout confirmation, its error pages) carry the same Content-Security-Policy
// (frame-ancestors 'none' included) and framing headers as our own pages (issue #8 point 6).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';

const SECURITY_HEADERS = [
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
] as const;

for (const dialect of dialects) {
  describe(`oidc-provider's pages have our security headers (${dialect})`, () => {
    let s: TestServer;
    let ours: Headers;

    before(async () => {
      s = await startTestServer(dialect);
      ours = (await fetch(`${s.url}/assets/gatepass.css`)).headers;
      assert.match(ours.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    });
    after(async () => s?.close());

    const pages: [string, string, number][] = [
      ['the logout page (its auto-submitted confirmation form)', '/oauth2/v2.0/logout', 200],
      ['an authorization error page', '/oauth2/v2.0/authorize?client_id=not-a-client&response_type=code', 400],
    ];
    for (const [name, path, status] of pages)
      it(`${name} (${path.split('?')[0]})`, async () => {
        const res = await fetch(`${s.url}${path}`, { redirect: 'manual' });
        assert.equal(res.status, status, await res.text());
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        // oidc-provider may allow its own inline auto-submit script by hash (never 'unsafe-inline'); otherwise the same.
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.doesNotMatch(csp, /unsafe/);
        assert.equal(csp.replace(/ 'sha256-[A-Za-z0-9+/=]+'/g, ''), ours.get('content-security-policy'));
        for (const header of SECURITY_HEADERS.slice(1)) assert.equal(res.headers.get(header), ours.get(header), header);
      });
  });
}
