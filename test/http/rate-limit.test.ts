// The flood guard (GATEPASS_REQUESTS_PER_MINUTE) on both databases: once a client address has made its allowance of
// requests in the minute, Graph answers 429 in Graph's error shape with Retry-After, writes nothing to the audit log
// (load shedding is not a decision about a change) and nothing to the log as an unauthenticated refusal. The health
// probes stay outside it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, type TestApp } from '../support/tokens.js';

/** The smallest allowance the configuration accepts. */
const LIMIT = 10;

for (const dialect of dialects) {
  describe(`flood guard on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let app: TestApp;
    const logLines: Record<string, unknown>[] = [];

    before(async () => {
      const log = createLogger('info', {
        write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
      });
      t = await startTestServer(dialect, { GATEPASS_REQUESTS_PER_MINUTE: String(LIMIT) }, undefined, { log });
      deps = t.runtime.deps;
      app = await createTestApp(deps, ['User.ReadWrite.All']);
    });
    after(() => t.close());

    it(`answers 429 in Graph's shape after ${LIMIT} requests a minute from one address, auditing nothing`, async () => {
      for (let i = 0; i < LIMIT; i++) {
        const res = await graphRequest(t.server.app, 'GET', '/v1.0/organization', { token: app.token });
        assert.equal(res.status, 200, `request ${i + 1}: ${res.raw}`);
      }
      const flooded = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: app.token,
        body: { displayName: 'Flood', userPrincipalName: 'flood@contoso.test' },
      });
      const error = assertGraphError(flooded, 429, 'TooManyRequests');
      assert.match(error.message, /Too many requests/);
      assert.match(String(flooded.headers['retry-after']), /^\d+$/);
      assert.equal(
        (await auditRows(deps, { correlationId: error.innerError['request-id'] })).length,
        0,
        'load shedding is not audited',
      );
      assert.equal(
        logLines.filter((l) => l.event === 'graph.unauthenticated_refusal').length,
        0,
        'nor logged as an unauthenticated refusal',
      );
      assert.equal(
        await deps.db
          .selectFrom('users')
          .select('id')
          .where('user_principal_name', '=', 'flood@contoso.test')
          .executeTakeFirst(),
        undefined,
      );
      // Still refused for the rest of the minute, and the probes stay reachable.
      assertGraphError(
        await graphRequest(t.server.app, 'GET', '/v1.0/organization', { token: app.token }),
        429,
        'TooManyRequests',
      );
      assert.equal((await t.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    });
  });
}
