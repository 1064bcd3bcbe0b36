// GATEPASS_TRUST_PROXY: the client address comes from X-Forwarded-For only when a proxy is trusted, and a hop count
// trusts exactly that many hops. Read back through the server-log line of a refused (unauthenticated) Graph write.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { openTestRuntime } from '../support/runtime.js';

async function addressSeen(env: Record<string, string>, forwardedFor: string): Promise<string | null> {
  const t = await openTestRuntime('sqlite', env);
  after(() => t.close());
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const app = await buildApp({ ...t.runtime.deps, log });
  after(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/v1.0/users',
    headers: { 'x-forwarded-for': forwardedFor, 'content-type': 'application/json' },
    payload: '{}',
    remoteAddress: '10.9.8.7',
  });
  assert.equal(res.statusCode, 401);
  const refusal = lines.find(
    (l) => l.event === 'graph.unauthenticated_refusal' && l.reqId === res.headers['request-id'],
  );
  assert.ok(refusal, 'the refusal is in the server log');
  return refusal.ip as string | null;
}

describe('trusted proxies', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    assert.equal(await addressSeen({}, '198.51.100.7'), '10.9.8.7');
  });
  it('takes the address one hop behind the proxy with a hop count of 1', async () => {
    assert.equal(await addressSeen({ GATEPASS_TRUST_PROXY: '1' }, '203.0.113.5, 198.51.100.7'), '198.51.100.7');
  });
  it('trusts only listed proxy addresses', async () => {
    assert.equal(await addressSeen({ GATEPASS_TRUST_PROXY: '10.0.0.0/8' }, '198.51.100.8'), '198.51.100.8');
    assert.equal(await addressSeen({ GATEPASS_TRUST_PROXY: '192.168.0.0/16' }, '198.51.100.8'), '10.9.8.7');
  });
});
