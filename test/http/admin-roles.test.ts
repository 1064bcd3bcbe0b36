// The admin center's "Roles and administrators" over HTTP, on SQLite and PostgreSQL: a Global Administrator creates a
// custom role by picking permissions, assigns it on an administrative unit and removes it again, each through the
// services Graph uses (so each is audited); bad input goes back to the form naming the problem; a Helpdesk
// Administrator is neither offered the blade nor able to forge its forms.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { createAdministrativeUnit } from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { createRoleAssignment, listRoleAssignments } from '../../src/services/role-assignments.js';
import { findRoleDefinition } from '../../src/services/role-definitions.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { ADMIN_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };
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
    let chiefCookie: string;
    let chiefCsrf: string;
    const now = () => Math.floor(Date.now() / 1000);
    const get = (url: string, cookie: string) =>
      s.server.app.inject({ method: 'GET', url, headers: { ...HTML, cookie } });
    const post = (url: string, cookie: string, fields: [string, string][]) =>
      s.server.app.inject({
        method: 'POST',
        url,
        headers: { ...HTML, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    const assignmentsOf = (roleId: string) =>
      listRoleAssignments(deps, cliContext(), () => ({ filter: `roleDefinitionId eq '${roleId}'` }));

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      chief = await createPasswordUser(deps, 'chief', 'a long passphrase for the chief');
      agent = await createPasswordUser(deps, 'agent', 'a long passphrase for the agent');
      for (const [user, role] of [
        [chief, ROLE_TEMPLATE_IDS.globalAdministrator],
        [agent, ROLE_TEMPLATE_IDS.helpdeskAdministrator],
      ] as const)
        await createRoleAssignment(deps, cliContext(), {
          principalId: user.id,
          roleDefinitionId: role,
          directoryScopeId: '/',
        });
      const session = await openMySession(deps, chief.id, ['pwd', 'otp', 'mfa'], now(), undefined, 'admin');
      chiefCookie = `${ADMIN_SESSION_COOKIE}=${session.cookie}`;
      chiefCsrf = session.csrf;
    });
    after(async () => s?.close());

    it('lists built-in and custom roles, and a role page shows its permissions in words', async () => {
      const list = await get('/admin/roles', chiefCookie);
      assert.equal(list.statusCode, 200, list.body.slice(0, 300));
      assert.match(list.body, />Helpdesk Administrator<\/a><\/td>\s*<td>Built-in</);
      assert.match(list.body, /href="\/admin\/roles\/new">New custom role</);
      const helpdesk = await get(`/admin/roles/${ROLE_TEMPLATE_IDS.helpdeskAdministrator}`, chiefCookie);
      assert.equal(helpdesk.statusCode, 200);
      assert.match(helpdesk.body, /<code>microsoft\.directory\/users\/password\/update<\/code> — Reset passwords/);
      assert.match(helpdesk.body, />Agent<\/a><\/td><td>agent@[^<]+<\/td><td>Directory</, 'its holder, tenant-wide');
      assert.equal((await get('/admin/roles/not-a-guid', chiefCookie)).statusCode, 404);
      assert.equal((await get('/admin/roles/00000000-0000-4000-8000-000000000000', chiefCookie)).statusCode, 404);
    });

    it('creates a custom role from the picked permissions, assigns it on a unit and removes the assignment', async () => {
      const form = await get('/admin/roles/new', chiefCookie);
      for (const action of TAP_ISSUER_ACTIONS)
        assert.match(form.body, new RegExp(`name="actions" value="${action.replace(/\//g, '\\/')}"`));
      assert.doesNotMatch(form.body, /roleAssignments/, 'role management is not offered to a custom role');

      const created = await post('/admin/roles/new', chiefCookie, [
        ['csrf', chiefCsrf],
        ['displayName', 'Tier 1 TAP issuer'],
        ['description', 'Issues passes in a site'],
        ...TAP_ISSUER_ACTIONS.map((a): [string, string] => ['actions', a]),
      ]);
      assert.equal(created.statusCode, 303, created.body.slice(0, 400));
      const role = await findRoleDefinition(deps.db, 'Tier 1 TAP issuer');
      assert.ok(role && !role.isBuiltIn);
      assert.deepEqual([...role.allowedResourceActions].sort(), [...TAP_ISSUER_ACTIONS].sort());
      assert.equal(created.headers.location, `/admin/roles/${role.id}?created=1`);

      const unit = await createAdministrativeUnit(deps, cliContext(), { displayName: 'Site A' });
      const page = await get(`/admin/roles/${role.id}`, chiefCookie);
      assert.match(page.body, /<option value="\/administrativeUnits\/[^"]+">Site A<\/option>/);
      const assigned = await post(`/admin/roles/${role.id}/assignments`, chiefCookie, [
        ['csrf', chiefCsrf],
        ['principal', agent.userPrincipalName],
        ['scope', `/administrativeUnits/${unit.id}`],
      ]);
      assert.equal(assigned.statusCode, 303, assigned.body.slice(0, 400));
      const [assignment] = await assignmentsOf(role.id);
      assert.equal(assignment?.assignment.directoryScopeId, `/administrativeUnits/${unit.id}`);
      assert.match((await get(`/admin/roles/${role.id}`, chiefCookie)).body, /<td>Site A<\/td>/);

      const confirm = await get(`/admin/roles/${role.id}/assignments/${assignment!.assignment.id}/remove`, chiefCookie);
      assert.match(confirm.body, /Remove <strong>Agent<\/strong> from <strong>Tier 1 TAP issuer<\/strong>/);
      const removed = await post(
        `/admin/roles/${role.id}/assignments/${assignment!.assignment.id}/remove`,
        chiefCookie,
        [['csrf', chiefCsrf]],
      );
      assert.equal(removed.statusCode, 303);
      assert.equal((await assignmentsOf(role.id)).length, 0);
      const activities = (await auditRows(deps)).map((r) => `${r.activity}:${r.result}`);
      for (const a of ['Add role definition:success', 'Add member to role:success', 'Remove member from role:success'])
        assert.ok(activities.includes(a), `${a} in the audit log`);
    });

    it('sends bad input back to the form with the service’s words, writing nothing', async () => {
      const noActions = await post('/admin/roles/new', chiefCookie, [
        ['csrf', chiefCsrf],
        ['displayName', 'Empty role'],
      ]);
      assert.equal(noActions.statusCode, 400);
      assert.match(noActions.body, /role="alert"/);
      assert.match(noActions.body, /value="Empty role"/, 'what was typed stays in the form');
      assert.equal(await findRoleDefinition(deps.db, 'Empty role'), undefined);
      const taken = await post('/admin/roles/new', chiefCookie, [
        ['csrf', chiefCsrf],
        ['displayName', 'Helpdesk Administrator'],
        ['actions', TAP_ISSUER_ACTIONS[0]!],
      ]);
      assert.equal(taken.statusCode, 400, taken.body.slice(0, 300));
      assert.match(taken.body, /id="displayName"[^>]*aria-invalid="true"/);

      const globalAdmins = (await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length;
      const unit = await createAdministrativeUnit(deps, cliContext(), { displayName: 'Site B' });
      const notScopable = await post(`/admin/roles/${ROLE_TEMPLATE_IDS.globalAdministrator}/assignments`, chiefCookie, [
        ['csrf', chiefCsrf],
        ['principal', agent.userPrincipalName],
        ['scope', `/administrativeUnits/${unit.id}`],
      ]);
      assert.equal(notScopable.statusCode, 400);
      assert.match(notScopable.body, /role="alert"/);
      const nobody = await post(`/admin/roles/${ROLE_TEMPLATE_IDS.helpdeskAdministrator}/assignments`, chiefCookie, [
        ['csrf', chiefCsrf],
        ['principal', 'nobody@example.com'],
        ['scope', '/'],
      ]);
      assert.equal(nobody.statusCode, 404);
      assert.equal((await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length, globalAdmins);
    });

    it('refuses a form without this session’s token, and a Helpdesk Administrator’s forged forms, writing nothing', async () => {
      const forged = await post('/admin/roles/new', chiefCookie, [
        ['displayName', 'No token'],
        ['actions', TAP_ISSUER_ACTIONS[0]!],
      ]);
      assert.equal(forged.statusCode, 403);
      assert.equal(await findRoleDefinition(deps.db, 'No token'), undefined);

      const session = await openMySession(deps, agent.id, ['pwd', 'otp', 'mfa'], now(), undefined, 'admin');
      const cookie = `${ADMIN_SESSION_COOKIE}=${session.cookie}`;
      const home = await get('/admin/users', cookie);
      assert.equal(home.statusCode, 200);
      assert.doesNotMatch(home.body, /Roles and administrators/, 'the blade is not offered');
      const list = await get('/admin/roles', cookie);
      assert.equal(list.statusCode, 403);
      assert.match(list.body, /deniedRoleMissing|does not hold|role/i);
      const create = await post('/admin/roles/new', cookie, [
        ['csrf', session.csrf],
        ['displayName', 'Escalation'],
        ['actions', TAP_ISSUER_ACTIONS[0]!],
      ]);
      assert.equal(create.statusCode, 403);
      assert.equal(await findRoleDefinition(deps.db, 'Escalation'), undefined);
      const globalAdmins = (await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length;
      const grab = await post(`/admin/roles/${ROLE_TEMPLATE_IDS.globalAdministrator}/assignments`, cookie, [
        ['csrf', session.csrf],
        ['principal', agent.userPrincipalName],
        ['scope', '/'],
      ]);
      assert.equal(grab.statusCode, 403);
      assert.equal((await assignmentsOf(ROLE_TEMPLATE_IDS.globalAdministrator)).length, globalAdmins);
      const refusals = (await auditRows(deps)).filter((r) => r.result === 'failure').map((r) => r.activity);
      assert.ok(refusals.includes('Add role definition'), 'the refused creation is audited');
      assert.ok(refusals.includes('Add member to role'), 'the refused assignment is audited');
    });
  });
}
