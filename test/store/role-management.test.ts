// Role definitions and role assignments on both databases: custom roles, assignments at tenant and unit scope, the
// last Global Administrator, the audit entries, and the custom definitions the decision function loads.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authorize } from '../../src/domain/authz/authorize.js';
import { isAppError } from '../../src/domain/errors.js';
import { GLOBAL_ADMINISTRATOR } from '../../src/domain/roles.js';
import type { RequestContext } from '../../src/services/deps.js';
import { loadRoleDefinitions } from '../../src/services/guard.js';
import {
  createRoleAssignment,
  deleteRoleAssignment,
  listRoleAssignments,
  roleAssignmentFilterOf,
} from '../../src/services/role-assignments.js';
import {
  createRoleDefinition,
  deleteRoleDefinition,
  getRoleDefinition,
  listRoleDefinitions,
  updateRoleDefinition,
} from '../../src/services/role-definitions.js';
import { createAdministrativeUnit } from '../../src/services/administrative-units.js';
import { createUser } from '../../src/services/users.js';
import { createDirectoryRoleAssignmentsRepo } from '../../src/store/repos/directory-role-assignments.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const ctx: RequestContext = {
  actor: { kind: 'cli', osUser: 'tester' },
  correlationId: '22222222-2222-4222-8222-222222222222',
  ipAddress: null,
};

const rejects = (entry: string, pattern?: RegExp) => (e: unknown) => {
  assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
  assert.equal(e.entry, entry);
  if (pattern) assert.match(e.message, pattern);
  return true;
};

const TAP_CREATE = 'microsoft.directory/users/authenticationMethods/create';
const TAP_READ = 'microsoft.directory/users/authenticationMethods/standard/restrictedRead';
const NO_UNIT = '/administrativeUnits/3f1c2a4e-0b6d-4c1e-9a55-2d1f7e0c9b11';
const AA = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
const HELPDESK = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

