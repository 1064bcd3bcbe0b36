// Unit tests for authorize(): application permissions, delegated scope ∩ roles, AU scopes, members-only roles, not-on-self.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorize,
  isPrivilegedUser,
  notOnSelf,
  patternGrants,
  permissionsGranting,
  scopeCovers,
  type Principal,
  type RoleAssignment,
  type Target,
} from '../../src/domain/authz/authorize.js';
import {
  ACTIONS,
  BUILT_IN_ROLES,
  GRAPH_PERMISSIONS,
  IMPLIED_ACTIONS,
  MAY_ACT_ON,
  NOT_ON_SELF_ACTIONS,
  ROLE_TEMPLATE_IDS as R,
  type Action,
  type RoleDefinition,
} from '../../src/domain/authz/permissions.js';

const D = 'microsoft.directory';
const ALL_SCOPES = Object.keys(GRAPH_PERMISSIONS);
const ALLOWED = { allowed: true };
const denied = (reason: string) => ({ allowed: false, reason });

const app = (...permissions: string[]): Principal => ({ kind: 'app', appId: 'app-1', permissions });
const user = (roles: RoleAssignment[], scopes: string[] = ALL_SCOPES, userId = 'me'): Principal => ({
  kind: 'user',
  userId,
  roles,
  scopes,
  mfa: true,
});
const tenantWide = (roleTemplateId: string): RoleAssignment => ({ roleTemplateId, directoryScopeId: '/' });
const inUnit = (roleTemplateId: string, unit: string): RoleAssignment => ({
  roleTemplateId,
  directoryScopeId: `/administrativeUnits/${unit}`,
});
const member = (id = 'bob', administrativeUnitIds: string[] = []): Target => ({
  kind: 'user',
  id,
  roleTemplateIds: [],
  administrativeUnitIds,
});
const admin = (id = 'carol', administrativeUnitIds: string[] = []): Target => ({
  kind: 'user',
  id,
  roleTemplateIds: [R.globalAdministrator],
  administrativeUnitIds,
});
const me: Target = { kind: 'user', id: 'me', roleTemplateIds: [R.globalAdministrator] };
const tenant: Target = { kind: 'tenant' };

const TAP_CREATE: Action = `${D}/users/authenticationMethods/create`;

