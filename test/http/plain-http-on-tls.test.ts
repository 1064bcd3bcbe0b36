// Plain http:// sent to the TLS port gets a clear 400 that says to use https, not an empty reply; TLS clients on the
// same port are served as before (their first bytes are put back for the TLS handshake).

import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { makeSelfSignedCertificate } from '../support/tls.js';

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const dialect of dialects) {
  describe(`plain HTTP on the TLS port (${dialect})`, () => {
    const tls = makeSelfSignedCertificate();
    let server: TestServer;
    let port: number;
    before(async () => {
      server = await startTestServer(dialect, { GATEPASS_TLS_CERT: tls.cert, GATEPASS_TLS_KEY: tls.key });
      port = Number(new URL(server.url).port);
    });
    after(async () => {
      await server.close();
      rmSync(tls.dir, { recursive: true, force: true });
    });

    it('answers a 400 naming the https address', async () => {
      const answer = await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(answer, /\r\nConnection: close\r\n/);
      assert.match(
        answer,
        new RegExp(`\\r\\n\\r\\nThis port speaks HTTPS only\\. Use https://127\\.0\\.0\\.1:${port}/`),
      );
    });

    it('still serves TLS clients, including several on one port at once', async () => {
      const ca = readFileSync(tls.cert, 'utf8');
      const answers = await Promise.all(Array.from({ length: 5 }, () => httpsGet(`${server.url}/healthz`, ca)));
      for (const a of answers) assert.deepEqual([a.status, JSON.parse(a.body)], [200, { status: 'ok' }]);
    });
  });
}
