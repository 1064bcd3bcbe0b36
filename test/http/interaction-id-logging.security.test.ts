// Threat: the interaction id in /signin/{uid} and oidc-provider's /oauth2/v2.0/authorize/{uid} is the key to a
// half-done sign-in; anyone who reads the server log (a log shipper, a support engineer) could resume it. Logged
// URLs carry a short hash of it instead, through a whole sign-in, including the resume after the last step.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { codeAfterSignIn, postStep, startRawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';

describe('interaction ids in the server log', () => {
  let s: TestServer;
  const lines: string[] = [];

  before(async () => {
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    s = await startTestServer('sqlite', {}, undefined, { log });
    await securityDefaults(s.runtime.deps, false);
  });
  after(async () => s?.close());

  it('never appear in a logged URL; a hash of them does', async () => {
    const clientId = (await createWebApp(s.runtime.deps, REDIRECT_URI)).app.appId;
    const user = await createPasswordUser(s.runtime.deps, 'loggy', PASSWORD);
    const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
    await postStep(flow, s.url, 'username', { username: user.userPrincipalName });
    const last = await postStep(flow, s.url, 'password', { password: PASSWORD });
    assert.ok(await codeAfterSignIn(flow, last, REDIRECT_URI));

    const urls = lines
      .map((l) => JSON.parse(l) as { req?: { url?: string } })
      .flatMap((l) => (l.req?.url ? [l.req.url] : []));
    const hashed = `uid-sha256:${createHash('sha256').update(flow.uid).digest('base64url').slice(0, 12)}`;
    assert.ok(urls.includes(`/signin/${hashed}`), urls.join('\n'));
    assert.ok(urls.includes(`/oauth2/v2.0/authorize/${hashed}`), 'the resume after the last step');
    const leaking = lines.filter((l) => l.includes(flow.uid));
    assert.deepEqual(leaking, [], 'no log line holds the interaction id');
  });
});