describe('app principals', () => {
  it('User.Read.All can read users but not create them', () => {
    assert.deepEqual(authorize(app('User.Read.All'), `${D}/users/standard/read`, member()), ALLOWED);
    assert.deepEqual(authorize(app('User.Read.All'), `${D}/users/create`, tenant), denied('permissionMissing'));
  });
  it('ignores unknown permission names and delegated-only self scopes', () => {
    assert.deepEqual(
      authorize(app('User.Read.Everything'), `${D}/users/standard/read`, member()),
      denied('permissionMissing'),
    );
    assert.deepEqual(authorize(app('User.Read'), `${D}/users/standard/read`, member()), denied('permissionMissing'));
    assert.deepEqual(authorize(app(), `${D}/users/standard/read`, member()), denied('permissionMissing'));
  });
  it('permission names are exact (case matters, as in Graph tokens)', () => {
    assert.deepEqual(
      authorize(app('user.read.all'), `${D}/users/standard/read`, member()),
      denied('permissionMissing'),
    );
  });
  it("UserAuthenticationMethod.ReadWrite.All changes members' credentials, but not a privileged user's (Gatepass default)", () => {
    const a = app('UserAuthenticationMethod.ReadWrite.All');
    assert.deepEqual(authorize(a, TAP_CREATE, member()), ALLOWED);
    for (const action of [
      TAP_CREATE,
      `${D}/users/authenticationMethods/delete`,
      `${D}/users/authenticationMethods/basic/update`,
    ] as const) {
      assert.deepEqual(authorize(a, action, admin()), denied('privilegedTarget'), action);
      // Unknown privilege counts as privileged.
      assert.deepEqual(authorize(a, action, { kind: 'user', id: 'x' }), denied('privilegedTarget'), action);
    }
    // Reading is not a change: the permission reads everyone's methods, as in Entra.
    assert.deepEqual(authorize(a, `${D}/users/authenticationMethods/standard/read`, admin()), ALLOWED);
  });
  it("a privileged user is in reach with a service-principal role that may act on them, or when the tenant restores Entra's behaviour", () => {
    const withRole = (roleTemplateId: string): Principal => ({
      kind: 'app',
      appId: 'app-1',
      permissions: ['UserAuthenticationMethod.ReadWrite.All'],
      roles: [tenantWide(roleTemplateId)],
    });
    assert.deepEqual(authorize(withRole(R.privilegedAuthenticationAdministrator), TAP_CREATE, admin()), ALLOWED);
    assert.deepEqual(authorize(withRole(R.globalAdministrator), TAP_CREATE, admin()), ALLOWED);
    // Authentication Administrator acts on members only (ENTRA-REFERENCE §5.4).
    assert.deepEqual(
      authorize(withRole(R.authenticationAdministrator), TAP_CREATE, admin()),
      denied('privilegedTarget'),
    );
    // A role never replaces the permission.
    assert.deepEqual(
      authorize(
        { kind: 'app', appId: 'app-1', permissions: [], roles: [tenantWide(R.globalAdministrator)] },
        TAP_CREATE,
        member(),
      ),
      denied('permissionMissing'),
    );
    const entraLike: Principal = {
      kind: 'app',
      appId: 'app-1',
      permissions: ['UserAuthenticationMethod.ReadWrite.All'],
      permissionsReachPrivilegedUsers: true,
    };
    assert.deepEqual(authorize(entraLike, TAP_CREATE, admin()), ALLOWED);
  });
  it('User.ReadWrite.All resets a password only with a service-principal role that may act on the user (Entra: at least User Administrator)', () => {
    const PASSWORD: Action = `${D}/users/password/update`;
    const withRoles = (...ids: string[]): Principal => ({
      kind: 'app',
      appId: 'app-1',
      permissions: ['User.ReadWrite.All'],
      roles: ids.map(tenantWide),
    });
    assert.deepEqual(authorize(withRoles(), PASSWORD, member()), denied('roleMissing'));
    assert.deepEqual(authorize(withRoles(R.userAdministrator), PASSWORD, member()), ALLOWED);
    assert.deepEqual(authorize(withRoles(R.userAdministrator), PASSWORD, admin()), denied('privilegedTarget'));
    assert.deepEqual(authorize(withRoles(R.privilegedAuthenticationAdministrator), PASSWORD, admin()), ALLOWED);
    // The tenant setting is about authentication methods: Entra itself requires the role for passwords.
    assert.deepEqual(
      authorize({ ...withRoles(), permissionsReachPrivilegedUsers: true } as Principal, PASSWORD, member()),
      denied('roleMissing'),
    );
    // Other writes of User.ReadWrite.All need no role.
    assert.deepEqual(authorize(withRoles(), `${D}/users/basic/update`, admin()), ALLOWED);
  });
  it("Entra's sensitive actions on a privileged user need a service-principal role that may act on them (Graph: delete user, app-only)", () => {
    const plain = app('User.ReadWrite.All');
    const globalAdmin: Principal = {
      kind: 'app',
      appId: 'app-1',
      permissions: ['User.ReadWrite.All'],
      roles: [tenantWide(R.globalAdministrator)],
    };
    const userAdmin: Principal = {
      kind: 'app',
      appId: 'app-1',
      permissions: ['User.ReadWrite.All'],
      roles: [tenantWide(R.userAdministrator)],
    };
    for (const action of [
      `${D}/users/delete`,
      `${D}/users/disable`,
      `${D}/users/enable`,
      `${D}/users/userPrincipalName/update`,
      `${D}/users/invalidateAllRefreshTokens`,
    ] as const) {
      assert.deepEqual(authorize(plain, action, member()), ALLOWED, action);
      assert.deepEqual(authorize(plain, action, admin()), denied('privilegedTarget'), action);
      assert.deepEqual(authorize(userAdmin, action, admin()), denied('privilegedTarget'), action);
      assert.deepEqual(authorize(globalAdmin, action, admin()), ALLOWED, action);
    }
  });
  it('standard/read implies restrictedRead but not the reverse', () => {
    assert.deepEqual(
      authorize(
        app('UserAuthenticationMethod.Read.All'),
        `${D}/users/authenticationMethods/standard/restrictedRead`,
        member(),
      ),
      ALLOWED,
    );
    assert.deepEqual(
      authorize(app('UserAuthenticationMethod.Read.All'), TAP_CREATE, member()),
      denied('permissionMissing'),
    );
  });
  it('Directory.ReadWrite.All may create users but not delete them or reset passwords', () => {
    const a = app('Directory.ReadWrite.All');
    assert.deepEqual(authorize(a, `${D}/users/create`, tenant), ALLOWED);
    assert.deepEqual(authorize(a, `${D}/users/delete`, member()), denied('permissionMissing'));
    assert.deepEqual(authorize(a, `${D}/users/password/update`, member()), denied('permissionMissing'));
    assert.deepEqual(authorize(a, TAP_CREATE, member()), denied('permissionMissing'));
  });
  it('security defaults need Policy.ReadWrite.SecurityDefaults or Policy.ReadWrite.ConditionalAccess (Graph v1.0 reference)', () => {
    const action: Action = `${D}/policies/securityDefaults/basic/update`;
    assert.deepEqual(authorize(app('Policy.ReadWrite.SecurityDefaults'), action, tenant), ALLOWED);
    assert.deepEqual(authorize(app('Policy.ReadWrite.ConditionalAccess'), action, tenant), ALLOWED);
    assert.deepEqual(authorize(app('Policy.Read.All'), action, tenant), denied('permissionMissing'));
    assert.deepEqual(
      authorize(app('Policy.ReadWrite.AuthenticationMethod'), action, tenant),
      denied('permissionMissing'),
    );
  });
});

