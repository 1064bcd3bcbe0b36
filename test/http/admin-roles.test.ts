// The admin center's "Roles and administrators" over HTTP, on SQLite and PostgreSQL: a Global Administrator creates a
// custom role by picking permissions, assigns it on an administrative unit and removes it again, each through the
// services Graph uses (so each is audited); bad input goes back to the form naming the problem; a Helpdesk
// Administrator is neither offered the blade nor able to forge its forms.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { createAdministrativeUnit } from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { listRoleAssignments } from '../../src/services/role-assignments.js';
import { findRoleDefinition } from '../../src/services/role-definitions.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { type AdminConsole, assignRole, openAdminConsole } from '../support/admin-console.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

const D = 'microsoft.directory';
const TAP_ISSUER_ACTIONS = [
  `${D}/users/authenticationMethods/create`,
  `${D}/users/authenticationMethods/standard/read`,
];

for (const dialect of dialects) {
  describe(`admin center roles and administrators (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let chief: UserRecord;
    let agent: UserRecord;
    let chiefConsole: AdminConsole;
    const assignmentsOf = (roleId: string) =>
      listRoleAssignments(deps, cliContext(), () => ({ filter: `roleDefinitionId eq '${roleId}'` }));

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      chief = await createPasswordUser(deps, 'chief', 'a long passphrase for the chief');
      agent = await createPasswordUser(deps, 'agent', 'a long passphrase for the agent');
      await assignRole(deps, chief, ROLE_TEMPLATE_IDS.globalAdministrator);
      await assignRole(deps, agent, ROLE_TEMPLATE_IDS.helpdeskAdministrator);
      chiefConsole = await openAdminConsole(s, chief);
    });
    after(async () => s?.close());

    it('lists built-in and custom roles, and a role page shows its permissions in words', async () => {
      const list = await chiefConsole.get('/admin/roles');
      assert.equal(list.statusCode, 200, list.body.slice(0, 300));
      assert.match(list.body, />Helpdesk Administrator<\/a><\/td>\s*<td>Built-in</);
      assert.match(list.body, /href="\/admin\/roles\/new">New custom role</);
      const helpdesk = await chiefConsole.get(`/admin/roles/${ROLE_TEMPLATE_IDS.helpdeskAdministrator}`);
      assert.equal(helpdesk.statusCode, 200);
      assert.match(helpdesk.body, /<code>microsoft\.directory\/users\/password\/update<\/code> — Reset passwords/);
      assert.match(helpdesk.body, />Agent<\/a><\/td><td>agent@[^<]+<\/td><td>Directory</, 'its holder, tenant-wide');
      assert.equal((await chiefConsole.get('/admin/roles/not-a-guid')).statusCode, 404);
      assert.equal((await chiefConsole.get('/admin/roles/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    });

    it('creates a custom role from the picked permissions, assigns it on a unit and removes the assignment', async () => {
      const form = await chiefConsole.get('/admin/roles/new');
      for (const action of TAP_ISSUER_ACTIONS)
        assert.match(form.body, new RegExp(`name="actions" value="${action.replace(/\//g, '\\/')}"`));
      assert.doesNotMatch(form.body, /roleAssignments/, 'role management is not offered to a custom role');

      const created = await chiefConsole.post('/admin/roles/new', {
        displayName: 'Tier 1 TAP issuer',
        description: 'Issues passes in a site',
        actions: TAP_ISSUER_ACTIONS,
      });
      assert.equal(created.statusCode, 303, created.body.slice(0, 400));
      const role = await findRoleDefinition(deps.db, 'Tier 1 TAP issuer');
      assert.ok(role && !role.isBuiltIn);
      assert.deepEqual([...role.allowedResourceActions].sort(), [...TAP_ISSUER_ACTIONS].sort());
      assert.equal(created.headers.location, `/admin/roles/${role.id}?created=1`);

      const unit = await createAdministrativeUnit(deps, cliContext(), { displayName: 'Site A' });
      const page = await chiefConsole.get(`/admin/roles/${role.id}`);
      assert.match(page.body, /<option value="\/administrativeUnits\/[^"]+">Site A<\/option>/);
      const assigned = await chiefConsole.post(`/admin/roles/${role.id}/assignments`, {
        principal: agent.userPrincipalName,
        scope: `/administrativeUnits/${unit.id}`,
      });
      assert.equal(assigned.statusCode, 303, assigned.body.slice(0, 400));
      const [assignment] = await assignmentsOf(role.id);
      assert.equal(assignment?.assignment.directoryScopeId, `/administrativeUnits/${unit.id}`);
      assert.match((await chiefConsole.get(`/admin/roles/${role.id}`)).body, /<td>Site A<\/td>/);

      const confirm = await chiefConsole.get(`/admin/roles/${role.id}/assignments/${assignment!.assignment.id}/remove`);
      assert.match(confirm.body, /Remove <strong>Agent<\/strong> from <strong>Tier 1 TAP issuer<\/strong>/);
      const removed = await chiefConsole.post(
        `/admin/roles/${role.id}/assignments/${assignment!.assignment.id}/remove`,
      );
      assert.equal(removed.statusCode, 303);
      assert.equal((await assignmentsOf(role.id)).length, 0);
      const activities = (await auditRows(deps)).map((r) => `${r.activity}:${r.result}`);
      for (const a of ['Add role definition:success', 'Add member to role:success', 'Remove member from role:success'])
        assert.ok(activities.includes(a), `${a} in the audit log`);
    });

    it('sends bad input back to the form with the service’s words, writing nothing', async () => {
      const noActions = await chiefConsole.post('/admin/roles/new', { displayName: 'Empty role' });
      assert.equal(noActions.statusCode, 400);
      assert.match(noActions.body, /role="alert"/);
      assert.match(noActions.body, /value="Empty role"/, 'what was typed stays in the form');
      assert.equal(await findRoleDefinition(deps.db, 'Empty role'), undefined);
      const taken = await chiefConsole.post('/admin/roles/new', {
        displayName: 'Helpdesk Administrator',
        actions: TAP_ISSUER_ACTIONS[0]!,
      });
      assert.equal(taken.statusCode, 400, taken.body.slice(0, 300));
      assert.match(taken.body, /id="displayName"[^>]*aria-invalid="true"/);

      const globalAdmins = (await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length;
      const unit = await createAdministrativeUnit(deps, cliContext(), { displayName: 'Site B' });
      const notScopable = await chiefConsole.post(`/admin/roles/${ROLE_TEMPLATE_IDS.globalAdministrator}/assignments`, {
        principal: agent.userPrincipalName,
        scope: `/administrativeUnits/${unit.id}`,
      });
      assert.equal(notScopable.statusCode, 400);
      assert.match(notScopable.body, /role="alert"/);
      const nobody = await chiefConsole.post(`/admin/roles/${ROLE_TEMPLATE_IDS.helpdeskAdministrator}/assignments`, {
        principal: 'nobody@example.com',
        scope: '/',
      });
      assert.equal(nobody.statusCode, 404);
      assert.equal((await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length, globalAdmins);
    });

    it('refuses a form without this session’s token, and a Helpdesk Administrator’s forged forms, writing nothing', async () => {
      const forged = await chiefConsole.post(
        '/admin/roles/new',
        { displayName: 'No token', actions: TAP_ISSUER_ACTIONS[0]! },
        null,
      );
      assert.equal(forged.statusCode, 403);
      assert.equal(await findRoleDefinition(deps.db, 'No token'), undefined);

      const agentConsole = await openAdminConsole(s, agent);
      const home = await agentConsole.get('/admin/users');
      assert.equal(home.statusCode, 200);
      assert.doesNotMatch(home.body, /Roles and administrators/, 'the blade is not offered');
      const form = await agentConsole.get('/admin/roles/new');
      assert.equal(form.statusCode, 403, 'the form is refused when opened, not only when sent');
      assert.doesNotMatch(form.body, />Create</);
      const list = await agentConsole.get('/admin/roles');
      assert.equal(list.statusCode, 403);
      assert.match(list.body, /deniedRoleMissing|does not hold|role/i);
      const create = await agentConsole.post('/admin/roles/new', {
        displayName: 'Escalation',
        actions: TAP_ISSUER_ACTIONS[0]!,
      });
      assert.equal(create.statusCode, 403);
      assert.equal(await findRoleDefinition(deps.db, 'Escalation'), undefined);
      const globalAdmins = (await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length;
      const grab = await agentConsole.post(`/admin/roles/${ROLE_TEMPLATE_IDS.globalAdministrator}/assignments`, {
        principal: agent.userPrincipalName,
        scope: '/',
      });
      assert.equal(grab.statusCode, 403);
      assert.equal((await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length, globalAdmins);
      const refusals = (await auditRows(deps)).filter((r) => r.result === 'failure').map((r) => r.activity);
      assert.ok(refusals.includes('Add role definition'), 'the refused creation is audited');
      assert.ok(refusals.includes('Add member to role'), 'the refused assignment is audited');
    });
  });
}
