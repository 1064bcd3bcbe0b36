// Graph /v1.0/groups over a real server on both databases: create, read, list, PATCH merge, members via $ref
// (Graph's @odata.id forms), duplicates refused as Graph does, removal, delete — with audit entries.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, type TestApp } from '../support/tokens.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import type { Deps } from '../../src/services/deps.js';

const GRAPH_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';

for (const dialect of dialects) {
  describe(`Graph /groups on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let app: TestApp;
    const users: Record<string, string> = {};
    let groupId = '';

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      app = await createTestApp(deps, ['User.ReadWrite.All', 'Group.ReadWrite.All']);
      for (const name of ['alice', 'bob', 'carol']) {
        const res = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
          token: app.token,
          body: { displayName: name, userPrincipalName: `${name}@contoso.test` },
        });
        users[name] = String(res.body.id);
      }
    });
    after(() => t.close());

    it('creates a security group (201) and reads it back; lists with $filter', async () => {
      const res = await graphRequest(t.server.app, 'POST', '/v1.0/groups', {
        token: app.token,
        body: {
          displayName: 'Site A',
          mailNickname: 'site-a',
          securityEnabled: true,
          mailEnabled: false,
          description: 'Staff of site A',
        },
      });
      assert.equal(res.status, 201, res.raw);
      assert.equal(res.body['@odata.context'], `${GRAPH_CONTEXT}#groups/$entity`);
      assert.equal(res.body.displayName, 'Site A');
      assert.equal(res.body.securityEnabled, true);
      assert.deepEqual(res.body.groupTypes, []);
      groupId = String(res.body.id);
      const got = await graphRequest(t.server.app, 'GET', `/v1.0/groups/${groupId}?$select=id,displayName`, {
        token: app.token,
      });
      assert.deepEqual(got.body, {
        '@odata.context': `${GRAPH_CONTEXT}#groups(id,displayName)/$entity`,
        id: groupId,
        displayName: 'Site A',
      });
      await graphRequest(t.server.app, 'POST', '/v1.0/groups', { token: app.token, body: { displayName: 'Site B' } });
      const list = await graphRequest(
        t.server.app,
        'GET',
        `/v1.0/groups?$filter=${encodeURIComponent("startswith(displayName,'site a')")}`,
        { token: app.token },
      );
      assert.equal(list.status, 200, list.raw);
      assert.deepEqual(
        list.body.value?.map((g) => g.id),
        [groupId],
      );
      assert.equal(
        (await auditRows(deps, { correlationId: String(res.headers['request-id']) }))[0]?.activity,
        'Add group',
      );
    });

    it('PATCH merges (204) and is audited with old and new values', async () => {
      const res = await graphRequest(t.server.app, 'PATCH', `/v1.0/groups/${groupId}`, {
        token: app.token,
        body: { description: 'Everyone at site A' },
      });
      assert.equal(res.status, 204, res.raw);
      const got = await graphRequest(t.server.app, 'GET', `/v1.0/groups/${groupId}`, { token: app.token });
      assert.equal(got.body.description, 'Everyone at site A');
      assert.equal(got.body.displayName, 'Site A');
      assert.equal(got.body.mailNickname, 'site-a');
      const [audit] = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit?.activity, 'Update group');
      assert.deepEqual(audit?.targets[0]?.modifiedProperties, [
        { displayName: 'Description', oldValue: '"Staff of site A"', newValue: '"Everyone at site A"' },
      ]);
    });

    it('adds members with every @odata.id form Graph scripts use; a duplicate is a 400 like Graph', async () => {
      const forms = [
        `https://graph.microsoft.com/v1.0/directoryObjects/${users.alice}`,
        `${t.url}/v1.0/directoryObjects/${users.bob}`,
        `https://graph.microsoft.com/v1.0/users/${users.carol!.toUpperCase()}`,
      ];
      for (const odataId of forms) {
        const res = await graphRequest(t.server.app, 'POST', `/v1.0/groups/${groupId}/members/$ref`, {
          token: app.token,
          body: { '@odata.id': odataId },
        });
        assert.equal(res.status, 204, res.raw);
        assert.equal(
          (await auditRows(deps, { correlationId: String(res.headers['request-id']) }))[0]?.activity,
          'Add member to group',
        );
      }
      const dup = await graphRequest(t.server.app, 'POST', `/v1.0/groups/${groupId}/members/$ref`, {
        token: app.token,
        body: { '@odata.id': forms[0] },
      });
      const error = assertGraphError(dup, 400, 'Request_BadRequest', 'members');
      assert.match(error.message, /already exist/);
      const [refusal] = await auditRows(deps, { correlationId: String(dup.headers['request-id']) });
      assert.equal(refusal?.result, 'failure');

      const members = await graphRequest(t.server.app, 'GET', `/v1.0/groups/${groupId}/members`, { token: app.token });
      assert.equal(members.status, 200, members.raw);
      assert.equal(members.body['@odata.context'], `${GRAPH_CONTEXT}#directoryObjects`);
      assert.deepEqual(members.body.value?.map((m) => m.userPrincipalName).sort(), [
        'alice@contoso.test',
        'bob@contoso.test',
        'carol@contoso.test',
      ]);
      assert.ok(members.body.value?.every((m) => m['@odata.type'] === '#microsoft.graph.user'));
      const paged = await graphRequest(t.server.app, 'GET', `/v1.0/groups/${groupId}/members?$top=2`, {
        token: app.token,
      });
      assert.equal(paged.body.value?.length, 2);
      assert.match(String(paged.body['@odata.nextLink']), /\$skiptoken=/);
    });

    it('removes a member with DELETE …/members/{id}/$ref (204); removing again is a 404', async () => {
      const res = await graphRequest(t.server.app, 'DELETE', `/v1.0/groups/${groupId}/members/${users.bob}/$ref`, {
        token: app.token,
      });
      assert.equal(res.status, 204, res.raw);
      assert.equal(
        (await auditRows(deps, { correlationId: String(res.headers['request-id']) }))[0]?.activity,
        'Remove member from group',
      );
      const again = await graphRequest(t.server.app, 'DELETE', `/v1.0/groups/${groupId}/members/${users.bob}/$ref`, {
        token: app.token,
      });
      assertGraphError(again, 404, 'Request_ResourceNotFound');
      const rows = await deps.db
        .selectFrom('group_members')
        .select('member_id')
        .where('group_id', '=', groupId)
        .execute();
      assert.deepEqual(rows.map((r) => r.member_id).sort(), [users.alice, users.carol].sort());
    });

    it('Group.Read.All may read but not change; DELETE removes the group and its memberships', async () => {
      const reader = await createTestApp(deps, ['Group.Read.All']);
      // A group permission alone shows who is in the group by id only (Graph's limited information for objects the
      // caller may not read): the type and id, every other property null.
      const limited = await graphRequest(t.server.app, 'GET', `/v1.0/groups/${groupId}/members`, {
        token: reader.token,
      });
      assert.equal(limited.status, 200, limited.raw);
      assert.ok((limited.body.value?.length ?? 0) > 0);
      for (const m of limited.body.value ?? []) {
        assert.equal(m['@odata.type'], '#microsoft.graph.user');
        assert.match(String(m.id), /^[0-9a-f-]{36}$/);
        assert.deepEqual(
          Object.entries(m).filter(([k, v]) => k !== 'id' && k !== '@odata.type' && v !== null),
          [],
          'nothing but the id',
        );
        assert.equal(m.userPrincipalName, null);
      }
      assert.doesNotMatch(limited.raw, /@contoso\.test/);
      // GroupMember.Read.All with User.Read.All: whole user objects, as with Group.ReadWrite.All + User.ReadWrite.All.
      const both = await createTestApp(deps, ['GroupMember.Read.All', 'User.Read.All']);
      const full = await graphRequest(
        t.server.app,
        'GET',
        `/v1.0/groups/${groupId}/members?$select=id,userPrincipalName`,
        { token: both.token },
      );
      assert.ok(
        full.body.value?.every((m) => String(m.userPrincipalName).endsWith('@contoso.test')),
        full.raw,
      );
      const memberOnly = await createTestApp(deps, ['GroupMember.Read.All']);
      const selected = await graphRequest(
        t.server.app,
        'GET',
        `/v1.0/groups/${groupId}/members?$select=id,userPrincipalName`,
        { token: memberOnly.token },
      );
      assert.ok(
        selected.body.value?.every((m) => m.userPrincipalName === null && typeof m.id === 'string'),
        selected.raw,
      );
      assertGraphError(
        await graphRequest(t.server.app, 'DELETE', `/v1.0/groups/${groupId}`, { token: reader.token }),
        403,
        'Authorization_RequestDenied',
      );
      const res = await graphRequest(t.server.app, 'DELETE', `/v1.0/groups/${groupId}`, { token: app.token });
      assert.equal(res.status, 204, res.raw);
      assertGraphError(
        await graphRequest(t.server.app, 'GET', `/v1.0/groups/${groupId}`, { token: app.token }),
        404,
        'Request_ResourceNotFound',
      );
      assert.equal(
        (await deps.db.selectFrom('group_members').select('member_id').where('group_id', '=', groupId).execute())
          .length,
        0,
      );
      assert.equal(
        (await auditRows(deps, { correlationId: String(res.headers['request-id']) }))[0]?.activity,
        'Delete group',
      );
    });
  });
}