describe('cli principal', () => {
  it('may do anything, even on privileged users', () => {
    const cli: Principal = { kind: 'cli', osUser: 'root' };
    for (const action of ACTIONS) {
      assert.deepEqual(authorize(cli, action, admin()), ALLOWED, action);
      assert.deepEqual(authorize(cli, action, tenant), ALLOWED, action);
    }
  });
});

describe('delegated: Global Administrator', () => {
  const ga = [tenantWide(R.globalAdministrator)];
  it('may do every action on others when it holds every scope', () => {
    for (const action of ACTIONS) {
      assert.deepEqual(authorize(user(ga), action, admin()), ALLOWED, action);
    }
  });
  it('is limited by the token scopes (intersection)', () => {
    const scopes = ['User.Read.All'];
    assert.deepEqual(authorize(user(ga, scopes), `${D}/users/standard/read`, member()), ALLOWED);
    assert.deepEqual(authorize(user(ga, scopes), `${D}/users/delete`, member()), denied('permissionMissing'));
    assert.deepEqual(authorize(user(ga, []), `${D}/users/standard/read`, member()), denied('permissionMissing'));
  });
  it('may not issue, delete or update its own authentication methods', () => {
    for (const action of NOT_ON_SELF_ACTIONS) {
      assert.deepEqual(authorize(user(ga), action, me), denied('notOnSelf'), action);
    }
  });
  it('may still read itself and other things about itself', () => {
    assert.deepEqual(authorize(user(ga), `${D}/users/standard/read`, me), ALLOWED);
    assert.deepEqual(authorize(user(ga), `${D}/users/basic/update`, me), ALLOWED);
  });
});

