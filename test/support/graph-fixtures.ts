// The directory the Graph properties run against: users with passes, authenticator apps and passkeys, a group and an
// administrative unit with members, a custom role and an assignment, a client app with a grant. Their ids go into
// the generated paths and bodies, so that generated requests reach objects that exist (deep code), not only 404s.

import assert from 'node:assert/strict';
import { insertStoredPasskey } from './stored-passkey.js';
import { newId } from '../../src/domain/ids.js';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { createApplication } from '../../src/services/applications.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { graphRequest } from './graph-http.js';
import type { RegisteredRoute } from './route-list.js';
import type { TestServer } from './runtime.js';
import { cliContext, createPasswordUser } from './sign-in-fixtures.js';

const GRAPH_RESOURCE_ID = '00000003-0000-0000-c000-000000000000';

export interface GraphFixtures {
  admin: UserRecord;
  users: string[];
  upns: string[];
  groups: string[];
  units: string[];
  roleDefinitions: string[];
  roleAssignments: string[];
  passes: string[];
  authenticatorApps: string[];
  passkeys: string[];
  grants: string[];
  servicePrincipal: string;
  auditIds: string[];
  signInIds: string[];
}

/** Adds an authenticator app and a passkey to `user` through the repositories (no ceremony needed for fixtures). */
async function addMethods(t: TestServer, user: UserRecord): Promise<{ app: string; passkey: string }> {
  const deps = t.runtime.deps;
  const app = newId();
  await createAuthenticatorAppsRepo(deps.db).insert({
    id: app,
    userId: user.id,
    secretCiphertext: deps.keyring.encrypt('secret-encryption', 'JBSWY3DPEHPK3PXP', `totp:${user.id}:${app}`),
    displayName: 'Authenticator app',
    createdAt: deps.clock.now(),
    lastUsedStep: null,
    lastUsedAt: null,
  });
  const passkey = (await insertStoredPasskey(deps, user.id)).id;
  return { app, passkey };
}

async function created(t: TestServer, token: string, url: string, body: unknown): Promise<string> {
  const res = await graphRequest(t.server.app, 'POST', url, { token, body });
  assert.equal(res.status, 201, `${url}: ${res.raw}`);
  return String(res.body.id);
}

export async function createGraphFixtures(t: TestServer, token: string, admin: UserRecord): Promise<GraphFixtures> {
  const deps = t.runtime.deps;
  const victims = [];
  for (const name of ['ada', 'bob', 'cyd', 'dee'])
    victims.push(await createPasswordUser(deps, name, `passphrase of ${name} x`));
  const methods = [await addMethods(t, victims[0]!), await addMethods(t, victims[1]!), await addMethods(t, admin)];
  const passes = [];
  for (const user of [victims[0]!, victims[2]!])
    passes.push((await issueTemporaryAccessPass(deps, cliContext(), user.id, {})).pass.id);
  const group = await created(t, token, '/v1.0/groups', {
    displayName: 'Property group',
    mailEnabled: false,
    mailNickname: 'propgroup',
    securityEnabled: true,
  });
  await graphRequest(t.server.app, 'POST', `/v1.0/groups/${group}/members/$ref`, {
    token,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${victims[1]!.id}` },
  });
  const unit = await created(t, token, '/v1.0/directory/administrativeUnits', { displayName: 'Property unit' });
  await graphRequest(t.server.app, 'POST', `/v1.0/directory/administrativeUnits/${unit}/members/$ref`, {
    token,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${victims[2]!.id}` },
  });
  const role = await created(t, token, '/v1.0/roleManagement/directory/roleDefinitions', {
    displayName: 'Property role',
    isEnabled: true,
    rolePermissions: [{ allowedResourceActions: ['microsoft.directory/users/authenticationMethods/standard/read'] }],
  });
  const assignment = await created(t, token, '/v1.0/roleManagement/directory/roleAssignments', {
    principalId: victims[3]!.id,
    roleDefinitionId: role,
    directoryScopeId: '/',
  });
  const { app: client } = await createApplication(deps, cliContext(), {
    displayName: 'Property client',
    kind: 'web',
    redirectUris: ['https://client.example/cb'],
  });
  const grant = await created(t, token, '/v1.0/oauth2PermissionGrants', {
    clientId: client.servicePrincipalId,
    consentType: 'AllPrincipals',
    resourceId: GRAPH_RESOURCE_ID,
    scope: 'User.Read.All',
  });
  const auditIds = (await deps.db.selectFrom('audit_events').select('id').limit(3).execute()).map((r) => r.id);
  const signInIds = (await deps.db.selectFrom('sign_ins').select('id').limit(3).execute()).map((r) => r.id);
  return {
    admin,
    users: victims.map((v) => v.id),
    upns: victims.map((v) => encodeURIComponent(v.userPrincipalName)),
    groups: [group],
    units: [unit],
    roleDefinitions: [role, ROLE_TEMPLATE_IDS.globalAdministrator],
    roleAssignments: [assignment],
    passes,
    authenticatorApps: methods.map((m) => m.app),
    passkeys: methods.map((m) => m.passkey),
    grants: [grant],
    servicePrincipal: client.servicePrincipalId,
    auditIds,
    signInIds: signInIds.length > 0 ? signInIds : [newId()],
  };
}

