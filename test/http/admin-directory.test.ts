// The admin center's directory blades over HTTP, on SQLite and PostgreSQL: a Global Administrator creates a group,
// adds and removes a member and deletes it; creates an administrative unit, adds a member and sees the roles scoped
// to it; creates users ("New user") with an auto-generated password shown once, with and without a unit, and sees a
// duplicate user principal name refused on the form. Security: a form without this session's token is refused and
// writes nothing; a Helpdesk Administrator is not offered "New group"/"New user", and their forged posts are refused
// with the rule's words and write nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { isAppError } from '../../src/domain/errors.js';
import {
  getAdministrativeUnit,
  listAdministrativeUnitMembers,
  listAdministrativeUnits,
} from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { getGroup, listGroupMembers, listGroups } from '../../src/services/groups.js';
import { getUser, listUsers } from '../../src/services/users.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { assignRole, openAdminConsole, type AdminConsole } from '../support/admin-console.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The id in a 303's location, e.g. /admin/groups/{id}?created=1. */
function createdId(res: { statusCode: number; headers: Record<string, unknown>; body: string }, base: string): string {
  assert.equal(res.statusCode, 303, res.body.slice(0, 400));
  const location = String(res.headers.location);
  assert.ok(location.startsWith(`${base}/`), location);
  return GUID.exec(location)![0];
}

const rejects404 = async (p: Promise<unknown>) => assert.rejects(p, (e: unknown) => isAppError(e) && e.status === 404);