describe('delegated: Authentication Administrator', () => {
  it('tenant-wide: acts on members, not on privileged users', () => {
    const aa = user([tenantWide(R.authenticationAdministrator)]);
    assert.deepEqual(authorize(aa, TAP_CREATE, member()), ALLOWED);
    assert.deepEqual(authorize(aa, TAP_CREATE, admin()), denied('privilegedTarget'));
  });
  it('treats a target of unknown privilege as privileged (fail closed)', () => {
    const aa = user([tenantWide(R.authenticationAdministrator)]);
    assert.deepEqual(authorize(aa, TAP_CREATE, { kind: 'user', id: 'x' }), denied('privilegedTarget'));
  });
  it('non-sensitive actions are not limited to members', () => {
    const aa = user([tenantWide(R.authenticationAdministrator)]);
    assert.deepEqual(authorize(aa, `${D}/users/standard/read`, admin()), ALLOWED);
  });
  it('scoped to an AU: only users in that AU', () => {
    const aa = user([inUnit(R.authenticationAdministrator, 'au-site-a')]);
    assert.deepEqual(authorize(aa, TAP_CREATE, member('bob', ['au-site-a'])), ALLOWED);
    assert.deepEqual(authorize(aa, TAP_CREATE, member('bob', ['au-site-b'])), denied('outOfScope'));
    assert.deepEqual(authorize(aa, TAP_CREATE, member('bob')), denied('outOfScope'));
    assert.deepEqual(authorize(aa, TAP_CREATE, admin('carol', ['au-site-a'])), denied('privilegedTarget'));
    // Issue 10: reading users is what every member may do, so a unit-scoped issuer can find the people it serves.
    assert.deepEqual(authorize(aa, `${D}/users/standard/read`, tenant), ALLOWED);
    assert.deepEqual(authorize(aa, `${D}/users/basic/update`, tenant), denied('outOfScope'));
  });
  it('AU ids compare case-insensitively (GUIDs)', () => {
    const aa = user([inUnit(R.authenticationAdministrator, 'ABCDEF00-0000-0000-0000-000000000001')]);
    assert.deepEqual(authorize(aa, TAP_CREATE, member('bob', ['abcdef00-0000-0000-0000-000000000001'])), ALLOWED);
  });
  it('a second, tenant-wide assignment rescues an out-of-scope one', () => {
    const aa = user([inUnit(R.authenticationAdministrator, 'au-a'), tenantWide(R.authenticationAdministrator)]);
    assert.deepEqual(authorize(aa, TAP_CREATE, member('bob', ['au-b'])), ALLOWED);
  });
  it('may not issue to itself', () => {
    const aa = user([tenantWide(R.authenticationAdministrator)]);
    assert.deepEqual(authorize(aa, TAP_CREATE, { kind: 'user', id: 'me', roleTemplateIds: [] }), denied('notOnSelf'));
  });
});

describe('delegated: other built-in roles', () => {
  it('Privileged Authentication Administrator acts on admins too, but not on itself', () => {
    const paa = user([tenantWide(R.privilegedAuthenticationAdministrator)]);
    assert.deepEqual(authorize(paa, TAP_CREATE, admin()), ALLOWED);
    assert.deepEqual(authorize(paa, TAP_CREATE, me), denied('notOnSelf'));
  });
  it('Authentication Policy Administrator edits the policy but cannot issue passes', () => {
    const apa = user([tenantWide(R.authenticationPolicyAdministrator)]);
    assert.deepEqual(authorize(apa, `${D}/userCredentialPolicies/basic/update`, tenant), ALLOWED);
    assert.deepEqual(authorize(apa, TAP_CREATE, member()), denied('roleMissing'));
  });
  it('Helpdesk resets member passwords only and has no method permissions', () => {
    const hd = user([tenantWide(R.helpdeskAdministrator)]);
    assert.deepEqual(authorize(hd, `${D}/users/password/update`, member()), ALLOWED);
    assert.deepEqual(authorize(hd, `${D}/users/password/update`, admin()), denied('privilegedTarget'));
    assert.deepEqual(authorize(hd, TAP_CREATE, member()), denied('roleMissing'));
  });
  it('Global Reader reads restricted method data of anyone but not full method data', () => {
    const gr = user([tenantWide(R.globalReader)]);
    assert.deepEqual(authorize(gr, `${D}/users/authenticationMethods/standard/restrictedRead`, admin()), ALLOWED);
    assert.deepEqual(authorize(gr, `${D}/users/authenticationMethods/standard/read`, member()), denied('roleMissing'));
    assert.deepEqual(authorize(gr, `${D}/users/basic/update`, member()), denied('roleMissing'));
  });
  it('Privileged Role Administrator manages assignments through allProperties/allTasks', () => {
    const pra = user([tenantWide(R.privilegedRoleAdministrator)]);
    assert.deepEqual(authorize(pra, `${D}/roleAssignments/standard/read`, tenant), ALLOWED);
    assert.deepEqual(authorize(pra, `${D}/roleAssignments/allProperties/allTasks`, tenant), ALLOWED);
    assert.deepEqual(authorize(pra, `${D}/administrativeUnits/members/update`, tenant), ALLOWED);
    assert.deepEqual(authorize(pra, TAP_CREATE, member()), denied('roleMissing'));
  });
  it('Conditional Access Administrator toggles security defaults', () => {
    const caa = user([tenantWide(R.conditionalAccessAdministrator)]);
    assert.deepEqual(authorize(caa, `${D}/policies/securityDefaults/basic/update`, tenant), ALLOWED);
  });
  it('Security Reader reads the logs', () => {
    const sr = user([tenantWide(R.securityReader)]);
    assert.deepEqual(authorize(sr, `${D}/auditLogs/allProperties/read`, tenant), ALLOWED);
    assert.deepEqual(authorize(sr, `${D}/users/delete`, member()), denied('roleMissing'));
  });
  it('User Administrator manages groups', () => {
    const ua = user([tenantWide(R.userAdministrator)]);
    assert.deepEqual(authorize(ua, `${D}/groups/members/update`, { kind: 'group', id: 'g1' }), ALLOWED);
  });
});

