// Administrative units on both databases: create, find by name, update, members, memberOf, delete, the audit rows
// with Entra's activity names, and refusals (audited too) for a caller without the permission.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import type { RequestContext } from '../../src/services/deps.js';
import type { GuardedContext } from '../../src/services/guard.js';
import {
  addAdministrativeUnitMember,
  createAdministrativeUnit,
  deleteAdministrativeUnit,
  getAdministrativeUnit,
  listAdministrativeUnitMembers,
  listAdministrativeUnits,
  removeAdministrativeUnitMember,
  updateAdministrativeUnit,
} from '../../src/services/administrative-units.js';
import { listMemberOf } from '../../src/services/member-of.js';
import { createUser, deleteUser } from '../../src/services/users.js';
import { addGroupMember, createGroup } from '../../src/services/groups.js';
import { unitIdsOfUser } from '../../src/store/repos/administrative-units.js';
import { authorize, type Principal } from '../../src/domain/authz/authorize.js';
import { AppError, isAppError } from '../../src/domain/errors.js';

const ctx: RequestContext = {
  actor: { kind: 'cli', osUser: 'tester' },
  correlationId: '22222222-2222-4222-8222-222222222222',
  ipAddress: null,
};

/** A caller held to `authorize`, as the Graph layer binds one: an app with these application permissions. */
function appContext(permissions: string[]): GuardedContext {
  const principal: Principal = { kind: 'app', appId: 'test-app', permissions };
  return {
    ...ctx,
    guard: (action, target) => {
      if (!authorize(principal, action, target).allowed) throw new AppError('forbidden');
    },
    allows: (action, target) => authorize(principal, action, target).allowed,
  };
}

const rejects = (code: string, target?: string) => (e: unknown) => {
  assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
  assert.equal(e.code, code);
  if (target !== undefined) assert.equal(e.target, target);
  return true;
};