for (const dialect of dialects) {
  describe(`role management on ${dialect}`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
    });
    after(() => t.close());

    it('lists the built-ins first, then custom roles; creates, changes and deletes a custom role, audited', async () => {
      const deps = t.runtime.deps;
      const builtIns = await listRoleDefinitions(deps, ctx);
      assert.ok(builtIns.every((r) => r.isBuiltIn));
      const role = await createRoleDefinition(deps, ctx, {
        displayName: 'Tier 1 TAP issuer',
        description: 'Issues passes',
        allowedResourceActions: [TAP_CREATE, TAP_READ],
      });
      assert.equal(role.isBuiltIn, false);
      assert.equal(role.version, '1');
      const listed = await listRoleDefinitions(deps, ctx);
      assert.equal(listed.at(-1)?.id, role.id);
      assert.equal(listed.length, builtIns.length + 1);
      assert.equal((await getRoleDefinition(deps, ctx, 'tier 1 tap issuer')).id, role.id);
      assert.equal((await getRoleDefinition(deps, ctx, 'Authentication Administrator')).id, AA);

      await assert.rejects(
        createRoleDefinition(deps, ctx, { displayName: 'Tier 1 TAP issuer', allowedResourceActions: [TAP_CREATE] }),
        rejects('roleDisplayNameTaken'),
      );
      await assert.rejects(
        createRoleDefinition(deps, ctx, {
          displayName: 'Bad',
          allowedResourceActions: ['microsoft.directory/users/fly'],
        }),
        rejects('roleActionUnknown', /'microsoft\.directory\/users\/fly'/),
      );
      await assert.rejects(
        createRoleDefinition(deps, ctx, {
          displayName: 'Bad',
          allowedResourceActions: ['microsoft.directory/roleAssignments/allProperties/allTasks'],
        }),
        rejects('roleActionNotAssignable', /roleAssignments/),
      );
      await assert.rejects(updateRoleDefinition(deps, ctx, AA, { description: 'x' }), rejects('builtInRoleReadOnly'));
      await assert.rejects(deleteRoleDefinition(deps, ctx, AA), rejects('builtInRoleReadOnly'));

      const updated = await updateRoleDefinition(deps, ctx, role.id, { description: 'Issues passes on site' });
      assert.equal(updated.description, 'Issues passes on site');
      assert.equal(updated.version, '2');

      const deleted = await deleteRoleDefinition(deps, ctx, role.id);
      assert.equal(deleted.id, role.id);
      await assert.rejects(getRoleDefinition(deps, ctx, role.id), rejects('resourceNotFound'));

      const activities = await deps.db
        .selectFrom('audit_events')
        .select(['activity_display_name', 'result', 'category'])
        .where('category', '=', 'RoleManagement')
        .execute();
      const ok = (name: string) => activities.some((a) => a.activity_display_name === name && a.result === 'success');
      assert.ok(ok('Add role definition') && ok('Update role definition') && ok('Delete role definition'));
      assert.ok(activities.some((a) => a.activity_display_name === 'Add role definition' && a.result === 'failure'));
      assert.ok(activities.some((a) => a.activity_display_name === 'Delete role definition' && a.result === 'failure'));
    });

    it('assigns at tenant and unit scope, refuses what Entra refuses, and keeps an assigned role', async () => {
      const deps = t.runtime.deps;
      const helpdesk = await createUser(deps, ctx, { userPrincipalName: 'desk@contoso.test', displayName: 'Desk' });
      const role = await createRoleDefinition(deps, ctx, {
        displayName: 'Site issuer',
        allowedResourceActions: [TAP_CREATE, TAP_READ],
      });
      // A unit scope must name an existing unit.
      await assert.rejects(
        createRoleAssignment(deps, ctx, {
          principalId: helpdesk.id,
          roleDefinitionId: role.id,
          directoryScopeId: NO_UNIT,
        }),
        (e: unknown) => {
          rejects('directoryScopeUnitNotFound', /'directoryScopeId' names no administrative unit/)(e);
          assert.ok(isAppError(e) && e.target === 'directoryScopeId' && e.status === 404);
          return true;
        },
      );
      const UNIT = `/administrativeUnits/${(await createAdministrativeUnit(deps, ctx, { displayName: 'Site A' })).id}`;
      const scoped = await createRoleAssignment(deps, ctx, {
        principalId: helpdesk.id,
        roleDefinitionId: role.id,
        directoryScopeId: UNIT,
      });
      assert.equal(scoped.directoryScopeId, UNIT);
      await assert.rejects(
        createRoleAssignment(deps, ctx, {
          principalId: helpdesk.id,
          roleDefinitionId: role.id,
          directoryScopeId: UNIT,
        }),
        rejects('roleAssignmentExists'),
      );
      await assert.rejects(
        createRoleAssignment(deps, ctx, {
          principalId: helpdesk.id,
          roleDefinitionId: GLOBAL_ADMINISTRATOR,
          directoryScopeId: UNIT,
        }),
        rejects('roleNotScopable', /not supported to be assigned to a single resource scope/),
      );
      await assert.rejects(
        createRoleAssignment(deps, ctx, {
          principalId: helpdesk.id,
          roleDefinitionId: AA,
          directoryScopeId: '/units/x',
        }),
        rejects('directoryScopeInvalid'),
      );
      const tenant = await createRoleAssignment(deps, ctx, {
        principalId: helpdesk.id,
        roleDefinitionId: HELPDESK,
        directoryScopeId: '/',
      });

      const byPrincipal = await listRoleAssignments(deps, ctx, () => ({
        filter: `principalId eq '${helpdesk.id}'`,
        expand: ['principal', 'roleDefinition'],
      }));
      assert.deepEqual(byPrincipal.map((a) => a.assignment.id).sort(), [scoped.id, tenant.id].sort());
      assert.equal(byPrincipal[0]?.principal?.id, helpdesk.id);
      const byRole = await listRoleAssignments(deps, ctx, () => ({ filter: `roleDefinitionId eq '${role.id}'` }));
      assert.deepEqual(
        byRole.map((a) => a.assignment.id),
        [scoped.id],
      );
      assert.throws(() => roleAssignmentFilterOf("displayName eq 'x'"), rejects('invalidFilterClause'));

      await assert.rejects(
        deleteRoleDefinition(deps, ctx, role.id),
        rejects('roleStillAssigned', new RegExp(scoped.id)),
      );

      // The decision function sees the custom role at once, and not once it is disabled.
      const principal = {
        kind: 'user' as const,
        userId: 'someone-else',
        scopes: ['UserAuthenticationMethod.ReadWrite.All'],
        roles: [{ roleTemplateId: role.id, directoryScopeId: UNIT }],
        mfa: true,
      };
      const target = {
        kind: 'user' as const,
        id: helpdesk.id,
        roleTemplateIds: [],
        administrativeUnitIds: [UNIT.slice(21)],
      };
      const decide = async () =>
        authorize(principal, TAP_CREATE, target, { roleDefinitions: await loadRoleDefinitions(deps.db) }).allowed;
      assert.equal(await decide(), true);
      await updateRoleDefinition(deps, ctx, role.id, { isEnabled: false });
      assert.equal(await decide(), false);

      await deleteRoleAssignment(deps, ctx, scoped.id);
      await deleteRoleAssignment(deps, ctx, tenant.id);
      await deleteRoleDefinition(deps, ctx, role.id);
    });

    it('refuses to remove the last enabled Global Administrator assignment', async () => {
      const deps = t.runtime.deps;
      const repo = createDirectoryRoleAssignmentsRepo(deps.db);
      const admins = await repo.listAssignments({ roleDefinitionId: GLOBAL_ADMINISTRATOR });
      for (const a of admins.slice(1)) await deleteRoleAssignment(deps, ctx, a.id);
      const last = (await repo.listAssignments({ roleDefinitionId: GLOBAL_ADMINISTRATOR }))[0];
      if (!last) {
        const admin = await createUser(deps, ctx, { userPrincipalName: 'ga@contoso.test', displayName: 'GA' });
        await createRoleAssignment(deps, ctx, {
          principalId: admin.id,
          roleDefinitionId: GLOBAL_ADMINISTRATOR,
          directoryScopeId: '/',
        });
      }
      const only = (await repo.listAssignments({ roleDefinitionId: GLOBAL_ADMINISTRATOR }))[0]!;
      await assert.rejects(deleteRoleAssignment(deps, ctx, only.id), rejects('lastGlobalAdmin'));
      const second = await createUser(deps, ctx, { userPrincipalName: 'ga2@contoso.test', displayName: 'GA 2' });
      const added = await createRoleAssignment(deps, ctx, {
        principalId: second.id,
        roleDefinitionId: GLOBAL_ADMINISTRATOR,
        directoryScopeId: '/',
      });
      await deleteRoleAssignment(deps, ctx, added.id);
      const audits = await deps.db
        .selectFrom('audit_events')
        .select(['activity_display_name', 'result'])
        .where('activity_display_name', 'in', ['Add member to role', 'Remove member from role'])
        .execute();
      assert.ok(audits.some((a) => a.activity_display_name === 'Remove member from role' && a.result === 'failure'));
      assert.ok(audits.some((a) => a.activity_display_name === 'Add member to role' && a.result === 'success'));
    });
  });
}
