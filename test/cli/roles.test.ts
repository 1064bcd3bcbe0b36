// `gatepass role …` run as a real child process on both databases: custom roles, assignments tenant-wide and in a
// unit, --json in Graph's shapes, refusals as one stderr line with exit code 1.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { gatepass, oneJsonObject } from './run-cli.js';

const TAP_CREATE = 'microsoft.directory/users/authenticationMethods/create';

for (const dialect of dialects) {
  describe(`gatepass role on ${dialect}`, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    let UNIT = '';
    before(async () => {
      db = await createTestDatabase(dialect);
      env = { ...db.env, GATEPASS_DOMAINS: 'contoso.test', GATEPASS_LOG_LEVEL: 'warn' };
      assert.equal((await gatepass(env, ['migrate'])).code, 0);
      const user = await gatepass(env, [
        'user',
        'create',
        '--upn',
        'desk@contoso.test',
        '--display-name',
        'Desk',
        '--no-password',
      ]);
      assert.equal(user.code, 0, user.stderr);
      const unit = await gatepass(env, ['unit', 'create', '--name', 'Site A', '--json']);
      assert.equal(unit.code, 0, unit.stderr);
      UNIT = String(oneJsonObject(unit.stdout).id);
    });
    after(() => db.drop());

    it('lists and shows roles, creates a custom role, refuses an unknown action by name', async () => {
      const list = oneJsonObject((await gatepass(env, ['role', 'list', '--json'])).stdout);
      assert.ok((list.value as { displayName: string }[]).some((r) => r.displayName === 'Global Administrator'));
      const shown = await gatepass(env, ['role', 'show', 'authentication administrator']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /c4e39bd9-1100-46d3-8c65-fb160da0071f/);
      const created = await gatepass(env, [
        'role',
        'create',
        '--name',
        'Tier 1 TAP issuer',
        '--description',
        'Issues passes',
        '--action',
        TAP_CREATE,
        '--action',
        'microsoft.directory/users/authenticationMethods/standard/restrictedRead',
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const role = oneJsonObject(created.stdout);
      assert.equal(role.isBuiltIn, false);
      assert.equal(
        (role.rolePermissions as { allowedResourceActions: string[] }[])[0]?.allowedResourceActions.length,
        2,
      );
      const bad = await gatepass(env, ['role', 'create', '--name', 'Bad', '--action', 'microsoft.directory/users/fly']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /microsoft\.directory\/users\/fly/);
      const builtIn = await gatepass(env, ['role', 'delete', 'Global Administrator']);
      assert.equal(builtIn.code, 1);
    });

    it('assigns in a unit and tenant-wide, lists, refuses deleting an assigned role, unassigns', async () => {
      const scoped = await gatepass(env, [
        'role',
        'assign',
        'desk@contoso.test',
        'Tier 1 TAP issuer',
        '--unit',
        UNIT,
        '--json',
      ]);
      assert.equal(scoped.code, 0, scoped.stderr);
      assert.equal(oneJsonObject(scoped.stdout).directoryScopeId, `/administrativeUnits/${UNIT}`);
      const ga = await gatepass(env, ['role', 'assign', 'desk@contoso.test', 'Global Administrator', '--unit', UNIT]);
      assert.equal(ga.code, 1);
      assert.match(ga.stderr, /not supported to be assigned to a single resource scope/);
      const tenant = await gatepass(env, ['role', 'assign', 'desk@contoso.test', 'Helpdesk Administrator']);
      assert.equal(tenant.code, 0, tenant.stderr);
      const mine = oneJsonObject((await gatepass(env, ['role', 'assignments', 'desk@contoso.test', '--json'])).stdout);
      assert.equal((mine.value as unknown[]).length, 2);
      const all = await gatepass(env, ['role', 'assignments']);
      assert.match(all.stdout, /admin@contoso\.test {2}Global Administrator {2}\//);
      const inUse = await gatepass(env, ['role', 'delete', 'Tier 1 TAP issuer']);
      assert.equal(inUse.code, 1);
      assert.match(inUse.stderr, /still assigned/);
      const removed = await gatepass(env, [
        'role',
        'unassign',
        'desk@contoso.test',
        'Tier 1 TAP issuer',
        '--unit',
        `/administrativeUnits/${UNIT}`,
      ]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal((await gatepass(env, ['role', 'unassign', 'desk@contoso.test', 'Helpdesk Administrator'])).code, 0);
      const last = await gatepass(env, ['role', 'unassign', 'admin@contoso.test', 'Global Administrator']);
      assert.equal(last.code, 1);
      assert.match(last.stderr, /Global Administrator/);
      const deleted = await gatepass(env, ['role', 'delete', 'Tier 1 TAP issuer', '--json']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(oneJsonObject(deleted.stdout).deleted, true);
    });
  });
}
