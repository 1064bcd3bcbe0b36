// Microsoft's own libraries against Gatepass over https with a certificate this test makes: @azure/identity's
// ClientSecretCredential gets a Graph token from the per-tenant endpoints, and the typed Graph SDK
// (@microsoft/msgraph-sdk) creates, reads, pages, updates and deletes users with it.

import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import { createApplication } from '../../src/services/applications.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { makeSelfSignedCertificate } from '../support/tls.js';

const run = promisify(execFile);

interface SdkOutcome {
  claims: Record<string, unknown>;
  createdIds: string[];
  byId: string;
  byUpn: string;
  createdDateTimeIsDate: boolean;
  pages: string[][];
  renamed: string;
  afterDelete: { status?: number; code?: string };
}

describe('Microsoft SDKs over https (SQLite)', () => {
  const tls = makeSelfSignedCertificate();
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', {
      GATEPASS_TLS_CERT: tls.cert,
      GATEPASS_TLS_KEY: tls.key,
      GATEPASS_DOMAINS: 'contoso.test',
    });
  });
  after(async () => {
    await server?.close();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  const tenants: [string, (s: TestServer) => string][] = [
    ['its domain', (s) => s.runtime.deps.tenant.defaultDomain],
    ['its id', (s) => s.runtime.deps.tenant.id],
  ];
  for (const [label, tenantOf] of tenants) {
    it(`ClientSecretCredential and the typed Graph SDK work unchanged, with the tenant named by ${label}`, async () => {
      const { deps } = server.runtime;
      const ctx = { actor: { kind: 'system' as const }, correlationId: 'sdk-test', ipAddress: null };
      const { app, secret } = await createApplication(deps, ctx, {
        displayName: `SDK automation ${Math.random()}`,
        kind: 'daemon',
        permissions: ['User.ReadWrite.All'],
      });
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/support/sdk-client.ts',
          server.url,
          tenantOf(server),
          app.appId,
          secret.secretText,
          'contoso.test',
        ],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.cert }, timeout: 60_000 },
      );
      const out = JSON.parse(stdout) as SdkOutcome;
      assert.deepEqual(out.claims.roles, ['User.ReadWrite.All']);
      assert.equal(out.claims.aud, 'https://graph.microsoft.com');
      assert.equal(out.claims.iss, server.url);
      assert.equal(out.claims.tid, deps.tenant.id);
      assert.equal(out.claims.appid, app.appId);
      assert.equal(out.createdIds.length, 3);
      assert.equal(out.byId, 'sdk-ana@contoso.test');
      assert.equal(out.byUpn, out.createdIds[1]);
      assert.equal(out.createdDateTimeIsDate, true);
      assert.deepEqual(out.pages.flat().sort(), [
        'sdk-ana@contoso.test',
        'sdk-ben@contoso.test',
        'sdk-cai@contoso.test',
      ]);
      assert.deepEqual(
        out.pages.map((p) => p.length),
        [2, 1],
      );
      assert.equal(out.renamed, 'SDK Cai Renamed');
      assert.deepEqual(out.afterDelete, { status: 404, code: 'Request_ResourceNotFound' });
      // Leave the directory as found, so the second run creates the same UPNs.
      await deps.db.deleteFrom('users').where('user_principal_name', 'like', 'sdk-%').execute();
    });
  }
});
