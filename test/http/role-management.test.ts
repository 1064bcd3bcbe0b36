// Graph /roleManagement/directory over a real server on both databases: role definitions (built-in and custom) and
// role assignments, with and without RoleManagement.ReadWrite.Directory, refusals audited.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, userToken, type TestApp } from '../support/tokens.js';

const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory';
const BASE = '/v1.0/roleManagement/directory';
const GA = '62e90394-69f5-4237-9190-012177145e10';
const AA = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
const UNIT = '/administrativeUnits/3f1c2a4e-0b6d-4c1e-9a55-2d1f7e0c9b11';
const METHODS_READ = 'microsoft.directory/users/authenticationMethods/standard/read';

for (const dialect of dialects) {
  describe(`Graph ${BASE} on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let admin: TestApp;
    let reader: TestApp;
    const users: Record<string, string> = {};
    let customId = '';
    let assignmentId = '';

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      admin = await createTestApp(deps, ['RoleManagement.ReadWrite.Directory', 'User.ReadWrite.All']);
      reader = await createTestApp(deps, ['User.ReadWrite.All']);
      for (const name of ['desk', 'alice']) {
        const res = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
          token: admin.token,
          body: { displayName: name, userPrincipalName: `${name}@contoso.test` },
        });
        users[name] = String(res.body.id);
      }
    });
    after(() => t.close());

    it('lists the built-in definitions in Graph shape, and refuses an app without RoleManagement', async () => {
      const res = await graphRequest(t.server.app, 'GET', `${BASE}/roleDefinitions`, { token: admin.token });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body['@odata.context'], `${CONTEXT}/roleDefinitions`);
      const aa = res.body.value?.find((r) => r.id === AA);
      assert.deepEqual(Object.keys(aa ?? {}).sort(), [
        'description',
        'displayName',
        'id',
        'isBuiltIn',
        'isEnabled',
        'resourceScopes',
        'rolePermissions',
        'templateId',
        'version',
      ]);
      assert.equal(aa?.isBuiltIn, true);
      assert.equal(aa?.templateId, AA);
      assert.deepEqual(aa?.resourceScopes, ['/']);
      const denied = await graphRequest(t.server.app, 'GET', `${BASE}/roleDefinitions`, { token: reader.token });
      assertGraphError(denied, 403, 'Authorization_RequestDenied');
    });

    it('creates a custom role (201), names an unknown action, keeps built-ins unchanged', async () => {
      const res = await graphRequest(t.server.app, 'POST', `${BASE}/roleDefinitions`, {
        token: admin.token,
        body: {
          displayName: 'Tier 1 TAP issuer',
          description: 'Issues passes',
          isEnabled: true,
          rolePermissions: [{ allowedResourceActions: [METHODS_READ] }],
        },
      });
      assert.equal(res.status, 201, res.raw);
      assert.equal(res.body['@odata.context'], `${CONTEXT}/roleDefinitions/$entity`);
      assert.equal(res.body.isBuiltIn, false);
      customId = String(res.body.id);
      const bad = await graphRequest(t.server.app, 'POST', `${BASE}/roleDefinitions`, {
        token: admin.token,
        body: { displayName: 'Bad', rolePermissions: [{ allowedResourceActions: ['microsoft.directory/users/fly'] }] },
      });
      assert.match(assertGraphError(bad, 400, 'Request_BadRequest').message, /'microsoft\.directory\/users\/fly'/);
      const builtIn = await graphRequest(t.server.app, 'PATCH', `${BASE}/roleDefinitions/${AA}`, {
        token: admin.token,
        body: { description: 'mine now' },
      });
      assertGraphError(builtIn, 400, 'Request_BadRequest');
      const gone = await graphRequest(t.server.app, 'DELETE', `${BASE}/roleDefinitions/${GA}`, { token: admin.token });
      assertGraphError(gone, 400, 'Request_BadRequest');
      const patched = await graphRequest(t.server.app, 'PATCH', `${BASE}/roleDefinitions/${customId}`, {
        token: admin.token,
        body: { description: 'Issues passes on site' },
      });
      assert.equal(patched.status, 204, patched.raw);
      const got = await graphRequest(t.server.app, 'GET', `${BASE}/roleDefinitions/${customId}`, {
        token: admin.token,
      });
      assert.equal(got.body.description, 'Issues passes on site');
      assert.equal(got.body.version, '2');
      const refused = await graphRequest(t.server.app, 'POST', `${BASE}/roleDefinitions`, {
        token: reader.token,
        body: { displayName: 'Nope', rolePermissions: [{ allowedResourceActions: [METHODS_READ] }] },
      });
      assertGraphError(refused, 403, 'Authorization_RequestDenied');
      const audits = await auditRows(deps, { activity: 'Add role definition' });
      assert.ok(audits.some((a) => a.result === 'success'));
      assert.ok(audits.filter((a) => a.result === 'failure').length >= 2);
    });

    it('assigns roles, refuses a role Entra does not scope to a unit, filters and expands', async () => {
      const unitGa = await graphRequest(t.server.app, 'POST', `${BASE}/roleAssignments`, {
        token: admin.token,
        body: { principalId: users.desk, roleDefinitionId: GA, directoryScopeId: UNIT },
      });
      const error = assertGraphError(unitGa, 400, 'Request_BadRequest');
      assert.equal(
        error.message,
        'The given built-in role is not supported to be assigned to a single resource scope.',
      );
      const badScope = await graphRequest(t.server.app, 'POST', `${BASE}/roleAssignments`, {
        token: admin.token,
        body: { principalId: users.desk, roleDefinitionId: AA, directoryScopeId: '/groups/x' },
      });
      assertGraphError(badScope, 400, 'Request_BadRequest', 'directoryScopeId');
      const noUnit = await graphRequest(t.server.app, 'POST', `${BASE}/roleAssignments`, {
        token: admin.token,
        body: { principalId: users.desk, roleDefinitionId: AA, directoryScopeId: UNIT },
      });
      const missing = assertGraphError(noUnit, 404, 'Request_ResourceNotFound', 'directoryScopeId');
      assert.match(missing.message, /'directoryScopeId' names no administrative unit/);
      assert.ok(missing.message.includes(UNIT));
      const res = await graphRequest(t.server.app, 'POST', `${BASE}/roleAssignments`, {
        token: admin.token,
        body: { principalId: users.desk, roleDefinitionId: customId, directoryScopeId: '/' },
      });
      assert.equal(res.status, 201, res.raw);
      assert.deepEqual(Object.keys(res.body).sort(), [
        '@odata.context',
        'appScopeId',
        'directoryScopeId',
        'id',
        'principalId',
        'roleDefinitionId',
      ]);
      assignmentId = String(res.body.id);
      const filter = encodeURIComponent(`principalId eq '${users.desk}' and roleDefinitionId eq '${customId}'`);
      const list = await graphRequest(
        t.server.app,
        'GET',
        `${BASE}/roleAssignments?$filter=${filter}&$expand=principal,roleDefinition`,
        { token: admin.token },
      );
      assert.equal(list.status, 200, list.raw);
      assert.equal(list.body.value?.length, 1);
      const only = list.body.value?.[0] as Record<string, Record<string, unknown>>;
      assert.equal(only.principal?.userPrincipalName, 'desk@contoso.test');
      assert.equal(only.roleDefinition?.displayName, 'Tier 1 TAP issuer');
      const badExpand = await graphRequest(t.server.app, 'GET', `${BASE}/roleAssignments?$expand=members`, {
        token: admin.token,
      });
      assertGraphError(badExpand, 400, 'BadRequest', '$expand');
      const one = await graphRequest(t.server.app, 'GET', `${BASE}/roleAssignments/${assignmentId}`, {
        token: admin.token,
      });
      assert.equal(one.body.roleDefinitionId, customId);
    });

    it('a custom role counts at once for a delegated caller, and stops when disabled', async () => {
      const token = await userToken(deps, users.desk!, ['UserAuthenticationMethod.Read.All']);
      const url = `/v1.0/users/${users.alice}/authentication/temporaryAccessPassMethods`;
      const allowed = await graphRequest(t.server.app, 'GET', url, { token });
      assert.equal(allowed.status, 200, allowed.raw);
      await graphRequest(t.server.app, 'PATCH', `${BASE}/roleDefinitions/${customId}`, {
        token: admin.token,
        body: { isEnabled: false },
      });
      assertGraphError(await graphRequest(t.server.app, 'GET', url, { token }), 403, 'Authorization_RequestDenied');
    });

    it('keeps an assigned role, then removes the assignment and the role (204), audited', async () => {
      const inUse = await graphRequest(t.server.app, 'DELETE', `${BASE}/roleDefinitions/${customId}`, {
        token: admin.token,
      });
      assert.match(assertGraphError(inUse, 400, 'Request_BadRequest').message, new RegExp(assignmentId));
      const refused = await graphRequest(t.server.app, 'DELETE', `${BASE}/roleAssignments/${assignmentId}`, {
        token: reader.token,
      });
      assertGraphError(refused, 403, 'Authorization_RequestDenied');
      const removed = await graphRequest(t.server.app, 'DELETE', `${BASE}/roleAssignments/${assignmentId}`, {
        token: admin.token,
      });
      assert.equal(removed.status, 204, removed.raw);
      const deleted = await graphRequest(t.server.app, 'DELETE', `${BASE}/roleDefinitions/${customId}`, {
        token: admin.token,
      });
      assert.equal(deleted.status, 204, deleted.raw);
      const removals = await auditRows(deps, { activity: 'Remove member from role' });
      assert.deepEqual(removals.map((a) => a.result).sort(), ['failure', 'success']);
      assert.ok((await auditRows(deps, { activity: 'Delete role definition' })).some((a) => a.result === 'failure'));
      const invalid = await graphRequest(t.server.app, 'POST', `${BASE}/roleAssignments`, {
        token: admin.token,
        body: { principalId: 'nope' },
      });
      assertGraphError(invalid, 400, 'Request_BadRequest');
      const added = await auditRows(deps, { activity: 'Add member to role' });
      assert.ok(added.some((a) => a.result === 'failure' && a.targets[0]?.type === 'Role'));
    });
  });
}
