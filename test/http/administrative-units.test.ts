// Graph /v1.0/directory/administrativeUnits over a real server on both databases: create, read, list, PATCH, members
// via $ref (Graph's @odata.id forms), removal, delete, /users/{id}/memberOf — with the audit entries, and refusals for
// an app without AdministrativeUnit.ReadWrite.All (audited too).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, type TestApp } from '../support/tokens.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import type { Deps } from '../../src/services/deps.js';

const GRAPH_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';
const UNITS = '/v1.0/directory/administrativeUnits';

for (const dialect of dialects) {
  describe(`Graph /directory/administrativeUnits on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let app: TestApp;
    let reader: TestApp;
    let outsider: TestApp;
    const users: Record<string, string> = {};
    let unitId = '';

    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, body?: unknown) =>
      graphRequest(t.server.app, method, url, { token, ...(body === undefined ? {} : { body }) });
    const activityOf = async (res: { headers: Record<string, unknown> }) =>
      (await auditRows(deps, { correlationId: String(res.headers['request-id']) })).map((r) => [r.activity, r.result]);

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      app = await createTestApp(deps, [
        'User.ReadWrite.All',
        'Group.ReadWrite.All',
        'AdministrativeUnit.ReadWrite.All',
      ]);
      reader = await createTestApp(deps, ['AdministrativeUnit.Read.All']);
      outsider = await createTestApp(deps, ['User.Read.All']);
      for (const name of ['alice', 'bob']) {
        const res = await call('POST', '/v1.0/users', app.token, {
          displayName: name,
          userPrincipalName: `${name}@contoso.test`,
        });
        users[name] = String(res.body.id);
      }
    });
    after(() => t.close());

    it('creates a unit (201, Graph shape, audited) and reads it back; lists with $filter, $top and $skiptoken', async () => {
      const res = await call('POST', UNITS, app.token, { displayName: 'Site A', description: 'West wing' });
      assert.equal(res.status, 201, res.raw);
      unitId = String(res.body.id);
      assert.deepEqual(res.body, {
        '@odata.context': `${GRAPH_CONTEXT}#directory/administrativeUnits/$entity`,
        '@odata.type': '#microsoft.graph.administrativeUnit',
        id: unitId,
        displayName: 'Site A',
        description: 'West wing',
        visibility: null,
      });
      assert.equal(res.headers.location, new URL(`${UNITS}/${unitId}`, deps.config.issuer).toString());
      assert.deepEqual(await activityOf(res), [['Add administrative unit', 'success']]);
      const [audit] = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit!.targets[0]!.id, unitId);

      const got = await call('GET', `${UNITS}/${unitId}?$select=id,displayName`, reader.token);
      assert.equal(got.status, 200, got.raw);
      assert.deepEqual(got.body, {
        '@odata.context': `${GRAPH_CONTEXT}#directory/administrativeUnits(id,displayName)/$entity`,
        '@odata.type': '#microsoft.graph.administrativeUnit',
        id: unitId,
        displayName: 'Site A',
      });

      await call('POST', UNITS, app.token, { displayName: 'Site B' });
      await call('POST', UNITS, app.token, { displayName: 'Head office' });
      const filtered = await call(
        'GET',
        `${UNITS}?$filter=${encodeURIComponent("startswith(displayName,'site')")}&$count=true`,
        reader.token,
      );
      assert.equal(filtered.status, 200, filtered.raw);
      assert.equal(filtered.body['@odata.context'], `${GRAPH_CONTEXT}#directory/administrativeUnits`);
      assert.equal(filtered.body['@odata.count'], 2);
      assert.deepEqual(filtered.body.value?.map((u) => u.displayName).sort(), ['Site A', 'Site B']);
      const first = await call('GET', `${UNITS}?$top=2`, reader.token);
      assert.equal(first.body.value?.length, 2);
      const next = new URL(String(first.body['@odata.nextLink']));
      const second = await call('GET', `${next.pathname}${next.search}`, reader.token);
      assert.equal(second.body.value?.length, 1, second.raw);
      assert.equal(second.body['@odata.nextLink'], undefined);
      assertGraphError(
        await call('GET', `${UNITS}?$filter=${encodeURIComponent("mail eq 'x'")}`, reader.token),
        400,
        'BadRequest',
        '$filter',
      );
    });

    it('PATCH updates displayName and description (204), audited with old and new values', async () => {
      const res = await call('PATCH', `${UNITS}/${unitId}`, app.token, { description: 'West and north wings' });
      assert.equal(res.status, 204, res.raw);
      const [audit] = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit!.activity, 'Update administrative unit');
      assert.deepEqual(audit!.targets[0]!.modifiedProperties, [
        { displayName: 'Description', oldValue: '"West wing"', newValue: '"West and north wings"' },
      ]);
      const bad = await call('PATCH', `${UNITS}/${unitId}`, app.token, { visibility: 'HiddenMembership' });
      assertGraphError(bad, 400, 'Request_BadRequest');
      assert.deepEqual(await activityOf(bad), [['Update administrative unit', 'failure']]);
    });

    it('adds members by $ref (directoryObjects and users forms), lists them, refuses duplicates; memberOf', async () => {
      const byDirectoryObject = await call('POST', `${UNITS}/${unitId}/members/$ref`, app.token, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${users.alice}`,
      });
      assert.equal(byDirectoryObject.status, 204, byDirectoryObject.raw);
      assert.deepEqual(await activityOf(byDirectoryObject), [['Add member to administrative unit', 'success']]);
      const byUser = await call('POST', `${UNITS}/${unitId}/members/$ref`, app.token, {
        '@odata.id': `https://graph.microsoft.com/v1.0/users/${users.bob}`,
      });
      assert.equal(byUser.status, 204, byUser.raw);
      const dup = await call('POST', `${UNITS}/${unitId}/members/$ref`, app.token, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${users.alice}`,
      });
      assertGraphError(dup, 400, 'Request_BadRequest', 'members');
      assert.deepEqual(await activityOf(dup), [['Add member to administrative unit', 'failure']]);
      assertGraphError(
        await call('POST', `${UNITS}/${unitId}/members/$ref`, app.token, {
          '@odata.id': 'https://evil.test/v1.0/users/x',
        }),
        400,
        'Request_BadRequest',
        '@odata.id',
      );

      const members = await call('GET', `${UNITS}/${unitId}/members`, app.token);
      assert.equal(members.status, 200, members.raw);
      assert.equal(members.body['@odata.context'], `${GRAPH_CONTEXT}#directoryObjects`);
      assert.deepEqual(members.body.value?.map((m) => [m['@odata.type'], m.userPrincipalName]).sort(), [
        ['#microsoft.graph.user', 'alice@contoso.test'],
        ['#microsoft.graph.user', 'bob@contoso.test'],
      ]);
      // A unit permission alone shows members as Graph's limited information.
      const limited = await call('GET', `${UNITS}/${unitId}/members`, reader.token);
      assert.ok(
        limited.body.value?.every((m) => m.userPrincipalName === null && typeof m.id === 'string'),
        limited.raw,
      );

      const group = await call('POST', '/v1.0/groups', app.token, { displayName: 'Nurses' });
      await call('POST', `/v1.0/groups/${group.body.id}/members/$ref`, app.token, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${users.alice}`,
      });
      const memberOf = await call('GET', '/v1.0/users/alice@contoso.test/memberOf', app.token);
      assert.equal(memberOf.status, 200, memberOf.raw);
      assert.equal(memberOf.body['@odata.context'], `${GRAPH_CONTEXT}#directoryObjects`);
      assert.deepEqual(
        memberOf.body.value?.map((o) => [o['@odata.type'], o.displayName]),
        [
          ['#microsoft.graph.administrativeUnit', 'Site A'],
          ['#microsoft.graph.group', 'Nurses'],
        ],
      );
      assertGraphError(
        await call('GET', `/v1.0/users/${users.alice}/memberOf`, reader.token),
        403,
        'Authorization_RequestDenied',
      );
      assertGraphError(
        await call('GET', '/v1.0/users/nobody@contoso.test/memberOf', app.token),
        404,
        'Request_ResourceNotFound',
      );
    });

    it('refuses an app without the permission (403, audited) and one with read only for writes', async () => {
      assertGraphError(await call('GET', UNITS, outsider.token), 403, 'Authorization_RequestDenied');
      assertGraphError(await call('GET', `${UNITS}/${unitId}`, outsider.token), 403, 'Authorization_RequestDenied');
      const create = await call('POST', UNITS, reader.token, { displayName: 'Nope' });
      assertGraphError(create, 403, 'Authorization_RequestDenied');
      assert.deepEqual(await activityOf(create), [['Add administrative unit', 'failure']]);
      const add = await call('POST', `${UNITS}/${unitId}/members/$ref`, reader.token, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${users.bob}`,
      });
      assertGraphError(add, 403, 'Authorization_RequestDenied');
      assert.deepEqual(await activityOf(add), [['Add member to administrative unit', 'failure']]);
      const remove = await call('DELETE', `${UNITS}/${unitId}/members/${users.bob}/$ref`, outsider.token);
      assertGraphError(remove, 403, 'Authorization_RequestDenied');
      assert.deepEqual(await activityOf(remove), [['Remove member from administrative unit', 'failure']]);
      const del = await call('DELETE', `${UNITS}/${unitId}`, reader.token);
      assertGraphError(del, 403, 'Authorization_RequestDenied');
      assert.deepEqual(await activityOf(del), [['Delete administrative unit', 'failure']]);
      // A body that fails validation is refused before the use case, and still audited from the route declaration.
      const invalid = await call('POST', UNITS, app.token, { displayName: 'x', colour: 'red' });
      assertGraphError(invalid, 400, 'Request_BadRequest');
      assert.deepEqual(await activityOf(invalid), [['Add administrative unit', 'failure']]);
    });

    it('removes a member by /{id}/$ref and deletes the unit (204), both audited', async () => {
      const removed = await call('DELETE', `${UNITS}/${unitId}/members/${users.bob}/$ref`, app.token);
      assert.equal(removed.status, 204, removed.raw);
      assert.deepEqual(await activityOf(removed), [['Remove member from administrative unit', 'success']]);
      assertGraphError(
        await call('DELETE', `${UNITS}/${unitId}/members/${users.bob}/$ref`, app.token),
        404,
        'Request_ResourceNotFound',
        'memberId',
      );
      const deleted = await call('DELETE', `${UNITS}/${unitId}`, app.token);
      assert.equal(deleted.status, 204, deleted.raw);
      assert.deepEqual(await activityOf(deleted), [['Delete administrative unit', 'success']]);
      assertGraphError(await call('GET', `${UNITS}/${unitId}`, app.token), 404, 'Request_ResourceNotFound');
      const rows = await deps.db
        .selectFrom('administrative_unit_members')
        .select('member_id')
        .where('unit_id', '=', unitId)
        .execute();
      assert.equal(rows.length, 0);
    });
  });
}
