// The decision table of issue 10 (test/support/authz-decision-table.ts) against the pure authorize(): each row's
// actor, token and target → allowed, or the exact refusal. test/http/authz-decision-table.test.ts runs the same rows
// through the Graph API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize, type Principal, type Target } from '../../src/domain/authz/authorize.js';
import { GRAPH_PERMISSIONS } from '../../src/domain/authz/permissions.js';
import {
  ALLOW,
  DEFINITIONS,
  OPERATIONS,
  ROWS,
  roleId,
  type Row,
  type Scope,
  TENANT_OPS,
} from '../support/authz-decision-table.js';

const ALL_SCOPES = Object.keys(GRAPH_PERMISSIONS);
const scopeId = (scope: Scope): string => (scope === '/' ? '/' : `/administrativeUnits/${scope}`);

function principalOf(row: Row): Principal {
  return {
    kind: 'user',
    userId: 'actor',
    roles: row.actor.map(([key, scope]) => ({ roleTemplateId: roleId(key), directoryScopeId: scopeId(scope) })),
    scopes: row.scopes ?? ALL_SCOPES,
    mfa: row.mfa ?? true,
  };
}

function targetOf(row: Row): Target {
  if (TENANT_OPS.has(row.op)) return { kind: 'tenant' };
  return {
    kind: 'user',
    id: row.self === true ? 'actor' : 'target',
    ...(row.targetRoles === 'unknown' ? {} : { roleTemplateIds: row.targetRoles.map(roleId) }),
    administrativeUnitIds: (row.targetUnits ?? []).map(String),
  };
}

describe('authorization decision table (ENTRA-REFERENCE §5.4, §5.5)', () => {
  it('has at least 60 rows, each named once', () => {
    assert.ok(ROWS.length >= 60, String(ROWS.length));
    assert.equal(new Set(ROWS.map((r) => r.row)).size, ROWS.length);
  });
  for (const row of ROWS) {
    it(row.row, () => {
      const decision = authorize(principalOf(row), OPERATIONS[row.op], targetOf(row), { roleDefinitions: DEFINITIONS });
      assert.deepEqual(decision.allowed ? ALLOW : decision.reason, row.expect);
    });
  }
});
