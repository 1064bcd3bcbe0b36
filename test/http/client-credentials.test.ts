// Client credentials as Microsoft's libraries use them: Graph tokens with the app's permissions as `roles`,
// Basic and post authentication, invalid scope and secret refusals, and the /{tenant}/ endpoints.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime } from '../../src/runtime.js';
import { addApplicationSecret, removeApplicationSecret } from '../../src/services/applications.js';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createDaemonApp } from '../support/sign-in-fixtures.js';

const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

for (const dialect of dialects) {
  describe(`client credentials (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    let secret: string;
    let servicePrincipalId: string;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      const created = await createDaemonApp(deps);
      clientId = created.app.appId;
      secret = created.secret.secretText;
      servicePrincipalId = created.app.servicePrincipalId;
    });
    after(async () => s?.close());

    const basic = (id: string, pw: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(pw)}`).toString('base64')}`;

    async function token(
      body: Record<string, string>,
      headers: Record<string, string> = {},
      path = '/oauth2/v2.0/token',
    ) {
      const res = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body).toString(),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    async function verifyGraphToken(accessToken: string) {
      const jwks = createRemoteJWKSet(new URL(`${s.url}/discovery/v2.0/keys`));
      const { payload } = await jwtVerify(accessToken, jwks, {
        issuer: s.url,
        audience: 'https://graph.microsoft.com',
      });
      return payload;
    }

    it('issues a Graph JWT with roles for client_secret_basic and scope https://graph.microsoft.com/.default', async () => {
      const r = await token(
        { grant_type: 'client_credentials', scope: GRAPH_DEFAULT },
        { authorization: basic(clientId, secret) },
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.scope, GRAPH_DEFAULT);
      assert.equal(r.body.expires_in, deps.config.accessTokenMinutes * 60);
      const at = String(r.body.access_token);
      const header = decodeProtectedHeader(at);
      assert.equal(header.typ, 'JWT');
      assert.equal(header.alg, 'RS256');
      const payload = await verifyGraphToken(at);
      assert.deepEqual([...(payload.roles as string[])].sort(), [
        'User.Read.All',
        'UserAuthenticationMethod.ReadWrite.All',
      ]);
      assert.equal(payload.tid, deps.tenant.id);
      assert.equal(payload.appid, clientId);
      assert.equal(payload.azp, clientId);
      assert.equal(payload.oid, servicePrincipalId);
      assert.equal(payload.sub, servicePrincipalId);
      assert.equal(payload.idtyp, 'app');
    });

    it('accepts client_secret_post and the <issuer>/.default scope', async () => {
      const r = await token({
        grant_type: 'client_credentials',
        scope: `${s.url}/.default`,
        client_id: clientId,
        client_secret: secret,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const payload = await verifyGraphToken(String(r.body.access_token));
      assert.ok((payload.roles as string[]).includes('User.Read.All'));
    });

    it('refuses a missing or non-.default scope with invalid_scope', async () => {
      for (const scope of [undefined, 'User.Read.All', 'openid']) {
        const body: Record<string, string> = {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: secret,
        };
        if (scope) body.scope = scope;
        const r = await token(body);
        assert.equal(r.status, 400, `scope ${scope}`);
        assert.equal(r.body.error, 'invalid_scope', `scope ${scope}: ${JSON.stringify(r.body)}`);
      }
    });

    it('refuses a wrong, unknown or removed secret with 401 invalid_client', async () => {
      const wrong = await token(
        { grant_type: 'client_credentials', scope: GRAPH_DEFAULT },
        { authorization: basic(clientId, `${secret}x`) },
      );
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error, 'invalid_client');
      const unknown = await token({
        grant_type: 'client_credentials',
        scope: GRAPH_DEFAULT,
        client_id: '00000000-0000-0000-0000-000000000001',
        client_secret: secret,
      });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error, 'invalid_client');

      const extra = await addApplicationSecret(deps, cliContext(), clientId, {
        displayName: 'rotation',
        lifetimeDays: 30,
      });
      const ok = await token({
        grant_type: 'client_credentials',
        scope: GRAPH_DEFAULT,
        client_id: clientId,
        client_secret: extra.secretText,
      });
      assert.equal(ok.status, 200);
      await removeApplicationSecret(deps, cliContext(), clientId, extra.keyId);
      const removed = await token({
        grant_type: 'client_credentials',
        scope: GRAPH_DEFAULT,
        client_id: clientId,
        client_secret: extra.secretText,
      });
      assert.equal(removed.status, 401);
      assert.equal(removed.body.error, 'invalid_client');
    });

    it('takes a secret added or removed by another process at the next request', async () => {
      // The token endpoint holds the client in memory (services/client-cache.ts): a second runtime on the same
      // database writes as the CLI or another server process would.
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...s.database.env });
      const other = await openRuntime({ config });
      try {
        const withSecret = (clientSecret: string) =>
          token({
            grant_type: 'client_credentials',
            scope: GRAPH_DEFAULT,
            client_id: clientId,
            client_secret: clientSecret,
          });
        assert.equal((await withSecret(secret)).status, 200, 'the client is held from here on');
        const added = await addApplicationSecret(other.deps, cliContext(), clientId, { displayName: 'elsewhere' });
        assert.equal((await withSecret(added.secretText)).status, 200);
        await removeApplicationSecret(other.deps, cliContext(), clientId, added.keyId);
        const removed = await withSecret(added.secretText);
        assert.equal(removed.status, 401);
        assert.equal(removed.body.error, 'invalid_client');
        assert.equal((await withSecret(secret)).status, 200, 'the other secret still works');
      } finally {
        await other.close();
      }
    });

    it('serves the tenant discovery and token endpoints by domain and by id, case-insensitively; unknown tenants get 400', async () => {
      for (const tenant of [deps.tenant.defaultDomain.toUpperCase(), deps.tenant.id]) {
        const res = await fetch(`${s.url}/${tenant}/v2.0/.well-known/openid-configuration`);
        assert.equal(res.status, 200);
        const doc = (await res.json()) as Record<string, string>;
        assert.equal(doc.issuer, s.url);
        assert.equal(doc.token_endpoint, `${s.url}/${tenant.toLowerCase()}/oauth2/v2.0/token`);
        assert.equal(doc.jwks_uri, `${s.url}/discovery/v2.0/keys`);
        const r = await token(
          {
            grant_type: 'client_credentials',
            scope: GRAPH_DEFAULT,
            client_id: clientId,
            client_secret: secret,
            'client-request-id': 'x',
            'x-client-SKU': 'msal.js.node',
          },
          {},
          `/${tenant}/oauth2/v2.0/token`,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const bad = await fetch(`${s.url}/contoso.example/v2.0/.well-known/openid-configuration`);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: string }).error, 'invalid_tenant');
      const badToken = await token(
        { grant_type: 'client_credentials', scope: GRAPH_DEFAULT, client_id: clientId, client_secret: secret },
        {},
        '/common/oauth2/v2.0/token',
      );
      assert.equal(badToken.status, 400);
      assert.equal(badToken.body.error, 'invalid_tenant');
    });

    it('refuses a resource other than Graph with invalid_target', async () => {
      const r = await token({
        grant_type: 'client_credentials',
        scope: GRAPH_DEFAULT,
        resource: 'https://example.com',
        client_id: clientId,
        client_secret: secret,
      });
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_target');
    });
  });
}
