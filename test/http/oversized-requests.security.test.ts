// Threat: memory and CPU exhaustion, or a crash, from oversized input. A body over the limit (256 KiB) is refused
// with 413 before it is parsed, on the Graph API, the sign-in, Security info, the admin center and oidc-provider's
// token endpoint; headers (or a URL) over Node's limit are refused with 431. Never a 500, and the server keeps
// serving afterwards.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp } from '../support/tokens.js';

const BIG_BODY = 300 * 1024;

/** One raw HTTP/1.1 exchange: the status line's code (headers this large never reach the app). */
function rawStatus(url: string, head: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    // Node answers, then drops the connection while the rest of the request is still arriving (a reset): the
    // status line already read is the answer.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
  });
}

describe('oversized requests', () => {
  let s: TestServer;
  let token: string;
  before(async () => {
    s = await startTestServer('sqlite');
    token = (await createTestApp(s.runtime.deps, ['User.ReadWrite.All'])).token;
  });
  after(async () => s?.close());

  for (const [path, type] of [
    ['/v1.0/users', 'application/json'],
    ['/beta/users', 'application/json'],
    ['/signin/some-interaction', 'application/x-www-form-urlencoded'],
    ['/signin/some-interaction/passkey/options', 'application/json'],
    ['/my/security-info/password', 'application/x-www-form-urlencoded'],
    ['/admin/users', 'application/x-www-form-urlencoded'],
    ['/oauth2/v2.0/token', 'application/x-www-form-urlencoded'],
  ] as const)
    it(`a ${BIG_BODY / 1024} KiB body to ${path}: refused before it is read, never 500`, async () => {
      const body =
        type === 'application/json'
          ? JSON.stringify({ displayName: 'x'.repeat(BIG_BODY) })
          : `a=${'x'.repeat(BIG_BODY)}`;
      const res = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': type,
          accept: type === 'application/json' ? 'application/json' : 'text/html',
          // A signed-in caller: the API refuses the size, not the missing token.
          ...(path.startsWith('/v1.0') || path.startsWith('/beta') ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
      const text = await res.text();
      if (path === '/oauth2/v2.0/token') {
        // oidc-provider reads its own bodies, with a smaller limit, and answers in OAuth's shape.
        assert.equal(res.status, 400, text.slice(0, 300));
        return;
      }
      assert.equal(res.status, 413, `${path}: ${res.status} ${text.slice(0, 300)}`);
      if (type === 'application/json' && !path.startsWith('/signin'))
        assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'Request_BadRequest');
      else assert.match(text, /^<!DOCTYPE html>/);
    });

  it('a header, a URL or a header count over the limit: 431, never 500; the server still serves', async () => {
    const host = `Host: ${new URL(s.url).host}\r\n`;
    const big = 'x'.repeat(64 * 1024);
    assert.equal(await rawStatus(s.url, `GET /healthz HTTP/1.1\r\n${host}X-Big: ${big}\r\n\r\n`), 431);
    assert.equal(await rawStatus(s.url, `GET /v1.0/users?$filter=${big} HTTP/1.1\r\n${host}\r\n`), 431);
    assert.equal(await rawStatus(s.url, `GET /my HTTP/1.1\r\n${host}Cookie: gp-my=${big}\r\n\r\n`), 431);
    const many = Array.from({ length: 4000 }, (_, i) => `X-H${i}: v\r\n`).join('');
    assert.equal(await rawStatus(s.url, `GET /healthz HTTP/1.1\r\n${host}${many}\r\n`), 431);
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
  });
});