const METHOD_CONFIGURATIONS = [
  'temporaryAccessPass',
  'TemporaryAccessPass',
  'fido2',
  'softwareOath',
  'microsoftAuthenticator',
  'email',
];

/** Ids that make sense for a path parameter, read from the segment before it (`users/:id` → user ids). */
export function idsForParam(f: GraphFixtures, previous: string, param: string): string[] {
  const kind = param === ':memberId' ? 'members' : previous.toLowerCase();
  const table: Record<string, string[]> = {
    users: [...f.users, ...f.upns],
    members: f.users,
    groups: f.groups,
    administrativeunits: f.units,
    roledefinitions: f.roleDefinitions,
    roleassignments: f.roleAssignments,
    oauth2permissiongrants: f.grants,
    temporaryaccesspassmethods: f.passes,
    softwareoathmethods: f.authenticatorApps,
    fido2methods: f.passkeys,
    methods: [...f.passes, ...f.authenticatorApps, ...f.passkeys, '28c10230-6103-485e-b985-444c60001490'],
    passwordmethods: ['28c10230-6103-485e-b985-444c60001490'],
    authenticationmethodconfigurations: METHOD_CONFIGURATIONS,
    directoryaudits: f.auditIds,
    signins: f.signInIds,
  };
  return table[kind] ?? [...f.users, ...f.groups];
}

/** A well-formed body for the route, which the generators then mutate. */
export function bodyTemplateFor(route: RegisteredRoute, f: GraphFixtures): Record<string, unknown> {
  const url = route.url.toLowerCase();
  const member = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${f.users[0]}` };
  const rules: [RegExp, Record<string, unknown>][] = [
    [/\/members\/\$ref$/, member],
    [
      /temporaryaccesspassmethods/,
      { lifetimeInMinutes: 60, isUsableOnce: false, startDateTime: new Date().toISOString() },
    ],
    [/(softwareoath|fido2)methods/, { displayName: 'Renamed method' }],
    [/passwordmethods/, { newPassword: 'a new passphrase for the property test' }],
    [/authentication\/methods/, { '@odata.type': '#microsoft.graph.emailAuthenticationMethod', emailAddress: 'a@b.c' }],
    [/revokesigninsessions/, {}],
    [
      /\/users$/,
      {
        accountEnabled: true,
        displayName: 'Generated user',
        mailNickname: 'generated',
        userPrincipalName: `gen${Math.floor(Math.random() * 1e9)}@gatepass.local`,
        passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
      },
    ],
    [
      /\/users\/:id$/,
      { displayName: 'Renamed', jobTitle: 'Engineer', accountEnabled: true, givenName: 'G', surname: 'S' },
    ],
    [
      /\/groups/,
      {
        displayName: 'Generated group',
        mailEnabled: false,
        mailNickname: 'gengroup',
        securityEnabled: true,
        description: 'd',
      },
    ],
    [/administrativeunits/, { displayName: 'Generated unit', description: 'd', visibility: 'HiddenMembership' }],
    [
      /roledefinitions/,
      {
        displayName: 'Generated role',
        description: 'd',
        isEnabled: true,
        rolePermissions: [{ allowedResourceActions: ['microsoft.directory/users/basic/update'] }],
      },
    ],
    [/roleassignments/, { principalId: f.users[3], roleDefinitionId: f.roleDefinitions[0], directoryScopeId: '/' }],
    [
      /oauth2permissiongrants/,
      { clientId: f.servicePrincipal, consentType: 'AllPrincipals', resourceId: GRAPH_RESOURCE_ID, scope: 'User.Read' },
    ],
    [/securitydefaults/, { isEnabled: true }],
    [
      /authenticationmethodconfigurations/,
      {
        '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
        state: 'enabled',
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: false,
      },
    ],
  ];
  return rules.find(([pattern]) => pattern.test(url))?.[1] ?? { displayName: 'x' };
}
