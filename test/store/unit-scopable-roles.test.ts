// Which built-in roles may be assigned at an administrative unit's scope, pinned to Entra's list ("Assign Microsoft
// Entra roles with administrative unit scope"): each built-in Gatepass serves is tried at unit scope on both stores.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILT_IN_ROLES } from '../../src/domain/authz/built-in-roles.js';
import { isAppError } from '../../src/domain/errors.js';
import { createAdministrativeUnit } from '../../src/services/administrative-units.js';
import type { RequestContext } from '../../src/services/deps.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import { createUser } from '../../src/services/users.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const ctx: RequestContext = {
  actor: { kind: 'cli', osUser: 'tester' },
  correlationId: '33333333-3333-4333-8333-333333333333',
  ipAddress: null,
};

/** Entra's list, by display name, restricted to the built-ins Gatepass has. */
const ENTRA_UNIT_SCOPABLE = [
  'Authentication Administrator',
  'Groups Administrator',
  'Helpdesk Administrator',
  'Password Administrator',
  'Privileged Authentication Administrator',
  'User Administrator',
];

for (const dialect of dialects) {
  describe(`built-in roles at administrative-unit scope on ${dialect}`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
    });
    after(() => t.close());

    it("assigns exactly Entra's unit-scopable built-ins at unit scope and refuses every other with Entra's 400", async () => {
      const deps = t.runtime.deps;
      const unit = await createAdministrativeUnit(deps, ctx, { displayName: 'Site A' });
      const user = await createUser(deps, ctx, { userPrincipalName: 'scoped@contoso.test', displayName: 'Scoped' });
      const accepted: string[] = [];
      for (const role of BUILT_IN_ROLES.values()) {
        try {
          await createRoleAssignment(deps, ctx, {
            principalId: user.id,
            roleDefinitionId: role.templateId,
            directoryScopeId: `/administrativeUnits/${unit.id}`,
          });
          accepted.push(role.displayName);
        } catch (e) {
          assert.ok(isAppError(e) && e.entry === 'roleNotScopable', `${role.displayName}: ${String(e)}`);
        }
      }
      assert.deepEqual(accepted.sort(), ENTRA_UNIT_SCOPABLE);
    });
  });
}