for (const dialect of dialects) {
  describe(`admin center directory blades (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let alice: UserRecord;
    let bob: UserRecord;
    let ga: AdminConsole;
    let helpdesk: AdminConsole;
    const upn = (local: string) => `${local}@${deps.tenant.defaultDomain}`;
    const groupsNamed = async (name: string) =>
      (await listGroups(deps, cliContext(), { filter: `displayName eq '${name}'` })).groups;
    const usersNamed = async (local: string) =>
      (await listUsers(deps, cliContext(), { filter: `userPrincipalName eq '${upn(local)}'` })).users;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      const chief = await createPasswordUser(deps, 'chief', 'a long passphrase for the chief');
      await assignRole(deps, chief, ROLE_TEMPLATE_IDS.globalAdministrator);
      const agent = await createPasswordUser(deps, 'agent', 'a long passphrase for the agent');
      await assignRole(deps, agent, ROLE_TEMPLATE_IDS.helpdeskAdministrator);
      alice = await createPasswordUser(deps, 'alice', 'a long passphrase for alice');
      bob = await createPasswordUser(deps, 'bob', 'a long passphrase for bob');
      ga = await openAdminConsole(s, chief);
      helpdesk = await openAdminConsole(s, agent);
    });
    after(async () => s?.close());

    it('creates a group, adds a member (by name and from a search), removes one and deletes the group', async () => {
      const list = await ga.get('/admin/groups');
      assert.equal(list.statusCode, 200, list.body.slice(0, 400));
      assert.match(list.body, /<a class="button" href="\/admin\/groups\/new">New group<\/a>/);
      const form = await ga.get('/admin/groups/new');
      assert.match(form.body, /<label for="displayName">Name<\/label>/);
      assert.match(form.body, new RegExp(`name="csrf" value="${ga.csrf}"`));

      const missing = await ga.post('/admin/groups', { displayName: '  ' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /id="error-message">Name: Invalid value specified for property &#39;displayName&#39;/);
      assert.match(missing.body, /id="displayName"[^>]*aria-invalid="true"/);

      const id = createdId(
        await ga.post('/admin/groups', { displayName: 'Engineering', description: 'Builds things' }),
        '/admin/groups',
      );
      assert.equal((await getGroup(deps, cliContext(), id)).description, 'Builds things');
      const overview = await ga.get(`/admin/groups/${id}?created=1`);
      assert.match(overview.body, /The group was created\./);
      assert.match(overview.body, /aria-label="Delete group Engineering">Delete<\/a>/);
      assert.match(
        (await ga.get('/admin/groups?search=eng')).body,
        new RegExp(`href="/admin/groups/${id}">Engineering`),
      );

      const added = await ga.post(`/admin/groups/${id}/members`, { member: alice.userPrincipalName });
      assert.equal(added.statusCode, 303);
      assert.equal(added.headers.location, `/admin/groups/${id}/members?added=1`);
      const again = await ga.post(`/admin/groups/${id}/members`, { member: alice.userPrincipalName });
      assert.equal(again.statusCode, 400, 'a member already there is refused on the form');
      assert.match(again.body, /User principal name: One or more added object references already exist/);
      assert.match(again.body, /id="member"[^>]*aria-invalid="true"/);
      const empty = await ga.post(`/admin/groups/${id}/members`, { member: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /User principal name: enter the user to add/);
      assert.equal((await ga.post(`/admin/groups/${id}/members`, { member: upn('nobody') })).statusCode, 404);

      const found = await ga.get(`/admin/groups/${id}/members?find=bo`);
      assert.match(found.body, /<label for="find">Search users<\/label>/);
      const addBob = new RegExp(
        `name="member" value="${bob.id}"><button type="submit" class="secondary" aria-label="Add Bob">Add</button>`,
      );
      assert.match(found.body, addBob);
      assert.equal((await ga.post(`/admin/groups/${id}/members`, { member: bob.id })).statusCode, 303);

      const members = await ga.get(`/admin/groups/${id}/members`);
      assert.match(members.body, /<th scope="col">User principal name<\/th>/);
      assert.match(members.body, new RegExp(`<td>Alice</td><td>${alice.userPrincipalName}</td>`));
      assert.match(
        members.body,
        new RegExp(`href="/admin/groups/${id}/members/${alice.id}/remove" aria-label="Remove Alice"`),
      );
      const confirm = await ga.get(`/admin/groups/${id}/members/${alice.id}/remove`);
      assert.match(confirm.body, /id="confirm-remove">Remove Alice \(alice@[^)]+\) from the group Engineering\?/);
      const removed = await ga.post(`/admin/groups/${id}/members/${alice.id}/remove`);
      assert.equal(removed.statusCode, 303);
      const left = (await listGroupMembers(deps, cliContext(), id)).members.map((u) => u.userPrincipalName);
      assert.deepEqual(left, [bob.userPrincipalName]);

      assert.match(
        (await ga.get(`/admin/groups/${id}/delete`)).body,
        /id="confirm-delete">Delete the group Engineering\?/,
      );
      const deleted = await ga.post(`/admin/groups/${id}/delete`);
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, '/admin/groups?deleted=1');
      await rejects404(getGroup(deps, cliContext(), id));
      const activities = (await auditRows(deps)).filter((r) => r.result === 'success').map((r) => r.activity);
      for (const a of ['Add group', 'Add member to group', 'Remove member from group', 'Delete group'])
        assert.ok(activities.includes(a), `${a} in ${activities.join(', ')}`);
    });

    it('answers an id that is not one with a 404 page, before any service call', async () => {
      for (const url of ['/admin/groups/not-a-guid', '/admin/administrative-units/1/members'])
        assert.equal((await ga.get(url)).statusCode, 404, url);
      const res = await ga.post('/admin/groups/not-a-guid/delete');
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /No such group/);
    });

    it('creates an administrative unit, adds a member, and lists the roles scoped to it', async () => {
      const id = createdId(
        await ga.post('/admin/administrative-units', { displayName: 'Paris office', description: '' }),
        '/admin/administrative-units',
      );
      assert.equal((await getAdministrativeUnit(deps, cliContext(), id)).displayName, 'Paris office');
      assert.equal(
        (await ga.post(`/admin/administrative-units/${id}/members`, { member: bob.userPrincipalName })).statusCode,
        303,
      );
      const members = (await listAdministrativeUnitMembers(deps, cliContext(), id)).members;
      assert.deepEqual(
        members.map((u) => u.id),
        [bob.id],
      );
      assert.match((await ga.get(`/admin/administrative-units/${id}/members`)).body, /aria-label="Remove Bob"/);

      const local = await createPasswordUser(deps, 'localhelp', 'a long passphrase for local help');
      await assignRole(deps, local, ROLE_TEMPLATE_IDS.helpdeskAdministrator, `/administrativeUnits/${id}`);
      const overview = await ga.get(`/admin/administrative-units/${id}`);
      assert.match(overview.body, /<h2 id="scoped-roles">Roles and administrators<\/h2>/);
      assert.match(
        overview.body,
        new RegExp(`<td>Helpdesk Administrator</td><td>Localhelp</td><td>${local.userPrincipalName}</td>`),
      );
      assert.doesNotMatch(overview.body, /<td>Global Administrator<\/td>/, 'only roles scoped to this unit');
    });

    it('creates users with "New user": a password shown once, an optional unit; a duplicate is refused on the form', async () => {
      const unitId = createdId(
        await ga.post('/admin/administrative-units', { displayName: 'Lyon office' }),
        '/admin/administrative-units',
      );
      assert.match((await ga.get('/admin/users')).body, /href="\/admin\/users\/new">New user<\/a>/);
      const form = await ga.get('/admin/users/new');
      assert.equal(form.statusCode, 200);
      for (const label of ['User principal name', 'Display name', 'Administrative unit'])
        assert.match(form.body, new RegExp(`<label for="[^"]+">${label}</label>`));
      assert.match(form.body, /value="auto" checked> Auto-generate password/);
      assert.match(form.body, new RegExp(`<option value="${unitId}">Lyon office</option>`));

      const created = await ga.post('/admin/users', {
        displayName: 'Dana',
        userPrincipalName: upn('dana'),
        passwordChoice: 'auto',
        accountEnabled: 'yes',
      });
      assert.equal(created.statusCode, 201, created.body.slice(0, 400));
      const shown = /id="temporary-password">([^<]+)</.exec(created.body)?.[1];
      assert.ok(shown, 'the auto-generated password is shown once');
      const [dana] = await usersNamed('dana');
      assert.ok(dana, 'the user exists');
      assert.equal(dana.accountEnabled, true);
      assert.equal(dana.forceChangePassword, true, 'changed at the first sign-in');
      assert.ok(await deps.hasher.verify(dana.passwordHash!, shown!), 'the shown password is the one set');
      assert.doesNotMatch((await ga.get(`/admin/users/${dana.id}`)).body, /temporary-password/);

      const typed = 'a typed passphrase for emil';
      const withUnit = await ga.post('/admin/users', {
        displayName: 'Emil',
        userPrincipalName: upn('emil'),
        passwordChoice: 'own',
        password: typed,
        unitId,
      });
      assert.equal(withUnit.statusCode, 201, withUnit.body.slice(0, 400));
      assert.doesNotMatch(withUnit.body, /temporary-password|a typed passphrase/, 'a typed password is never shown');
      const emil = await getUser(deps, cliContext(), upn('emil'));
      assert.equal(emil.accountEnabled, false, '"Account enabled" was left unticked');
      assert.ok(await deps.hasher.verify(emil.passwordHash!, typed));
      const inUnit = (await listAdministrativeUnitMembers(deps, cliContext(), unitId)).members.map((u) => u.id);
      assert.deepEqual(inUnit, [emil.id]);

      const duplicate = await ga.post('/admin/users', {
        displayName: 'Dana again',
        userPrincipalName: upn('dana'),
        passwordChoice: 'own',
        password: typed,
      });
      assert.equal(duplicate.statusCode, 400);
      assert.match(
        duplicate.body,
        /id="error-message">User principal name: Another object with the same value for property userPrincipalName already exists/,
      );
      assert.match(duplicate.body, /id="upn"[^>]*aria-invalid="true"/);
      assert.match(duplicate.body, /value="Dana again"/, 'the form keeps what was typed');
      assert.doesNotMatch(duplicate.body, /a typed passphrase/, 'except the password');
      const badDomain = await ga.post('/admin/users', {
        displayName: 'Fay',
        userPrincipalName: 'fay@elsewhere.example',
      });
      assert.equal(badDomain.statusCode, 400);
      assert.match(
        badDomain.body,
        /User principal name: The domain portion of the userPrincipalName property is invalid/,
      );
      const noPassword = await ga.post('/admin/users', {
        displayName: 'Fay',
        userPrincipalName: upn('fay'),
        passwordChoice: 'own',
      });
      assert.equal(noPassword.statusCode, 400);
      assert.match(noPassword.body, /Password: enter a password/);
      assert.deepEqual(await usersNamed('fay'), []);
    });

    it("refuses every directory form without this session's form token, writing nothing", async () => {
      const group = await getGroup(
        deps,
        cliContext(),
        createdId(await ga.post('/admin/groups', { displayName: 'Kept' }), '/admin/groups'),
      );
      await ga.post(`/admin/groups/${group.id}/members`, { member: alice.id });
      const units = async () => (await listAdministrativeUnits(deps, cliContext(), {})).units.length;
      const unitsBefore = await units();
      for (const csrf of [null, 'not-the-token', helpdesk.csrf]) {
        const posts = [
          ga.post('/admin/groups', { displayName: 'Forged' }, csrf),
          ga.post(`/admin/groups/${group.id}/members`, { member: bob.id }, csrf),
          ga.post(`/admin/groups/${group.id}/members/${alice.id}/remove`, {}, csrf),
          ga.post(`/admin/groups/${group.id}/delete`, {}, csrf),
          ga.post('/admin/administrative-units', { displayName: 'Forged' }, csrf),
          ga.post('/admin/users', { displayName: 'Forged', userPrincipalName: upn('forged') }, csrf),
        ];
        for (const res of await Promise.all(posts)) assert.equal(res.statusCode, 403, `csrf ${String(csrf)}`);
      }
      assert.deepEqual(await groupsNamed('Forged'), []);
      assert.equal(await units(), unitsBefore);
      assert.deepEqual(await usersNamed('forged'), []);
      const members = (await listGroupMembers(deps, cliContext(), group.id)).members.map((u) => u.id);
      assert.deepEqual(members, [alice.id], 'not added, not removed, not deleted');
    });

    it('does not offer a Helpdesk Administrator "New group" or "New user", and refuses their forged posts', async () => {
      const group = await getGroup(
        deps,
        cliContext(),
        createdId(await ga.post('/admin/groups', { displayName: 'Support' }), '/admin/groups'),
      );
      const list = await helpdesk.get('/admin/groups');
      assert.equal(list.statusCode, 200, 'the helpdesk may read groups');
      assert.match(list.body, /Support/);
      assert.doesNotMatch(list.body, /New group/);
      const users = await helpdesk.get('/admin/users');
      assert.equal(users.statusCode, 200);
      assert.doesNotMatch(users.body, /New user/);
      const members = await helpdesk.get(`/admin/groups/${group.id}/members`);
      assert.equal(members.statusCode, 200);
      assert.doesNotMatch(members.body, /Add members|>Remove</);
      assert.doesNotMatch((await helpdesk.get(`/admin/groups/${group.id}`)).body, />Delete</);

      const rule = /Missing role: the signed-in user holds no directory role that allows this action/;
      // The forms themselves, opened by address, are refused with the rule too.
      for (const form of ['/admin/groups/new', '/admin/administrative-units/new', '/admin/users/new']) {
        const opened = await helpdesk.get(form);
        assert.equal(opened.statusCode, 403, form);
        assert.match(opened.body, rule, form);
        assert.doesNotMatch(opened.body, />Create</, form);
      }
      const forged = [
        await helpdesk.post('/admin/groups', { displayName: 'Helpdesk group' }),
        await helpdesk.post('/admin/users', {
          displayName: 'Helpdesk user',
          userPrincipalName: upn('helpdeskmade'),
          passwordChoice: 'auto',
        }),
        await helpdesk.post(`/admin/groups/${group.id}/members`, { member: bob.id }),
        await helpdesk.post(`/admin/groups/${group.id}/delete`),
      ];
      for (const res of forged) {
        assert.equal(res.statusCode, 403, res.body.slice(0, 400));
        assert.match(res.body, rule);
      }
      assert.deepEqual(await groupsNamed('Helpdesk group'), []);
      assert.deepEqual(await usersNamed('helpdeskmade'), []);
      assert.deepEqual((await listGroupMembers(deps, cliContext(), group.id)).members, []);
      assert.equal((await getGroup(deps, cliContext(), group.id)).id, group.id, 'not deleted');
      const refused = (await auditRows(deps)).filter((r) => r.result === 'failure').map((r) => r.activity);
      for (const a of ['Add group', 'Add user', 'Add member to group', 'Delete group'])
        assert.ok(refused.includes(a), `the refused ${a} is audited (${refused.join(', ')})`);
    });
  });
}