for (const dialect of dialects) {
  describe(`administrative units on ${dialect}`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
    });
    after(() => t.close());

    const auditRows = (activity: string) =>
      t.runtime.deps.db
        .selectFrom('audit_events')
        .select(['result', 'category', 'operation_type', 'target_resources', 'result_reason'])
        .where('activity_display_name', '=', activity)
        .orderBy('activity_date_time')
        .execute();

    it('creates, finds by id or name, lists with $filter and paging, updates and deletes, each audited', async () => {
      const deps = t.runtime.deps;
      const siteA = await createAdministrativeUnit(deps, ctx, { displayName: ' Site A ', description: 'West' });
      assert.equal(siteA.displayName, 'Site A');
      assert.equal(siteA.description, 'West');
      assert.equal(siteA.visibility, null);
      const siteB = await createAdministrativeUnit(deps, ctx, { displayName: 'Site B' });
      await createAdministrativeUnit(deps, ctx, { displayName: 'Head office' });
      assert.equal((await getAdministrativeUnit(deps, ctx, 'site a')).id, siteA.id);
      assert.equal((await getAdministrativeUnit(deps, ctx, siteB.id.toUpperCase())).id, siteB.id);
      await assert.rejects(getAdministrativeUnit(deps, ctx, 'Nowhere'), rejects('notFound'));

      const filtered = await listAdministrativeUnits(deps, ctx, {
        filter: "startswith(displayName,'site')",
        count: true,
      });
      assert.deepEqual(filtered.units.map((u) => u.displayName).sort(), ['Site A', 'Site B']);
      assert.equal(filtered.count, 2);
      const first = await listAdministrativeUnits(deps, ctx, { top: 2 });
      assert.equal(first.units.length, 2);
      assert.ok(first.nextSkipToken);
      const second = await listAdministrativeUnits(deps, ctx, { top: 2, skipToken: first.nextSkipToken });
      assert.equal(second.units.length, 1);
      assert.equal(second.nextSkipToken, undefined);
      await assert.rejects(
        listAdministrativeUnits(deps, ctx, { filter: "mail eq 'x'" }),
        rejects('invalidFilter', '$filter'),
      );

      const renamed = await updateAdministrativeUnit(deps, ctx, siteB.id, {
        displayName: 'Site B (east)',
        description: '',
      });
      assert.equal(renamed.displayName, 'Site B (east)');
      assert.equal(renamed.description, null);
      await assert.rejects(
        updateAdministrativeUnit(deps, ctx, siteB.id, { displayName: '   ' }),
        rejects('invalidRequest', 'displayName'),
      );
      await assert.rejects(
        createAdministrativeUnit(deps, ctx, { displayName: 'x', description: 'd'.repeat(1025) }),
        rejects('invalidRequest', 'description'),
      );
      await createAdministrativeUnit(deps, ctx, { displayName: 'Twin' });
      await createAdministrativeUnit(deps, ctx, { displayName: 'twin' });
      await assert.rejects(getAdministrativeUnit(deps, ctx, 'Twin'), rejects('invalidRequest', 'administrativeUnit'));

      await deleteAdministrativeUnit(deps, ctx, 'Head office');
      await assert.rejects(getAdministrativeUnit(deps, ctx, 'Head office'), rejects('notFound'));

      const added = await auditRows('Add administrative unit');
      assert.ok(added.some((r) => r.result === 'success' && r.category === 'AdministrativeUnit'));
      assert.ok(added.some((r) => r.result === 'failure'));
      const siteAAdd = added.find((r) => r.target_resources.includes(siteA.id))!;
      assert.equal(siteAAdd.operation_type, 'Add');
      assert.match(siteAAdd.target_resources, /DisplayName/);
      const updates = await auditRows('Update administrative unit');
      assert.deepEqual(updates.map((r) => r.result).sort(), ['failure', 'success']);
      assert.match(updates.find((r) => r.result === 'success')!.target_resources, /Site B \(east\)/);
      const deletes = await auditRows('Delete administrative unit');
      assert.equal(deletes.length, 1);
      assert.equal(deletes[0]!.category, 'AdministrativeUnit');
    });

    it('adds and removes user members, lists them, answers unitIdsOfUser and memberOf; cascades', async () => {
      const deps = t.runtime.deps;
      const north = await createAdministrativeUnit(deps, ctx, { displayName: 'North' });
      const south = await createAdministrativeUnit(deps, ctx, { displayName: 'South' });
      const ann = await createUser(deps, ctx, { userPrincipalName: 'ann@contoso.test', displayName: 'Ann' });
      const ben = await createUser(deps, ctx, { userPrincipalName: 'ben@contoso.test', displayName: 'Ben' });
      await addAdministrativeUnitMember(deps, ctx, 'North', 'ann@contoso.test');
      await addAdministrativeUnitMember(deps, ctx, south.id, ann.id);
      await addAdministrativeUnitMember(deps, ctx, north.id, ben.id);
      await assert.rejects(
        addAdministrativeUnitMember(deps, ctx, north.id, ann.id),
        rejects('memberAlreadyExists', 'members'),
      );
      await assert.rejects(
        addAdministrativeUnitMember(deps, ctx, north.id, 'nobody@contoso.test'),
        rejects('notFound'),
      );
      assert.deepEqual(await unitIdsOfUser(deps.db, ann.id), [north.id, south.id].sort());
      const members = await listAdministrativeUnitMembers(deps, ctx, north.id, { top: 1 });
      assert.equal(members.members.length, 1);
      assert.ok(members.nextSkipToken);
      assert.equal(members.limited.size, 0);

      const group = await createGroup(deps, ctx, { displayName: 'Nurses' });
      await addGroupMember(deps, ctx, group.id, ann.id);
      const memberOf = await listMemberOf(deps, ctx, 'ann@contoso.test');
      assert.deepEqual(
        memberOf.items.map((i) => i.kind),
        ['administrativeUnit', 'administrativeUnit', 'group'],
      );

      await removeAdministrativeUnitMember(deps, ctx, 'South', 'ann@contoso.test');
      await assert.rejects(
        removeAdministrativeUnitMember(deps, ctx, south.id, ann.id),
        rejects('notFound', 'memberId'),
      );
      assert.deepEqual(await unitIdsOfUser(deps.db, ann.id), [north.id]);

      const adds = await auditRows('Add member to administrative unit');
      assert.equal(adds.filter((r) => r.result === 'success').length, 3);
      assert.equal(adds.filter((r) => r.result === 'failure').length, 2);
      assert.ok(adds.every((r) => /AdministrativeUnit\.ObjectID/.test(r.target_resources)));
      const removes = await auditRows('Remove member from administrative unit');
      assert.deepEqual(removes.map((r) => [r.result, r.operation_type]).sort(), [
        ['failure', 'Unassign'],
        ['success', 'Unassign'],
      ]);

      await deleteUser(deps, ctx, ben.id);
      assert.equal((await listAdministrativeUnitMembers(deps, ctx, north.id)).members.length, 1);
      await deleteAdministrativeUnit(deps, ctx, north.id);
      assert.deepEqual(await unitIdsOfUser(deps.db, ann.id), []);
    });

    it('refuses callers without the permission before any lookup, and audits the refused writes', async () => {
      const deps = t.runtime.deps;
      const unit = await createAdministrativeUnit(deps, ctx, { displayName: 'Guarded' });
      const user = await createUser(deps, ctx, { userPrincipalName: 'gus@contoso.test', displayName: 'Gus' });
      const none = appContext(['User.Read.All']);
      const reader = appContext(['AdministrativeUnit.Read.All']);
      const writer = appContext(['AdministrativeUnit.ReadWrite.All', 'User.Read.All']);

      await assert.rejects(listAdministrativeUnits(deps, none, {}), rejects('forbidden'));
      await assert.rejects(getAdministrativeUnit(deps, none, 'no such unit'), rejects('forbidden'));
      assert.equal((await getAdministrativeUnit(deps, reader, unit.id)).id, unit.id);
      await assert.rejects(createAdministrativeUnit(deps, reader, { displayName: 'Nope' }), rejects('forbidden'));
      await assert.rejects(updateAdministrativeUnit(deps, reader, unit.id, { description: 'x' }), rejects('forbidden'));
      await assert.rejects(addAdministrativeUnitMember(deps, reader, unit.id, user.id), rejects('forbidden'));
      await assert.rejects(deleteAdministrativeUnit(deps, reader, unit.id), rejects('forbidden'));

      await addAdministrativeUnitMember(deps, writer, unit.id, user.id);
      // A unit permission alone shows members as Graph's limited information.
      const shown = await listAdministrativeUnitMembers(deps, reader, unit.id);
      assert.deepEqual([...shown.limited], [user.id]);
      assert.equal((await listAdministrativeUnitMembers(deps, writer, unit.id)).limited.size, 0);
      await assert.rejects(listMemberOf(deps, reader, user.id), rejects('forbidden'));
      const memberOf = await listMemberOf(deps, appContext(['User.Read.All']), user.id);
      assert.deepEqual(
        memberOf.items.map((i) => [i.kind, i.limited]),
        [['administrativeUnit', true]],
      );
      await removeAdministrativeUnitMember(deps, writer, unit.id, user.id);
      await deleteAdministrativeUnit(deps, writer, unit.id);

      const refused = await t.runtime.deps.db
        .selectFrom('audit_events')
        .select(['activity_display_name', 'result_reason'])
        .where('result', '=', 'failure')
        .where('category', '=', 'AdministrativeUnit')
        .where('target_resources', 'like', `%${unit.id}%`)
        .execute();
      assert.deepEqual(refused.map((r) => r.activity_display_name).sort(), [
        'Add member to administrative unit',
        'Delete administrative unit',
        'Update administrative unit',
      ]);
    });
  });
}
