// Graph /v1.0/oauth2PermissionGrants on both databases: an administrator's tenant-wide grant of delegated Graph
// permissions to an app (AllPrincipals) — create, list, get, delete, the refusals, and the audit log.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Deps } from '../../src/services/deps.js';
import { createApplication } from '../../src/services/applications.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { createTestApp, type TestApp } from '../support/tokens.js';

const GRAPH_RESOURCE_ID = '00000003-0000-0000-c000-000000000000';

for (const dialect of dialects) {
  describe(`Graph /oauth2PermissionGrants on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let admin: TestApp;
    let client: { servicePrincipalId: string; appId: string };
    before(async () => {
      t = await startTestServer(dialect);
      deps = t.runtime.deps;
      admin = await createTestApp(deps, ['DelegatedPermissionGrant.ReadWrite.All']);
      const { app } = await createApplication(deps, cliContext(), {
        displayName: 'Helpdesk console',
        kind: 'web',
        redirectUris: ['https://console.example/cb'],
      });
      client = app;
    });
    after(() => t.close());

    it('creates an AllPrincipals grant (201), lists it, gets it, and deletes it (204), audited', async () => {
      const body = {
        clientId: client.servicePrincipalId,
        consentType: 'AllPrincipals',
        resourceId: GRAPH_RESOURCE_ID,
        scope: 'UserAuthenticationMethod.ReadWrite.All User.Read.All',
      };
      const created = await graphRequest(t.server.app, 'POST', '/v1.0/oauth2PermissionGrants', {
        token: admin.token,
        body,
      });
      assert.equal(created.status, 201, created.raw);
      assert.equal(created.body.clientId, client.servicePrincipalId);
      assert.equal(created.body.consentType, 'AllPrincipals');
      assert.equal(created.body.principalId, null);
      assert.equal(created.body.resourceId, GRAPH_RESOURCE_ID);
      assert.equal(created.body.scope, 'UserAuthenticationMethod.ReadWrite.All User.Read.All');
      assert.match(String(created.headers.location), new RegExp(`/v1\\.0/oauth2PermissionGrants/${created.body.id}$`));

      const again = await graphRequest(t.server.app, 'POST', '/v1.0/oauth2PermissionGrants', {
        token: admin.token,
        body,
      });
      assertGraphError(again, 409, 'Request_MultipleObjectsWithSameKeyValue');

      const list = await graphRequest(t.server.app, 'GET', '/v1.0/oauth2PermissionGrants', { token: admin.token });
      assert.equal(list.status, 200, list.raw);
      assert.deepEqual(
        list.body.value?.map((g) => g.id),
        [created.body.id],
      );
      const one = await graphRequest(t.server.app, 'GET', `/v1.0/oauth2PermissionGrants/${created.body.id}`, {
        token: admin.token,
      });
      assert.equal(one.status, 200, one.raw);
      assert.equal(one.body.scope, created.body.scope);

      const deleted = await graphRequest(t.server.app, 'DELETE', `/v1.0/oauth2PermissionGrants/${created.body.id}`, {
        token: admin.token,
      });
      assert.equal(deleted.status, 204, deleted.raw);
      const gone = await graphRequest(t.server.app, 'GET', `/v1.0/oauth2PermissionGrants/${created.body.id}`, {
        token: admin.token,
      });
      assertGraphError(gone, 404, 'Request_ResourceNotFound');

      const added = await auditRows(deps, { activity: 'Add delegated permission grant' });
      assert.deepEqual(
        added.map((r) => r.result),
        ['success', 'failure'],
      );
      assert.equal(added[0]!.targets[0]!.id, client.servicePrincipalId);
      assert.equal(added[0]!.targets[0]!.displayName, 'Helpdesk console');
      const removed = await auditRows(deps, { activity: 'Remove delegated permission grant' });
      assert.deepEqual(
        removed.map((r) => r.result),
        ['success'],
      );
    });

    it('refuses unknown permissions, other resources, other consent types and unknown clients, naming the field', async () => {
      const post = (body: Record<string, unknown>) =>
        graphRequest(t.server.app, 'POST', '/v1.0/oauth2PermissionGrants', { token: admin.token, body });
      const good = {
        clientId: client.servicePrincipalId,
        consentType: 'AllPrincipals',
        resourceId: GRAPH_RESOURCE_ID,
        scope: 'User.Read.All',
      };
      const unknown = assertGraphError(
        await post({ ...good, scope: 'User.Read.All Mail.Send' }),
        400,
        'Request_BadRequest',
        'scope',
      );
      assert.match(unknown.message, /Mail\.Send/);
      assertGraphError(await post({ ...good, resourceId: 'not-graph' }), 400, 'Request_BadRequest', 'resourceId');
      assertGraphError(
        await post({ ...good, clientId: '11111111-2222-3333-4444-555555555555' }),
        400,
        'Request_BadRequest',
        'clientId',
      );
      const principal = await post({ ...good, consentType: 'Principal' });
      assert.equal(principal.status, 400, principal.raw);
      const refusals = await auditRows(deps, { activity: 'Add delegated permission grant' });
      assert.ok(refusals.filter((r) => r.result === 'failure').length >= 4, 'every refusal is audited');
    });

    it("needs Graph's permissions for grants: RoleManagement alone is refused, Directory.Read.All reads", async () => {
      const body = {
        clientId: client.servicePrincipalId,
        consentType: 'AllPrincipals',
        resourceId: GRAPH_RESOURCE_ID,
        scope: 'User.Read.All',
      };
      for (const permissions of [['User.Read.All'], ['RoleManagement.ReadWrite.Directory']]) {
        const caller = await createTestApp(deps, permissions);
        assertGraphError(
          await graphRequest(t.server.app, 'GET', '/v1.0/oauth2PermissionGrants', { token: caller.token }),
          403,
          'Authorization_RequestDenied',
        );
        assertGraphError(
          await graphRequest(t.server.app, 'POST', '/v1.0/oauth2PermissionGrants', { token: caller.token, body }),
          403,
          'Authorization_RequestDenied',
        );
      }
      const reader = await createTestApp(deps, ['Directory.Read.All']);
      const read = await graphRequest(t.server.app, 'GET', '/v1.0/oauth2PermissionGrants', { token: reader.token });
      assert.equal(read.status, 200, read.raw);
      assertGraphError(
        await graphRequest(t.server.app, 'POST', '/v1.0/oauth2PermissionGrants', { token: reader.token, body }),
        403,
        'Authorization_RequestDenied',
      );
      const writer = await createTestApp(deps, ['Directory.ReadWrite.All']);
      const created = await graphRequest(t.server.app, 'POST', '/v1.0/oauth2PermissionGrants', {
        token: writer.token,
        body,
      });
      assert.equal(created.status, 201, `Graph's higher-privileged permission: ${created.raw}`);
    });
  });
}