describe('delegated: users without roles', () => {
  it('read themselves with User.Read, nobody else', () => {
    const plain = user([], ['User.Read']);
    assert.deepEqual(authorize(plain, `${D}/users/standard/read`, me), ALLOWED);
    assert.deepEqual(authorize(plain, `${D}/users/standard/read`, member()), denied('permissionMissing'));
  });
  it('read their own methods but cannot manage them through the admin actions', () => {
    const plain = user([], ['UserAuthenticationMethod.Read', 'UserAuthenticationMethod.ReadWrite.All']);
    assert.deepEqual(authorize(plain, `${D}/users/authenticationMethods/standard/read`, me), ALLOWED);
    assert.deepEqual(authorize(plain, TAP_CREATE, me), denied('notOnSelf'));
    assert.deepEqual(authorize(plain, TAP_CREATE, member()), denied('roleMissing'));
  });
  it('a .All scope alone grants nothing on others without a role, beyond what every member may read', () => {
    // Issue 10: Entra's default user permissions let every member read other users.
    assert.deepEqual(authorize(user([], ['User.Read.All']), `${D}/users/standard/read`, member()), ALLOWED);
    assert.deepEqual(
      authorize(user([], ['User.ReadWrite.All']), `${D}/users/basic/update`, member()),
      denied('roleMissing'),
    );
  });
  it('unknown role ids and unsupported directory scopes grant nothing', () => {
    assert.deepEqual(
      authorize(user([tenantWide('00000000-0000-0000-0000-000000000000')]), TAP_CREATE, member()),
      denied('roleMissing'),
    );
    const oddScope: RoleAssignment = { roleTemplateId: R.globalAdministrator, directoryScopeId: '/bob' };
    assert.deepEqual(authorize(user([oddScope]), TAP_CREATE, member('bob')), denied('outOfScope'));
  });
});

describe('custom roles', () => {
  const tier1: RoleDefinition = {
    templateId: 'd1d1d1d1-0000-0000-0000-000000000001',
    displayName: 'Tier 1 TAP issuer',
    allowedResourceActions: [TAP_CREATE, `${D}/users/authenticationMethods/standard/restrictedRead`],
    description: 'Issues Temporary Access Passes.',
    isBuiltIn: false,
    mayActOn: MAY_ACT_ON.members,
  };
  const definitions = new Map([...BUILT_IN_ROLES, [tier1.templateId, tier1]]);
  it('grant their actions within their AU, members only', () => {
    const issuer = user([inUnit(tier1.templateId, 'site-a')]);
    const options = { roleDefinitions: definitions };
    assert.deepEqual(authorize(issuer, TAP_CREATE, member('bob', ['site-a']), options), ALLOWED);
    assert.deepEqual(authorize(issuer, TAP_CREATE, member('bob', ['site-b']), options), denied('outOfScope'));
    assert.deepEqual(authorize(issuer, TAP_CREATE, admin('carol', ['site-a']), options), denied('privilegedTarget'));
    assert.deepEqual(
      authorize(issuer, `${D}/users/authenticationMethods/delete`, member('bob', ['site-a']), options),
      denied('roleMissing'),
    );
  });
  it('are unknown without the definitions', () => {
    assert.deepEqual(
      authorize(user([inUnit(tier1.templateId, 'site-a')]), TAP_CREATE, member('bob', ['site-a'])),
      denied('roleMissing'),
    );
  });
});

