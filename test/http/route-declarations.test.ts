// Every write route under /v1.0 declares, in its Fastify `config.audit`, what its refusal records, so a refused change
// is audited even when the Graph layer refuses it before any use case ran (refusal-audit.ts). A route that declares
// nothing cannot be registered: adding one and forgetting the declaration fails at start, and here.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type RouteOptions } from 'fastify';
import { registerGraph } from '../../src/http/graph/index.js';
import { auditRefusedWrites, undeclaredWrites } from '../../src/http/graph/refusal-audit.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The refused writes audited before the declarations moved onto the routes, and the throttle's clear since. */
const EXPECTED: Record<string, string> = {
  'POST /v1.0/users': 'UserManagement Add user Add User',
  'PATCH /v1.0/users/:id': 'UserManagement Update user Update User',
  'DELETE /v1.0/users/:id': 'UserManagement Delete user Delete User',
  'POST /v1.0/users/:id/revokeSignInSessions': 'UserManagement Invalidate all refresh tokens for user Update User',
  'DELETE /v1.0/users/:id/signInThrottle': 'UserManagement Unlock user sign-in Update User',
  'POST /v1.0/groups': 'GroupManagement Add group Add Group',
  'PATCH /v1.0/groups/:id': 'GroupManagement Update group Update Group',
  'DELETE /v1.0/groups/:id': 'GroupManagement Delete group Delete Group',
  'POST /v1.0/groups/:id/members/$ref': 'GroupManagement Add member to group Assign Group',
  'DELETE /v1.0/groups/:id/members/:memberId/$ref': 'GroupManagement Remove member from group Unassign Group',
  'POST /v1.0/directory/administrativeUnits': 'AdministrativeUnit Add administrative unit Add Other',
  'PATCH /v1.0/directory/administrativeUnits/:id': 'AdministrativeUnit Update administrative unit Update Other',
  'DELETE /v1.0/directory/administrativeUnits/:id': 'AdministrativeUnit Delete administrative unit Delete Other',
  'POST /v1.0/directory/administrativeUnits/:id/members/$ref':
    'AdministrativeUnit Add member to administrative unit Assign Other',
  'DELETE /v1.0/directory/administrativeUnits/:id/members/:memberId/$ref':
    'AdministrativeUnit Remove member from administrative unit Unassign Other',
  'POST /v1.0/roleManagement/directory/roleDefinitions': 'RoleManagement Add role definition Add Role',
  'PATCH /v1.0/roleManagement/directory/roleDefinitions/:id': 'RoleManagement Update role definition Update Role',
  'DELETE /v1.0/roleManagement/directory/roleDefinitions/:id': 'RoleManagement Delete role definition Delete Role',
  'POST /v1.0/roleManagement/directory/roleAssignments': 'RoleManagement Add member to role Assign Role',
  'DELETE /v1.0/roleManagement/directory/roleAssignments/:id': 'RoleManagement Remove member from role Unassign Role',
  'POST /v1.0/users/:id/authentication/temporaryAccessPassMethods':
    'UserManagement Admin registered security info Add User',
  'DELETE /v1.0/users/:id/authentication/temporaryAccessPassMethods/:methodId':
    'UserManagement Admin deleted security info Delete User',
  'DELETE /v1.0/me/authentication/temporaryAccessPassMethods/:methodId':
    'UserManagement User deleted security info Delete User',
  'PATCH /v1.0/organization/:id': 'DirectoryManagement Set Company Information Update Directory',
  'POST /v1.0/users/:id/authentication/emailMethods': 'UserManagement Admin registered security info Add User',
  'PATCH /v1.0/users/:id/authentication/emailMethods/:methodId':
    'UserManagement Admin updated security info Update User',
  'DELETE /v1.0/users/:id/authentication/emailMethods/:methodId':
    'UserManagement Admin deleted security info Delete User',
  'DELETE /v1.0/users/:id/authentication/softwareOathMethods/:methodId':
    'UserManagement Admin deleted security info Delete User',
  'DELETE /v1.0/me/authentication/softwareOathMethods/:methodId':
    'UserManagement User deleted security info Delete User',
  'DELETE /v1.0/users/:id/authentication/fido2Methods/:methodId':
    'UserManagement Admin deleted security info Delete User',
  'DELETE /v1.0/me/authentication/fido2Methods/:methodId': 'UserManagement User deleted security info Delete User',
  'PATCH /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id':
    'Policy Authentication Methods Policy Update Update Policy',
  'DELETE /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id':
    'Policy Authentication Methods Policy Update Update Policy',
  'POST /v1.0/oauth2PermissionGrants': 'ApplicationManagement Add delegated permission grant Assign App',
  'DELETE /v1.0/oauth2PermissionGrants/:id': 'ApplicationManagement Remove delegated permission grant Unassign App',
  'PATCH /v1.0/policies/identitySecurityDefaultsEnforcementPolicy':
    'Policy Update policy Update Policy 00000000-0000-0000-0000-000000000005',
};

describe('Graph routes declare their refusal audit', () => {
  let t: TestRuntime;
  const routes: RouteOptions[] = [];

  before(async () => {
    t = await openTestRuntime('sqlite');
    const app = Fastify();
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    await registerGraph(app, t.runtime.deps);
    await app.ready();
    await app.close();
  });
  after(async () => {
    await t.close();
  });

  it('every POST, PATCH, PUT and DELETE under /v1.0 declares config.audit', () => {
    const graphRoutes = routes.filter((r) => r.url.startsWith('/v1.0/'));
    assert.ok(graphRoutes.length > 40, `found ${graphRoutes.length} Graph routes`);
    const writes = graphRoutes.filter((r) => [r.method].flat().some((m) => WRITES.has(m)));
    assert.ok(writes.length > 20);
    assert.deepEqual(
      writes.flatMap((r) => undeclaredWrites(r).map((m) => `${m} ${r.url}`)),
      [],
    );
  });

  it('the declarations record what the use cases record (405 verbs record nothing)', () => {
    const declared: Record<string, string> = {};
    for (const route of routes) {
      const audit = route.config?.audit;
      if (!audit) continue;
      for (const method of [route.method].flat().filter((m) => WRITES.has(m)))
        declared[`${method} ${route.url}`] = [
          audit.category,
          audit.activity,
          audit.operationType,
          audit.targetType,
          ...(audit.targetId === undefined ? [] : [audit.targetId]),
        ].join(' ');
    }
    assert.deepEqual(declared, EXPECTED);
  });

  it('a write route without the declaration cannot be registered', async () => {
    const app = Fastify();
    await assert.rejects(async () => {
      await app.register(
        async (graph) => {
          auditRefusedWrites(graph, t.runtime.deps);
          graph.get('/read', async () => ({}));
          graph.post('/forgotten', async () => ({}));
        },
        { prefix: '/v1.0' },
      );
      await app.ready();
    }, /POST \/v1\.0\/forgotten declares no config\.audit/);
    await app.close().catch(() => undefined);
  });
});
