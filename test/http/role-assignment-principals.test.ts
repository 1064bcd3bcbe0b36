// Graph roleAssignments covers every kind of principal Entra assigns roles to, and follows the units it is scoped to:
// an application's service principal is assigned, listed (with $filter and $expand=principal), read and unassigned
// like a user; an assignment made with `gatepass app role add` shows in the same collection; deleting an
// administrative unit removes the assignments scoped to it, each audited. On SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/domain/errors.js';
import { createAdministrativeUnit, deleteAdministrativeUnit } from '../../src/services/administrative-units.js';
import { assignAppRole } from '../../src/services/app-roles.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import { createDirectoryRoleAssignmentsRepo } from '../../src/store/repos/directory-role-assignments.js';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { createTestApp, type TestApp } from '../support/tokens.js';

const BASE = '/v1.0/roleManagement/directory';
const UNITS = '/v1.0/directory/administrativeUnits';
const AA = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const PASSWORD_ADMIN = '966707d0-3269-4727-9be2-8c3a10f19b9d';

interface Assignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  principal?: Record<string, unknown>;
}

for (const dialect of dialects) {
  describe(`role assignments of every principal, and of deleted units (${dialect})`, () => {
    let t: TestServer;
    let deps: Deps;
    let admin: TestApp;
    let robot: TestApp; // an application whose service principal gets roles
    let desk = '';

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
      graphRequest(t.server.app, method, url, { token: admin.token, ...(body === undefined ? {} : { body }) });
    const listOf = async (filter: string) => {
      const res = await call('GET', `${BASE}/roleAssignments?$filter=${encodeURIComponent(filter)}&$expand=principal`);
      assert.equal(res.status, 200, res.raw);
      return res.body.value as unknown as Assignment[];
    };

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      admin = await createTestApp(deps, [
        'RoleManagement.ReadWrite.Directory',
        'User.ReadWrite.All',
        'AdministrativeUnit.ReadWrite.All',
      ]);
      robot = await createTestApp(deps, ['User.Read.All'], 'Provisioning robot');
      const res = await call('POST', '/v1.0/users', { displayName: 'Desk', userPrincipalName: 'desk@contoso.test' });
      desk = String(res.body.id);
    });
    after(() => t.close());

    it('assigns a role to a service principal, lists it with $expand=principal, reads and unassigns it, audited', async () => {
      const created = await call('POST', `${BASE}/roleAssignments`, {
        principalId: robot.servicePrincipalId,
        roleDefinitionId: HELPDESK,
        directoryScopeId: '/',
      });
      assert.equal(created.status, 201, created.raw);
      const id = String(created.body.id);

      const [listed, ...more] = await listOf(`principalId eq '${robot.servicePrincipalId}'`);
      assert.equal(more.length, 0);
      assert.equal(listed?.id, id);
      assert.equal(listed?.principal?.['@odata.type'], '#microsoft.graph.servicePrincipal');
      assert.equal(listed?.principal?.appId, robot.appId);
      assert.equal(listed?.principal?.displayName, 'Provisioning robot');

      const got = await call('GET', `${BASE}/roleAssignments/${id}`);
      assert.equal(got.status, 200, got.raw);
      assert.equal(got.body.principalId, robot.servicePrincipalId);

      // Assigning it again is the same refusal as for a user.
      const again = await call('POST', `${BASE}/roleAssignments`, {
        principalId: robot.servicePrincipalId,
        roleDefinitionId: HELPDESK,
        directoryScopeId: '/',
      });
      assertGraphError(again, 409, 'Request_BadRequest');

      assert.equal((await call('DELETE', `${BASE}/roleAssignments/${id}`)).status, 204);
      assert.deepEqual(await listOf(`principalId eq '${robot.servicePrincipalId}'`), []);
      const audits = (await auditRows(deps)).filter((r) => r.targets.some((x) => x.id === robot.servicePrincipalId));
      assert.deepEqual(
        audits.map((r) => [r.activity, r.result]),
        [
          ['Add member to role', 'success'],
          ['Add member to role', 'failure'],
          ['Remove member from role', 'success'],
        ],
      );
      assert.equal(audits[0]?.targets[0]?.type, 'App', 'the member is named as the application');
      assert.equal(audits[0]?.targets[0]?.displayName, 'Provisioning robot');
    });

    it('shows an assignment made with `gatepass app role add` in the same collection', async () => {
      await assignAppRole(deps, cliContext(), robot.appId, 'Password Administrator');
      const [listed] = await listOf(`roleDefinitionId eq '${PASSWORD_ADMIN}'`);
      assert.equal(listed?.principalId, robot.servicePrincipalId);
      assert.equal(listed?.directoryScopeId, '/');
    });

    it('deleting an administrative unit removes the assignments scoped to it (users and apps), each audited', async () => {
      const unit = await call('POST', UNITS, { displayName: 'Site A' });
      const scope = `/administrativeUnits/${unit.body.id}`;
      for (const principalId of [desk, robot.servicePrincipalId]) {
        const res = await call('POST', `${BASE}/roleAssignments`, {
          principalId,
          roleDefinitionId: AA,
          directoryScopeId: scope,
        });
        assert.equal(res.status, 201, res.raw);
      }
      const tenantWide = await call('POST', `${BASE}/roleAssignments`, {
        principalId: desk,
        roleDefinitionId: HELPDESK,
        directoryScopeId: '/',
      });
      assert.equal(tenantWide.status, 201, tenantWide.raw);

      assert.equal((await call('DELETE', `${UNITS}/${unit.body.id}`)).status, 204);
      const left = await listOf(`roleDefinitionId eq '${AA}'`);
      assert.deepEqual(left, [], 'no assignment stays scoped to a unit that is gone');
      const [helpdesk] = await listOf(`principalId eq '${desk}'`);
      assert.equal(helpdesk?.id, tenantWide.body.id, 'the tenant-wide assignment stays');

      const removed = (await auditRows(deps, { activity: 'Remove member from role' })).filter((r) =>
        r.targets[0]?.modifiedProperties?.some((p) => p.newValue === JSON.stringify(scope)),
      );
      assert.deepEqual(removed.map((r) => r.targets[0]?.id).sort(), [desk, robot.servicePrincipalId].sort());
      const deleted = await auditRows(deps, { activity: 'Delete administrative unit' });
      assert.equal(deleted.at(-1)?.correlationId, removed[0]?.correlationId, 'one change, one correlation id');
    });

    it('leaves no assignment behind when one is scoped to a unit while the unit is being deleted', async () => {
      for (let round = 0; round < 8; round++) {
        const unit = await createAdministrativeUnit(deps, cliContext(), { displayName: `Race ${round}` });
        const scope = `/administrativeUnits/${unit.id}`;
        const [created] = await Promise.allSettled([
          createRoleAssignment(deps, cliContext(), {
            principalId: desk,
            roleDefinitionId: AA,
            directoryScopeId: scope,
          }),
          deleteAdministrativeUnit(deps, cliContext(), unit.id),
        ]);
        if (created.status === 'rejected') assert.ok(isAppError(created.reason), String(created.reason));
        const left = await createDirectoryRoleAssignmentsRepo(deps.db).listAssignments({ directoryScopeId: scope });
        assert.deepEqual(left, [], `round ${round}`);
      }
    });
  });
}