describe('helpers', () => {
  it('patternGrants: exact, prefix wildcard, allTasks without credentials', () => {
    assert.ok(patternGrants(`${D}/users/create`, `${D}/users/create`));
    assert.ok(patternGrants(`${D}/*`, TAP_CREATE));
    assert.ok(patternGrants(`${D}/users/*`, `${D}/users/create`));
    assert.ok(!patternGrants(`${D}/users/*`, `${D}/usersX/create`));
    assert.ok(!patternGrants(`${D}/user`, `${D}/users/create`));
    assert.ok(!patternGrants('microsoft.azure.supportTickets/allEntities/allTasks', `${D}/users/create`));
    assert.ok(patternGrants(`${D}/users/allProperties/allTasks`, `${D}/users/delete`));
    assert.ok(!patternGrants(`${D}/users/allProperties/allTasks`, TAP_CREATE));
    assert.ok(!patternGrants(`${D}/groups/allProperties/allTasks`, `${D}/users/delete`));
    assert.ok(!patternGrants('*', `${D}/users/create`));
  });
  it('scopeCovers', () => {
    assert.ok(scopeCovers('/', tenant));
    assert.ok(scopeCovers('/administrativeUnits/a', { kind: 'group', id: 'g', administrativeUnitIds: ['a'] }));
    assert.ok(!scopeCovers('/administrativeUnits/a', tenant));
    assert.ok(!scopeCovers('/administrativeUnits/', member('b', [''])));
    assert.ok(!scopeCovers('/administrativeUnits/a/b', member('b', ['a/b'])));
    assert.ok(!scopeCovers('', member('b')));
  });
  it('notOnSelf only for listed actions on oneself, never for apps', () => {
    assert.ok(notOnSelf(user([]), TAP_CREATE, me));
    assert.ok(!notOnSelf(user([]), TAP_CREATE, member()));
    assert.ok(!notOnSelf(user([]), `${D}/users/standard/read`, me));
    assert.ok(!notOnSelf(app('UserAuthenticationMethod.ReadWrite.All'), TAP_CREATE, me));
  });
  it('isPrivilegedUser: limited roles keep a user a member', () => {
    assert.equal(isPrivilegedUser([]), false);
    assert.equal(isPrivilegedUser(['88d8e3e3-8f55-4a1e-953a-9b9898b8876b']), false);
    assert.equal(isPrivilegedUser(['88D8E3E3-8F55-4A1E-953A-9B9898B8876B']), false);
    assert.equal(isPrivilegedUser([R.helpdeskAdministrator]), true);
    assert.equal(isPrivilegedUser(['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', R.globalAdministrator]), true);
  });
  it('permissionsGranting lists the Graph permissions for an action', () => {
    assert.deepEqual(permissionsGranting(TAP_CREATE), ['UserAuthenticationMethod.ReadWrite.All']);
    assert.deepEqual(permissionsGranting(`${D}/users/disable`).sort(), [
      'Directory.ReadWrite.All',
      'User.EnableDisableAccount.All',
      'User.ReadWrite.All',
    ]);
  });
});

describe('data integrity', () => {
  const known = new Set<string>(ACTIONS);
  it('every action a permission or implication names exists', () => {
    for (const [name, permission] of Object.entries(GRAPH_PERMISSIONS)) {
      for (const action of permission.actions) assert.ok(known.has(action), `${name}: ${action}`);
    }
    for (const [holder, implied] of Object.entries(IMPLIED_ACTIONS)) {
      assert.ok(known.has(holder), holder);
      for (const action of implied) assert.ok(known.has(action), action);
    }
  });
  it('every exact microsoft.directory action in a built-in role exists', () => {
    for (const role of BUILT_IN_ROLES.values()) {
      for (const pattern of role.allowedResourceActions) {
        if (!pattern.startsWith(`${D}/`) || pattern.endsWith('/*')) continue;
        assert.ok(known.has(pattern), `${role.displayName}: ${pattern}`);
      }
    }
  });
  it('every action is reachable through at least one Graph permission', () => {
    for (const action of ACTIONS) assert.ok(permissionsGranting(action).length > 0, action);
  });
  it('built-in roles are keyed by their lower-case template id', () => {
    assert.equal(BUILT_IN_ROLES.size, 19);
    for (const [id, role] of BUILT_IN_ROLES) {
      assert.equal(id, role.templateId);
      assert.equal(id, id.toLowerCase());
    }
  });
  it('delegated self-only scopes grant only what self-service allows', () => {
    for (const [name, permission] of Object.entries(GRAPH_PERMISSIONS)) {
      if (permission.selfOnly !== true) continue;
      for (const action of permission.actions) {
        assert.deepEqual(authorize(user([], [name]), action, me), ALLOWED, `${name}: ${action}`);
      }
    }
  });
});
