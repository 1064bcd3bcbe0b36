// Threat: a response without the browser's safety headers — a JSON error sniffed as HTML and run as script, a page
// framed by another site (clickjacking), a URL with codes in it leaked through Referer, or a first visit over
// plain http downgraded. Every answer carries nosniff, Referrer-Policy and a Content-Security-Policy (the API's JSON,
// health checks, redirects, oidc-provider's endpoints, 404s, refusals), and HSTS whenever the public address is https.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { makeSelfSignedCertificate } from '../support/tls.js';

type Probe = [name: string, method: 'GET' | 'POST' | 'PATCH', url: string, headers?: Record<string, string>];

// One of each kind of answer: every part of the app, success and refusal, JSON and HTML.
const PROBES: Probe[] = [
  ['Graph without a token (401)', 'GET', '/v1.0/users'],
  ['Graph with a malformed token (401)', 'GET', '/beta/users', { authorization: 'Bearer not.a.token' }],
  ['Graph: unknown segment (404)', 'GET', '/v1.0/nothingHere'],
  ['Graph: method not allowed or unknown', 'PATCH', '/v1.0/users'],
  ['Graph: malformed JSON', 'POST', '/v1.0/users', { 'content-type': 'application/json' }],
  ['Graph: bad URL encoding (refused before any hook)', 'GET', '/v1.0/users/%ZZ'],
  ['a page: bad URL encoding', 'GET', '/my/%C0%AE%C0%AE', { accept: 'text/html' }],
  ['health', 'GET', '/healthz'],
  ['readiness', 'GET', '/readyz'],
  ['discovery (oidc-provider)', 'GET', '/.well-known/openid-configuration'],
  ['token endpoint refusal (oidc-provider)', 'POST', '/oauth2/v2.0/token'],
  ['authorization error page (oidc-provider)', 'GET', '/oauth2/v2.0/authorize?client_id=nobody'],
  ['an expired sign-in page', 'GET', '/signin/no-such-interaction'],
  ['/my, signed out (redirect)', 'GET', '/my', { accept: 'text/html' }],
  ['/admin, signed out (redirect)', 'GET', '/admin', { accept: 'text/html' }],
  ['a browser 404', 'GET', '/no/such/page', { accept: 'text/html' }],
  ['the service root in a browser', 'GET', '/', { accept: 'text/html' }],
  ['a stylesheet', 'GET', '/assets/gatepass.css'],
];

async function answers(app: FastifyInstance) {
  const out: { name: string; status: number; headers: Record<string, unknown> }[] = [];
  for (const [name, method, url, headers] of PROBES) {
    const res = await app.inject({ method, url, headers, ...(method === 'GET' ? {} : { payload: '{"broken"' }) });
    out.push({ name, status: res.statusCode, headers: res.headers });
  }
  return out;
}

function assertBaseline(a: { name: string; status: number; headers: Record<string, unknown> }): void {
  const label = `${a.name} (${a.status})`;
  assert.ok(a.status < 500, label);
  assert.equal(a.headers['x-content-type-options'], 'nosniff', label);
  assert.equal(a.headers['referrer-policy'], 'no-referrer', label);
  const csp = String(a.headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'none'/, label);
  assert.match(csp, /frame-ancestors 'none'/, label);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, label);
}

describe('security headers on every answer, over http', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite');
  });
  after(async () => s?.close());

  it('nosniff, Referrer-Policy and a CSP everywhere; no HSTS over plain http', async () => {
    const all = await answers(s.server.app);
    assert.ok(all.some((a) => String(a.headers['content-type']).startsWith('text/html')));
    assert.ok(all.some((a) => String(a.headers['content-type']).startsWith('application/json')));
    for (const a of all) {
      assertBaseline(a);
      assert.equal(a.headers['strict-transport-security'], undefined, a.name);
    }
  });
});

describe('security headers on every answer, over https', () => {
  const tls = makeSelfSignedCertificate();
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { GATEPASS_TLS_CERT: tls.cert, GATEPASS_TLS_KEY: tls.key });
  });
  after(async () => {
    await s?.close();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it('the same headers, and HSTS on every answer', async () => {
    for (const a of await answers(s.server.app)) {
      assertBaseline(a);
      assert.match(String(a.headers['strict-transport-security'] ?? ''), /^max-age=\d{7,}/, a.name);
    }
  });
});
