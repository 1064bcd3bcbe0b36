// Errors Fastify raises itself (a URL that does not decode, a content type, a body too large or not JSON, a malformed
// Authorization header, a method the path does not have, no route at all): under /v1.0 and /beta each is Graph's
// envelope with a request id, never Fastify's own {"error","code":"FST_…"}; on the pages each is the HTML error page
// with the pages' Content-Security-Policy.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp } from '../support/tokens.js';
import { assertGraphError, graphRequest } from '../support/graph-http.js';
import { HTML } from '../support/admin-console.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

interface FrameworkCase {
  name: string;
  method: Method;
  url: string;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Sent without the test app's token. */
  anonymous?: boolean;
  status: number;
  code: string;
  allow?: string;
}

const apiCases: FrameworkCase[] = [
  { name: 'bad percent-encoding', method: 'GET', url: '/v1.0/users/%ZZ', status: 400, code: 'Request_BadRequest' },
  {
    name: 'overlong UTF-8 (a dot-dot in disguise)',
    method: 'GET',
    url: '/v1.0/users/%C0%AE%C0%AE',
    status: 400,
    code: 'Request_BadRequest',
  },
  { name: 'bad encoding under /beta', method: 'GET', url: '/beta/users/%ZZ', status: 400, code: 'Request_BadRequest' },
  {
    name: 'unsupported media type',
    method: 'POST',
    url: '/v1.0/users',
    rawBody: 'displayName=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UnsupportedMediaType',
  },
  {
    name: 'body too large',
    method: 'POST',
    url: '/v1.0/users',
    rawBody: JSON.stringify({ displayName: 'x'.repeat(300 * 1024) }),
    headers: { 'content-type': 'application/json' },
    status: 413,
    code: 'Request_BadRequest',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/v1.0/users',
    rawBody: '{"displayName":',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'Request_BadRequest',
  },
  {
    name: 'malformed Authorization header',
    method: 'GET',
    url: '/v1.0/users',
    anonymous: true,
    headers: { authorization: 'Bearer a b c' },
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'Authorization header without a token',
    method: 'GET',
    url: '/v1.0/users',
    anonymous: true,
    headers: { authorization: 'Bearer' },
    status: 401,
    code: 'InvalidAuthenticationToken',
  },
  {
    name: 'method not allowed',
    method: 'PUT',
    url: '/v1.0/users',
    status: 405,
    code: 'Request_BadRequest',
    allow: 'GET, HEAD, POST',
  },
  {
    name: 'method not allowed on an id (any case, trailing slash)',
    method: 'POST',
    url: '/v1.0/Groups/3f1e2d4c-0000-4000-8000-000000000000/',
    status: 405,
    code: 'Request_BadRequest',
    allow: 'DELETE, GET, HEAD, PATCH',
  },
  { name: 'route not found', method: 'GET', url: '/v1.0/nothingHere', status: 404, code: 'BadRequest' },
  { name: 'route not found under /beta', method: 'GET', url: '/beta/users', status: 404, code: 'BadRequest' },
  {
    name: 'a path segment longer than the router takes',
    method: 'GET',
    url: `/v1.0/users/${'a'.repeat(500)}`,
    status: 400,
    code: 'Request_BadRequest',
  },
];

const pageCases: { name: string; method: Method; url: string; body?: string; type?: string; status: number }[] = [
  { name: 'bad percent-encoding on /signin', method: 'GET', url: '/signin/%ZZ', status: 400 },
  { name: 'overlong UTF-8 on /my', method: 'GET', url: '/my/%C0%AE%C0%AE', status: 400 },
  { name: 'bad percent-encoding on /admin', method: 'GET', url: '/admin/users/%ZZ', status: 400 },
  { name: 'method not allowed on /my', method: 'PUT', url: '/my', status: 405 },
  { name: 'method not allowed on /admin/users', method: 'DELETE', url: '/admin/users', status: 405 },
  {
    name: 'no such page, posted',
    method: 'POST',
    url: '/signin',
    body: 'a=b',
    type: 'application/x-www-form-urlencoded',
    status: 404,
  },
  {
    name: 'unsupported media type on a form',
    method: 'POST',
    url: '/admin/users',
    body: '<x/>',
    type: 'application/xml',
    status: 415,
  },
  {
    name: 'a form body too large',
    method: 'POST',
    url: '/admin/users',
    body: `displayName=${'x'.repeat(300 * 1024)}`,
    type: 'application/x-www-form-urlencoded',
    status: 413,
  },
];

for (const dialect of dialects) {
  describe(`framework errors on ${dialect}`, () => {
    let t: TestServer;
    let token = '';
    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      token = (await createTestApp(t.runtime.deps, ['User.ReadWrite.All', 'Group.ReadWrite.All'])).token;
    });
    after(() => t.close());

    for (const c of apiCases) {
      it(`API: ${c.name} is ${c.status} ${c.code} in Graph's envelope`, async () => {
        const res = await graphRequest(t.server.app, c.method, c.url, {
          ...(c.anonymous ? {} : { token }),
          ...(c.rawBody === undefined ? {} : { rawBody: c.rawBody }),
          headers: c.headers ?? {},
        });
        assertGraphError(res, c.status, c.code);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        assert.doesNotMatch(res.raw, /FST_/);
        if (c.allow) assert.equal(res.headers.allow, c.allow);
      });
    }

    it('API: a bad URL over the network is the envelope too, with the request id header', async () => {
      const res = await fetch(`${t.url}/v1.0/users/%ZZ`);
      const body = (await res.json()) as { error: { code: string; innerError: { 'request-id': string } } };
      assert.equal(res.status, 400);
      assert.equal(body.error.code, 'Request_BadRequest');
      assert.equal(res.headers.get('request-id'), body.error.innerError['request-id']);
    });

    for (const c of pageCases) {
      it(`page: ${c.name} is the HTML error page (${c.status})`, async () => {
        const res = await t.server.app.inject({
          method: c.method,
          url: c.url,
          headers: { ...HTML, ...(c.type ? { 'content-type': c.type } : {}) },
          ...(c.body === undefined ? {} : { payload: c.body }),
        });
        assert.equal(res.statusCode, c.status, res.body.slice(0, 300));
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.match(res.body, /<!DOCTYPE html>/i);
        assert.doesNotMatch(res.body, /FST_/);
      });
    }
  });
}
