// Threat: a hostile client sends control characters (NUL above all, which PostgreSQL text cannot hold while SQLite
// keeps it) or lone surrogates in names, UPNs, ids, filter literals and form fields, to get a 500 out of one store,
// to make the two stores disagree, or to store a name that spoofs what an administrator reads. Every case of one
// table runs on SQLite and on PostgreSQL: each is a 400 naming the field (Graph's envelope on the API, the HTML error
// page on the pages), the directory is unchanged, and both stores give the same status, code and target.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, type Dialect } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp } from '../support/tokens.js';
import { assertGraphError, graphRequest } from '../support/graph-http.js';
import { newAdministrator, type AdminConsole } from '../support/admin-console.js';
import { createWebApp } from '../support/sign-in-fixtures.js';
import { postStep, startRawFlow } from '../support/raw-sign-in.js';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import type { Deps } from '../../src/services/deps.js';

const NUL = '\u0000';
const REDIRECT_URI = 'https://app.example/callback';
const BASE_ROLES = '/v1.0/roleManagement/directory';

/** What a refusal looked like, compared across the two stores. */
interface Outcome {
  status: number;
  code: string;
  target?: string | undefined;
}

interface Context {
  t: TestServer;
  token: string;
  aliceId: string;
  groupId: string;
  admin: AdminConsole;
  clientId: string;
}

