// Threat: an application holding UserAuthenticationMethod.ReadWrite.All and User.ReadWrite.All takes over a Global
// Administrator — issues them a Temporary Access Pass, deletes their methods, resets their password. In Entra the
// permissions alone allow the first two (so they equal Global Administrator) and a password reset needs a directory
// role on the app. Gatepass refuses all three on a privileged user unless the app's service principal holds a role
// that may act on that user (Privileged Authentication Administrator, Global Administrator), or — for the
// authentication methods only — the tenant setting restores Entra's behaviour. Each refusal is a 403 in Graph's shape
// saying why, audited, and changes nothing. On SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { setAppPrivilegedTargetsPolicy } from '../../src/services/app-privileged-targets-policy.js';
import { assignAppRole, removeAppRole } from '../../src/services/app-roles.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, auditRows, graphRequest, type GraphResponse } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';
import { createTestApp, type TestApp } from '../support/tokens.js';

const PRIVILEGED = /^Insufficient privileges to complete the operation\. The user holds a privileged directory role/;

for (const dialect of dialects) {
  describe(`applications and privileged users (${dialect})`, () => {
    let t: TestServer;
    let deps: Deps;
    let app: TestApp;
    let globalAdmin: UserRecord;
    let member: UserRecord;

    before(async () => {
      t = await startTestServer(dialect);
      deps = t.runtime.deps;
      app = await createTestApp(deps, ['UserAuthenticationMethod.ReadWrite.All', 'User.ReadWrite.All'], 'Automation');
      globalAdmin = await createPasswordUser(deps, 'gina', 'gina has a long unusual passphrase');
      member = await createPasswordUser(deps, 'mel', 'mel has a long unusual passphrase');
      await createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
        id: randomUUID(),
        principalId: globalAdmin.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.globalAdministrator,
        directoryScopeId: '/',
        createdAt: new Date(),
      });
    });
    after(() => t.close());

    const issuePass = (user: UserRecord) =>
      graphRequest(t.server.app, 'POST', `/v1.0/users/${user.id}/authentication/temporaryAccessPassMethods`, {
        token: app.token,
        body: {},
      });
    const resetPassword = (user: UserRecord) =>
      graphRequest(t.server.app, 'PATCH', `/v1.0/users/${user.id}`, {
        token: app.token,
        body: { passwordProfile: { password: `fresh long passphrase ${randomUUID()}` } },
      });
    const passOf = (user: UserRecord) => createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id);
    const passwordOf = async (user: UserRecord) =>
      (await deps.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow())
        .password_hash;

    async function assertAuditedRefusal(res: GraphResponse, activity: string, targetId: string): Promise<void> {
      const rows = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(rows.length, 1, res.raw);
      assert.equal(rows[0]!.result, 'failure');
      assert.equal(rows[0]!.activity, activity);
      assert.equal(rows[0]!.reason, res.body.error?.message);
      assert.equal(rows[0]!.targets[0]?.id, targetId);
      assert.ok(rows[0]!.initiatedBy.app, 'initiated by the app');
    }

    it('the permission alone issues a pass to a member, not to a Global Administrator (403 saying why, audited, no pass)', async () => {
      assert.equal((await issuePass(member)).status, 201);
      const refused = await issuePass(globalAdmin);
      assert.match(assertGraphError(refused, 403, 'Authorization_RequestDenied').message, PRIVILEGED);
      await assertAuditedRefusal(refused, 'Admin registered security info', globalAdmin.id);
      assert.equal(await passOf(globalAdmin), undefined);
    });

    it("nor deletes a Global Administrator's pass", async () => {
      const issued = await issueTemporaryAccessPass(deps, cliContext(), globalAdmin.id, { lifetimeInMinutes: 60 });
      const refused = await graphRequest(
        t.server.app,
        'DELETE',
        `/v1.0/users/${globalAdmin.id}/authentication/temporaryAccessPassMethods/${issued.pass.id}`,
        { token: app.token },
      );
      assert.match(assertGraphError(refused, 403, 'Authorization_RequestDenied').message, PRIVILEGED);
      await assertAuditedRefusal(refused, 'Admin deleted security info', globalAdmin.id);
      assert.equal((await passOf(globalAdmin))?.id, issued.pass.id);
      await deps.db.deleteFrom('temporary_access_passes').where('user_id', '=', globalAdmin.id).execute();
    });

    it("resets no one's password without a role; User Administrator reaches members only; Privileged Authentication Administrator reaches the Global Administrator", async () => {
      const before = { member: await passwordOf(member), admin: await passwordOf(globalAdmin) };
      const noRole = await resetPassword(member);
      assert.match(
        assertGraphError(noRole, 403, 'Authorization_RequestDenied').message,
        /directory role on the application's service principal/,
      );
      await assertAuditedRefusal(noRole, 'Reset user password', member.id);
      assert.equal(await passwordOf(member), before.member);

      await assignAppRole(deps, cliContext(), app.appId, 'User Administrator');
      assert.equal((await resetPassword(member)).status, 204);
      assert.notEqual(await passwordOf(member), before.member);
      const userAdmin = await resetPassword(globalAdmin);
      assert.match(assertGraphError(userAdmin, 403, 'Authorization_RequestDenied').message, PRIVILEGED);
      await assertAuditedRefusal(userAdmin, 'Reset user password', globalAdmin.id);
      assert.equal(await passwordOf(globalAdmin), before.admin);

      await assignAppRole(deps, cliContext(), app.appId, 'Privileged Authentication Administrator');
      assert.equal((await resetPassword(globalAdmin)).status, 204);
      assert.notEqual(await passwordOf(globalAdmin), before.admin);
      // The same token, the role taken away: refused again at once (roles are read on every request).
      await removeAppRole(deps, cliContext(), app.appId, 'Privileged Authentication Administrator');
      assertGraphError(await resetPassword(globalAdmin), 403, 'Authorization_RequestDenied');
      await removeAppRole(deps, cliContext(), app.appId, 'User Administrator');
    });

    it('a Privileged Authentication Administrator role lets the app issue the Global Administrator a pass', async () => {
      await assignAppRole(deps, cliContext(), app.appId, 'Privileged Authentication Administrator');
      try {
        const issued = await issuePass(globalAdmin);
        assert.equal(issued.status, 201, issued.raw);
      } finally {
        await removeAppRole(deps, cliContext(), app.appId, 'Privileged Authentication Administrator');
        await deps.db.deleteFrom('temporary_access_passes').where('user_id', '=', globalAdmin.id).execute();
      }
    });

    it("the tenant setting restores Entra's behaviour for authentication methods, not for passwords; changing it is audited", async () => {
      const on = { ...cliContext(), correlationId: randomUUID() };
      await setAppPrivilegedTargetsPolicy(deps, on, true);
      try {
        assert.equal((await issuePass(globalAdmin)).status, 201);
        assertGraphError(await resetPassword(globalAdmin), 403, 'Authorization_RequestDenied');
      } finally {
        await setAppPrivilegedTargetsPolicy(deps, cliContext(), false);
        await deps.db.deleteFrom('temporary_access_passes').where('user_id', '=', globalAdmin.id).execute();
      }
      assertGraphError(await issuePass(globalAdmin), 403, 'Authorization_RequestDenied');
      const [changed] = await auditRows(deps, { correlationId: on.correlationId });
      assert.equal(changed?.activity, 'Update policy');
      assert.equal(changed?.result, 'success');
      assert.deepEqual(changed?.targets[0]?.modifiedProperties, [
        { displayName: 'IsEnabled', oldValue: 'false', newValue: 'true' },
      ]);
    });

    it('assigning and removing a role is audited as Entra records it (Add / Remove member to role)', async () => {
      const ctx = { ...cliContext(), correlationId: randomUUID() };
      await assignAppRole(deps, ctx, app.appId, 'Global Administrator');
      const [added] = await auditRows(deps, { correlationId: ctx.correlationId });
      assert.equal(added?.activity, 'Add member to role');
      assert.deepEqual(
        added?.targets.map((x) => [x.type, x.id]),
        [
          ['Role', ROLE_TEMPLATE_IDS.globalAdministrator],
          ['App', app.servicePrincipalId],
        ],
      );
      const removal = { ...cliContext(), correlationId: randomUUID() };
      await removeAppRole(deps, removal, app.appId, 'Global Administrator');
      assert.equal(
        (await auditRows(deps, { correlationId: removal.correlationId }))[0]?.activity,
        'Remove member from role',
      );
      const again = { ...cliContext(), correlationId: randomUUID() };
      await assert.rejects(
        removeAppRole(deps, again, app.appId, 'Global Administrator'),
        (e: { status?: number; target?: string }) => e.status === 404 && e.target === 'role',
      );
      assert.equal((await auditRows(deps, { correlationId: again.correlationId }))[0]?.result, 'failure');
    });

    it("deleting the application deletes its role assignments (the store's foreign key)", async () => {
      const doomed = await createTestApp(deps, ['User.Read.All'], 'Doomed');
      await assignAppRole(deps, cliContext(), doomed.appId, 'Global Reader');
      await deps.db.deleteFrom('applications').where('app_id', '=', doomed.appId).execute();
      const left = await deps.db
        .selectFrom('service_principal_role_assignments')
        .select('id')
        .where('principal_id', '=', doomed.servicePrincipalId)
        .execute();
      assert.deepEqual(left, []);
    });
  });
}
