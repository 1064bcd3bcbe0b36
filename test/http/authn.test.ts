// Bearer authentication of the Graph API on both databases: a signing key added by another process is picked up
// on first sight of its kid; tokens that are unsigned, not yet valid, or name a deleted user are refused.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { importJWK } from 'jose';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, mintToken, userToken, GRAPH, type TestApp } from '../support/tokens.js';
import { assertGraphError, graphRequest } from '../support/graph-http.js';
import { createKeysRepo } from '../../src/store/repos/keys.js';
import type { Deps } from '../../src/services/deps.js';

for (const dialect of dialects) {
  describe(`Graph bearer authentication on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let app: TestApp;
    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      app = await createTestApp(deps, ['User.ReadWrite.All']);
    });
    after(() => t.close());

    it('accepts a token signed with a key another process added after this one cached its keys', async () => {
      assert.equal(
        (await graphRequest(t.server.app, 'GET', '/v1.0/users', { token: app.token })).status,
        200,
        'keys are cached now',
      );
      // What a key rotation in another process does: a new row in signing_keys.
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const kid = randomBytes(16).toString('base64url');
      await createKeysRepo(deps.db).insertSigningKey({
        kid,
        alg: 'RS256',
        privateJwkSealed: deps.keyring.encrypt(
          'secret-encryption',
          JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid }),
          `signing-key:${kid}`,
        ),
        publicJwk: JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }),
        createdAt: Date.now(),
      });
      const token = await app.mint({}, { key: await importJWK(privateKey.export({ format: 'jwk' }), 'RS256'), kid });
      const res = await graphRequest(t.server.app, 'GET', '/v1.0/users', { token });
      assert.equal(res.status, 200, res.raw);
    });

    it('refuses an unsigned token (alg none)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(
        JSON.stringify({
          iss: deps.config.issuer,
          aud: GRAPH,
          roles: ['User.ReadWrite.All'],
          appid: app.appId,
          idtyp: 'app',
          iat: now,
          exp: now + 600,
        }),
      ).toString('base64url');
      assertGraphError(
        await graphRequest(t.server.app, 'GET', '/v1.0/users', { token: `${header}.${payload}.` }),
        401,
        'InvalidAuthenticationToken',
      );
    });

    it('refuses a token that is not yet valid, and one with neither roles nor scp', async () => {
      const future = await app.mint({ nbf: Math.floor(Date.now() / 1000) + 3600 });
      assertGraphError(
        await graphRequest(t.server.app, 'GET', '/v1.0/users', { token: future }),
        401,
        'InvalidAuthenticationToken',
      );
      const neither = await mintToken(deps, { appid: app.appId, oid: randomUUID() });
      assertGraphError(
        await graphRequest(t.server.app, 'GET', '/v1.0/users', { token: neither }),
        401,
        'InvalidAuthenticationToken',
      );
    });

    it('an app token acts only with the roles it carries; a delegated token of a deleted user is refused', async () => {
      const narrow = await app.mint({ roles: ['User.Read.All'] });
      assertGraphError(
        await graphRequest(t.server.app, 'POST', '/v1.0/users', {
          token: narrow,
          body: { displayName: 'X', userPrincipalName: 'x@contoso.test' },
        }),
        403,
        'Authorization_RequestDenied',
      );
      const created = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: app.token,
        body: { displayName: 'Gone', userPrincipalName: 'gone@contoso.test' },
      });
      const token = await userToken(deps, String(created.body.id), ['User.Read']);
      assert.equal((await graphRequest(t.server.app, 'GET', `/v1.0/users/${created.body.id}`, { token })).status, 200);
      assert.equal(
        (await graphRequest(t.server.app, 'DELETE', `/v1.0/users/${created.body.id}`, { token: app.token })).status,
        204,
      );
      assertGraphError(
        await graphRequest(t.server.app, 'GET', `/v1.0/users/${created.body.id}`, { token }),
        401,
        'InvalidAuthenticationToken',
      );
    });

    it('GET /organization returns the tenant and its verified domains to any valid token', async () => {
      const res = await graphRequest(t.server.app, 'GET', '/v1.0/organization', { token: app.token });
      assert.equal(res.status, 200, res.raw);
      const [org] = res.body.value ?? [];
      assert.equal(org?.id, deps.tenant.id);
      assert.deepEqual(org?.verifiedDomains, [
        { name: 'contoso.test', isDefault: true, isInitial: true, type: 'Managed', capabilities: 'None' },
      ]);
    });
  });
}