interface HostileCase {
  name: string;
  /** Sends the request and reads what came back. */
  send(c: Context): Promise<Outcome>;
  expected: Outcome;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function graph(method: Method, url: (c: Context) => string, body?: unknown, headers: Record<string, string> = {}) {
  return async (c: Context): Promise<Outcome> => {
    const res = await graphRequest(c.t.server.app, method, url(c), { token: c.token, body, headers });
    const error = assertGraphError(res, res.status, res.body.error?.code ?? '(none)');
    return { status: res.status, code: error.code, target: error.target };
  };
}

/** Graph's 400 for a refused string, naming where it was. */
const refused = (target: string): Outcome => ({ status: 400, code: 'Request_BadRequest', target });

/** The HTML error page: its status and the code in its troubleshooting details. */
function page(status: number, html: string, headers: Headers | Record<string, unknown>): Outcome {
  const csp = headers instanceof Headers ? headers.get('content-security-policy') : headers['content-security-policy'];
  assert.match(String(csp), /default-src 'none'/, 'the error page carries the pages CSP');
  assert.match(html, /<!DOCTYPE html>/i);
  const code = /id="error-code">([^<]*)</.exec(html)?.[1] ?? '(none)';
  return { status, code };
}

const cases: HostileCase[] = [
  // Names and UPNs in bodies
  {
    name: 'POST /users with NUL in displayName',
    send: graph('POST', () => '/v1.0/users', { displayName: `Eve${NUL}Admin`, userPrincipalName: 'eve@contoso.test' }),
    expected: refused('displayName'),
  },
  {
    name: 'POST /users with a bell in displayName',
    send: graph('POST', () => '/v1.0/users', { displayName: 'Eve\u0007', userPrincipalName: 'eve@contoso.test' }),
    expected: refused('displayName'),
  },
  {
    name: 'POST /users with DEL in the UPN',
    send: graph('POST', () => '/v1.0/users', { displayName: 'Eve', userPrincipalName: 'e\u007fve@contoso.test' }),
    expected: refused('userPrincipalName'),
  },
  {
    name: 'POST /users with a lone surrogate in displayName',
    send: graph('POST', () => '/v1.0/users', { displayName: 'Eve\ud800', userPrincipalName: 'eve@contoso.test' }),
    expected: refused('displayName'),
  },
  {
    name: 'POST /users with a line feed in displayName (a name is one line)',
    send: graph('POST', () => '/v1.0/users', { displayName: 'Eve\nAdmin', userPrincipalName: 'eve@contoso.test' }),
    expected: refused('displayName'),
  },
  {
    name: 'POST /users with NUL in the password',
    send: graph('POST', () => '/v1.0/users', {
      displayName: 'Eve',
      userPrincipalName: 'eve@contoso.test',
      passwordProfile: { password: `a long passphrase${NUL}` },
    }),
    expected: refused('passwordProfile.password'),
  },
  {
    name: 'PATCH /users/{id} with NUL in jobTitle',
    send: graph('PATCH', (c) => `/v1.0/users/${c.aliceId}`, { jobTitle: `x${NUL}` }),
    expected: refused('jobTitle'),
  },
  {
    name: 'POST /groups with NUL in displayName',
    send: graph('POST', () => '/v1.0/groups', { displayName: `G${NUL}` }),
    expected: refused('displayName'),
  },
  {
    name: 'POST /groups with NUL in description (free text still refuses NUL)',
    send: graph('POST', () => '/v1.0/groups', { displayName: 'G', description: `a${NUL}b` }),
    expected: refused('description'),
  },
  {
    name: 'PATCH /groups/{id} with an escape in displayName',
    send: graph('PATCH', (c) => `/v1.0/groups/${c.groupId}`, { displayName: '\u001b[31mred' }),
    expected: refused('displayName'),
  },
  {
    name: 'POST /directory/administrativeUnits with NUL in displayName',
    send: graph('POST', () => '/v1.0/directory/administrativeUnits', { displayName: `U${NUL}` }),
    expected: refused('displayName'),
  },
  {
    name: 'POST roleDefinitions with NUL in displayName',
    send: graph('POST', () => `${BASE_ROLES}/roleDefinitions`, {
      displayName: `R${NUL}`,
      rolePermissions: [{ allowedResourceActions: ['microsoft.directory/users/basic/update'] }],
      isEnabled: true,
    }),
    expected: refused('displayName'),
  },
  {
    name: 'POST roleAssignments with NUL in principalId',
    send: graph('POST', () => `${BASE_ROLES}/roleAssignments`, {
      principalId: `x${NUL}`,
      roleDefinitionId: ROLE_TEMPLATE_IDS.helpdeskAdministrator,
      directoryScopeId: '/',
    }),
    expected: refused('principalId'),
  },
  {
    name: 'POST temporaryAccessPassMethods with NUL in startDateTime',
    send: graph('POST', (c) => `/v1.0/users/${c.aliceId}/authentication/temporaryAccessPassMethods`, {
      startDateTime: `2030-01-01T00:00:00Z${NUL}`,
    }),
    expected: refused('startDateTime'),
  },
  {
    name: 'NUL in a property name',
    send: graph('PATCH', (c) => `/v1.0/users/${c.aliceId}`, { [`job${NUL}Title`]: 'x' }),
    expected: refused('body'),
  },
  // Ids in the path
  {
    name: 'DELETE …/fido2Methods/{id} with NUL',
    send: graph('DELETE', (c) => `/v1.0/users/${c.aliceId}/authentication/fido2Methods/ab%00cd`),
    expected: refused('methodId'),
  },
  {
    name: 'DELETE …/temporaryAccessPassMethods/{id} with NUL',
    send: graph('DELETE', (c) => `/v1.0/users/${c.aliceId}/authentication/temporaryAccessPassMethods/%00`),
    expected: refused('methodId'),
  },
  {
    name: 'GET /users/{id} with NUL',
    send: graph('GET', () => '/v1.0/users/alice%00@contoso.test'),
    expected: refused('id'),
  },
  {
    name: 'DELETE /groups/{id} with NUL',
    send: graph('DELETE', () => '/v1.0/groups/ab%00cd'),
    expected: refused('id'),
  },
  {
    name: 'GET roleDefinitions/{id} with NUL',
    send: graph('GET', () => `${BASE_ROLES}/roleDefinitions/x%00`),
    expected: refused('id'),
  },
  {
    name: 'GET /users/{id}/authentication/methods with a lone surrogate (UTF-8 of U+D800 is no valid URL)',
    send: graph('GET', () => '/v1.0/users/%ED%A0%80/authentication/methods'),
    expected: { status: 400, code: 'Request_BadRequest' },
  },
  // Query options
  {
    name: '$filter eq literal with NUL on users',
    send: graph('GET', () => `/v1.0/users?$filter=${encodeURIComponent(`displayName eq 'a${NUL}b'`)}`),
    expected: refused('$filter'),
  },
  {
    name: '$filter startswith literal with NUL on groups',
    send: graph('GET', () => `/v1.0/groups?$filter=${encodeURIComponent(`startswith(displayName,'${NUL}')`)}`),
    expected: refused('$filter'),
  },
  {
    name: '$search with NUL',
    send: graph('GET', () => `/v1.0/users?$search=${encodeURIComponent(`"displayName:${NUL}"`)}`, undefined, {
      consistencylevel: 'eventual',
    }),
    expected: refused('$search'),
  },
  {
    name: '$filter on administrativeUnits with a vertical tab',
    send: graph(
      'GET',
      () => `/v1.0/directory/administrativeUnits?$filter=${encodeURIComponent("displayName eq '\u000b'")}`,
    ),
    expected: refused('$filter'),
  },
  // The pages' forms: a field with NUL never reaches the store
  {
    name: 'sign-in username with NUL',
    send: async (c) => {
      const flow = await startRawFlow([c.t.url], c.clientId, REDIRECT_URI);
      const res = await fetch(`${c.t.url}/signin/${flow.uid}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [...flow.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
        body: new URLSearchParams({ csrf: flow.csrf, action: 'username', username: `alice${NUL}@contoso.test` }),
        redirect: 'manual',
      });
      return page(res.status, await res.text(), res.headers);
    },
    expected: { status: 400, code: 'Request_BadRequest' },
  },
  {
    name: 'sign-in password with NUL, after a good username',
    send: async (c) => {
      const flow = await startRawFlow([c.t.url], c.clientId, REDIRECT_URI);
      await postStep(flow, c.t.url, 'username', { username: 'alice@contoso.test' });
      const res = await postStep(flow, c.t.url, 'password', { password: `x${NUL}` });
      return { status: res.status, code: /id="error-code">([^<]*)</.exec(res.html)?.[1] ?? '(none)' };
    },
    expected: { status: 400, code: 'Request_BadRequest' },
  },
  {
    name: 'admin center New user with NUL in the display name',
    send: async (c) => {
      const res = await c.admin.post('/admin/users', {
        displayName: `Eve${NUL}`,
        userPrincipalName: 'eve@contoso.test',
        passwordChoice: 'auto',
      });
      return page(res.statusCode, res.body, res.headers);
    },
    expected: { status: 400, code: 'Request_BadRequest' },
  },
  {
    name: 'admin center group member with NUL in the user id (path)',
    send: async (c) => {
      const res = await c.admin.post(`/admin/groups/${c.groupId}/members/ab%00/remove`);
      return page(res.statusCode, res.body, res.headers);
    },
    expected: { status: 400, code: 'Request_BadRequest' },
  },
  {
    name: 'admin center users list filtered with NUL',
    send: async (c) => {
      const res = await c.admin.get(`/admin/users?search=${encodeURIComponent(`a${NUL}`)}`);
      return page(res.statusCode, res.body, res.headers);
    },
    expected: { status: 400, code: 'Request_BadRequest' },
  },
];

/** The directory and everything a sign-in or a method change would write (audit rows of refusals aside). */
async function snapshot(deps: Deps): Promise<string> {
  const db = deps.db;
  const rows = await Promise.all(
    (
      [
        'users',
        'groups',
        'group_members',
        'administrative_units',
        'administrative_unit_members',
        'role_assignments',
        'role_definitions',
        'temporary_access_passes',
        'fido2_methods',
        'software_oath_methods',
      ] as const
    ).map((table) => db.selectFrom(table).selectAll().execute()),
  );
  return JSON.stringify(rows.map((r) => r.map((row) => JSON.stringify(row)).sort()));
}

const outcomes = new Map<Dialect, Map<string, Outcome>>();

for (const dialect of dialects) {
  describe(`hostile strings on ${dialect}`, () => {
    let c: Context;
    const seen = new Map<string, Outcome>();
    outcomes.set(dialect, seen);

    before(async () => {
      const t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      const deps = t.runtime.deps;
      const app = await createTestApp(deps, [
        'User.ReadWrite.All',
        'Group.ReadWrite.All',
        'AdministrativeUnit.ReadWrite.All',
        'RoleManagement.ReadWrite.Directory',
        'UserAuthenticationMethod.ReadWrite.All',
      ]);
      const alice = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: app.token,
        body: {
          displayName: 'Alice',
          userPrincipalName: 'alice@contoso.test',
          passwordProfile: { password: 'a long passphrase for alice' },
        },
      });
      assert.equal(alice.status, 201, alice.raw);
      const group = await graphRequest(t.server.app, 'POST', '/v1.0/groups', {
        token: app.token,
        body: { displayName: 'Site A' },
      });
      assert.equal(group.status, 201, group.raw);
      c = {
        t,
        token: app.token,
        aliceId: String(alice.body.id),
        groupId: String(group.body.id),
        admin: await newAdministrator(t, 'chief', ROLE_TEMPLATE_IDS.globalAdministrator),
        clientId: (await createWebApp(deps, REDIRECT_URI)).app.appId,
      };
    });
    after(() => c?.t.close());

    for (const hostile of cases) {
      it(hostile.name, async () => {
        const before = await snapshot(c.t.runtime.deps);
        const outcome = await hostile.send(c);
        seen.set(hostile.name, outcome);
        assert.equal(outcome.status, hostile.expected.status, JSON.stringify(outcome));
        assert.equal(outcome.code, hostile.expected.code, JSON.stringify(outcome));
        if (hostile.expected.target !== undefined) assert.equal(outcome.target, hostile.expected.target);
        assert.equal(await snapshot(c.t.runtime.deps), before, 'nothing was written');
      });
    }
  });
}

describe('hostile strings: both stores answer alike', () => {
  it('gives the same status, code and target on SQLite and PostgreSQL for every case', () => {
    const [a, b] = dialects.map((d) => outcomes.get(d));
    assert.ok(a && b);
    for (const hostile of cases) assert.deepEqual(b.get(hostile.name), a.get(hostile.name), hostile.name);
  });
});
