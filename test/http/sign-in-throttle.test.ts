// Graph's signInThrottle extension on both databases: where failed sign-ins came from is sign-in log data, shown only
// to callers who may read the sign-in log (AuditLog.Read.All, and for a delegated caller a role that reads sign-in
// reports); everyone else with User.Read.All sees the counters and waits with the address breakdowns set to null.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { assignAppRole } from '../../src/services/app-roles.js';
import type { Deps } from '../../src/services/deps.js';
import { submitPassword, submitUsername } from '../../src/services/sign-in/index.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { graphRequest } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, securityDefaults, signInRequest } from '../support/sign-in-fixtures.js';
import { createTestApp, userToken } from '../support/tokens.js';

const PASSWORD = 'a perfectly fine passphrase';

for (const dialect of dialects) {
  describe(`Graph /users/{id}/signInThrottle addresses on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let alice: UserRecord;
    let reader: UserRecord;

    before(async () => {
      t = await startTestServer(dialect);
      deps = t.runtime.deps;
      await securityDefaults(deps, false);
      alice = await createPasswordUser(deps, 'alice', PASSWORD);
      reader = await createPasswordUser(deps, 'reader', PASSWORD);
      const req = signInRequest('203.0.113.9');
      assert.equal((await submitUsername(deps, req, alice.userPrincipalName)).kind, 'password');
      await submitPassword(deps, req, 'a wrong passphrase');
    });
    after(() => t.close());

    const throttleOf = async (token: string) => {
      const res = await graphRequest(t.server.app, 'GET', `/v1.0/users/${alice.id}/signInThrottle`, { token });
      assert.equal(res.status, 200, res.raw);
      return res.body as Record<string, unknown> & {
        failures: number;
        addresses: unknown;
        temporaryAccessPass: { addresses: unknown };
      };
    };

    it('an app with only User.Read.All sees the counts, not where the failures came from', async () => {
      const app = await createTestApp(deps, ['User.Read.All']);
      const body = await throttleOf(app.token);
      assert.equal(body.failures, 1);
      assert.equal(body.addresses, null);
      assert.equal(body.temporaryAccessPass.addresses, null);
    });

    it('an app that also holds AuditLog.Read.All sees the per-address counts', async () => {
      const app = await createTestApp(deps, ['User.Read.All', 'AuditLog.Read.All']);
      const body = await throttleOf(app.token);
      assert.ok(Array.isArray(body.addresses));
      assert.equal((body.addresses as { failures: number }[])[0]?.failures, 1);
      assert.deepEqual(body.temporaryAccessPass.addresses, []);
    });

    it('delegated: the AuditLog.Read.All scope with a role that reads users but not sign-ins shows no addresses; Security Reader does', async () => {
      const token = await userToken(deps, reader.id, ['User.Read.All', 'AuditLog.Read.All']);
      const assign = (roleDefinitionId: string) =>
        createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
          id: randomUUID(),
          principalId: reader.id,
          roleDefinitionId,
          directoryScopeId: '/',
          createdAt: new Date(),
        });
      await assign(ROLE_TEMPLATE_IDS.helpdeskAdministrator);
      const helpdesk = await throttleOf(token);
      assert.equal(helpdesk.failures, 1);
      assert.equal(helpdesk.addresses, null);
      await assign(ROLE_TEMPLATE_IDS.securityReader);
      assert.ok(Array.isArray((await throttleOf(token)).addresses));
    });

    it('clearing the counters is password administration: an app needs a directory role on its service principal for it too', async () => {
      const app = await createTestApp(deps, ['User.ReadWrite.All']);
      const refused = await graphRequest(t.server.app, 'DELETE', `/v1.0/users/${alice.id}/signInThrottle`, {
        token: app.token,
      });
      assert.equal(refused.status, 403, refused.raw);
      assert.match(String(refused.body.error?.message), /clearing their sign-in failures.*directory role/);
      assert.equal((await throttleOf(app.token)).failures, 1, 'nothing cleared');
      await assignAppRole(deps, cliContext(), app.appId, 'Helpdesk Administrator');
      assert.equal(
        (await graphRequest(t.server.app, 'DELETE', `/v1.0/users/${alice.id}/signInThrottle`, { token: app.token }))
          .status,
        204,
      );
      assert.equal((await throttleOf(app.token)).failures, 0);
    });
  });
}
