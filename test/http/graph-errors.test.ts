// Bad Graph requests on both databases: each one a 4xx in Graph's error envelope (code, message, innerError with
// request-id and date, target where a field is at fault), never a 500, nothing changed in the directory, and —
// for write attempts by an authenticated caller — the refusal recorded in the audit log under the request's id. A request
// without a valid token names nobody: it gets one line in the server log and no audit row, so it cannot flood the log.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { importJWK } from 'jose';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, mintToken, type TestApp } from '../support/tokens.js';
import { assertGraphError, auditRows, graphRequest, type GraphResponse } from '../support/graph-http.js';
import type { Deps } from '../../src/services/deps.js';
import { createLogger } from '../../src/log.js';
import { assignAppRole } from '../../src/services/app-roles.js';
import { cliContext } from '../support/sign-in-fixtures.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface BadRequest {
  name: string;
  method: Method;
  url: string | (() => string);
  token?: () => string | Promise<string>;
  /** A function when it needs ids created in before(). */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  target?: string;
  message?: RegExp;
}

/** Everything a refused request must leave untouched. */
async function snapshot(deps: Deps): Promise<string> {
  const db = deps.db;
  return JSON.stringify([
    await db.selectFrom('users').selectAll().orderBy('id').execute(),
    await db.selectFrom('groups').selectAll().orderBy('id').execute(),
    await db.selectFrom('group_members').selectAll().orderBy('group_id').orderBy('member_id').execute(),
    await db.selectFrom('role_assignments').selectAll().orderBy('id').execute(),
    await db.selectFrom('policies').selectAll().orderBy('id').execute(),
    await db.selectFrom('applications').selectAll().orderBy('id').execute(),
  ]);
}

for (const dialect of dialects) {
  describe(`bad Graph requests on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let writer: TestApp;
    let reader: TestApp;
    let aliceId = '';
    let adminId = '';
    let groupId = '';
    let deletedAppToken = '';
    let policyReader: TestApp;
    let globalWriter: TestApp;

    const logLines: Record<string, unknown>[] = [];
    before(async () => {
      const log = createLogger('info', {
        write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
      });
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' }, undefined, { log });
      deps = t.runtime.deps;
      writer = await createTestApp(deps, ['User.ReadWrite.All', 'Group.ReadWrite.All']);
      reader = await createTestApp(deps, ['User.Read.All', 'Group.Read.All']);
      const alice = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: writer.token,
        body: { displayName: 'Alice', userPrincipalName: 'alice@contoso.test' },
      });
      aliceId = String(alice.body.id);
      const group = await graphRequest(t.server.app, 'POST', '/v1.0/groups', {
        token: writer.token,
        body: { displayName: 'Site A' },
      });
      groupId = String(group.body.id);
      assert.equal(
        (
          await graphRequest(t.server.app, 'POST', `/v1.0/groups/${groupId}/members/$ref`, {
            token: writer.token,
            body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${aliceId}` },
          })
        ).status,
        204,
      );
      adminId = (
        await deps.db
          .selectFrom('users')
          .select('id')
          .where('user_principal_name', '=', 'admin@contoso.test')
          .executeTakeFirstOrThrow()
      ).id;
      policyReader = await createTestApp(deps, ['Policy.Read.All']);
      globalWriter = await createTestApp(deps, ['User.ReadWrite.All']);
      await assignAppRole(deps, cliContext(), globalWriter.appId, 'Global Administrator');
      const doomed = await createTestApp(deps, ['User.ReadWrite.All']);
      deletedAppToken = doomed.token;
      await deps.db.deleteFrom('applications').where('app_id', '=', doomed.appId).execute();
    });
    after(() => t.close());

    const w = () => writer.token;
    const newUser = (extra: Record<string, unknown>) => ({
      displayName: 'New',
      userPrincipalName: 'new@contoso.test',
      ...extra,
    });

    const cases: BadRequest[] = [
      // Authentication: 401 InvalidAuthenticationToken
      {
        name: 'no token',
        method: 'POST',
        url: '/v1.0/users',
        body: newUser({}),
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: /empty/,
      },
      {
        name: 'garbage token',
        method: 'POST',
        url: '/v1.0/users',
        token: () => 'not.a.jwt',
        body: newUser({}),
        status: 401,
        code: 'InvalidAuthenticationToken',
      },
      {
        name: 'not a bearer scheme',
        method: 'GET',
        url: '/v1.0/users',
        headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
        status: 401,
        code: 'InvalidAuthenticationToken',
      },
      {
        name: 'wrong audience',
        method: 'POST',
        url: '/v1.0/users',
        token: () => writer.mint({ aud: 'https://management.azure.com' }),
        body: newUser({}),
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: /audience/,
      },
      {
        name: 'wrong issuer',
        method: 'DELETE',
        url: () => `/v1.0/users/${aliceId}`,
        token: () => writer.mint({ iss: 'https://login.microsoftonline.com/x/v2.0' }),
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: /issuer/,
      },
      {
        name: 'expired token',
        method: 'PATCH',
        url: () => `/v1.0/users/${aliceId}`,
        token: () => writer.mint({}, { iat: Math.floor(Date.now() / 1000) - 7200, lifetime: 3600 }),
        body: { displayName: 'X' },
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: /expired/,
      },
      {
        name: 'signed by a key that is not ours',
        method: 'POST',
        url: '/v1.0/users',
        token: async () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return mintToken(
            deps,
            { roles: ['User.ReadWrite.All'], appid: writer.appId, idtyp: 'app' },
            { key: await importJWK(privateKey.export({ format: 'jwk' }), 'RS256'), kid: 'attacker' },
          );
        },
        body: newUser({}),
        status: 401,
        code: 'InvalidAuthenticationToken',
      },
      {
        name: 'token of a deleted application',
        method: 'POST',
        url: '/v1.0/users',
        token: () => deletedAppToken,
        body: newUser({}),
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: /no longer exists/,
      },
      // Authorization: 403
      {
        name: 'insufficient permission (User.Read.All creating)',
        method: 'POST',
        url: '/v1.0/users',
        token: () => reader.token,
        body: newUser({}),
        status: 403,
        code: 'Authorization_RequestDenied',
      },
      {
        name: 'insufficient permission (reading without any)',
        method: 'GET',
        url: '/v1.0/users',
        token: () => policyReader.token,
        status: 403,
        code: 'Authorization_RequestDenied',
      },
      {
        name: 'no permission on an unknown user: 403, so existence is not revealed',
        method: 'DELETE',
        url: '/v1.0/users/ghost@contoso.test',
        token: () => reader.token,
        status: 403,
        code: 'Authorization_RequestDenied',
      },
      {
        name: 'no permission on an unknown group: 403',
        method: 'PATCH',
        url: '/v1.0/groups/3f1e2d4c-0000-4000-8000-000000000000',
        token: () => reader.token,
        body: { description: 'x' },
        status: 403,
        code: 'Authorization_RequestDenied',
      },
      // Unknown objects: 404
      {
        name: 'unknown user (GET)',
        method: 'GET',
        url: '/v1.0/users/nobody@contoso.test',
        token: w,
        status: 404,
        code: 'Request_ResourceNotFound',
      },
      {
        name: 'unknown user (PATCH)',
        method: 'PATCH',
        url: '/v1.0/users/3f1e2d4c-0000-4000-8000-000000000000',
        token: w,
        body: { displayName: 'X' },
        status: 404,
        code: 'Request_ResourceNotFound',
        target: 'id',
      },
      {
        name: 'unknown group (DELETE)',
        method: 'DELETE',
        url: '/v1.0/groups/3f1e2d4c-0000-4000-8000-000000000000',
        token: w,
        status: 404,
        code: 'Request_ResourceNotFound',
      },
      { name: 'unknown route', method: 'GET', url: '/v1.0/nothingHere', token: w, status: 404, code: 'BadRequest' },
      // Directory rules: 400 naming the field
      {
        name: 'UPN on an unverified domain',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: newUser({ userPrincipalName: 'bob@elsewhere.test' }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'userPrincipalName',
        message: /verified domain/,
      },
      {
        name: 'malformed UPN',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: newUser({ userPrincipalName: 'bob..x@contoso.test' }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'userPrincipalName',
      },
      {
        name: 'UPN already taken (case-insensitive)',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: newUser({ userPrincipalName: 'ALICE@contoso.test' }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'userPrincipalName',
        message: /already exists/,
      },
      {
        name: 'common password',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: newUser({ passwordProfile: { password: 'password123' } }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'passwordProfile.password',
        message: /common/,
      },
      {
        name: 'password equal to the UPN',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: newUser({ passwordProfile: { password: 'New@Contoso.test' } }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'passwordProfile.password',
      },
      {
        name: 'rename to a UPN already taken',
        method: 'PATCH',
        url: '/v1.0/users/alice@contoso.test',
        token: w,
        body: { userPrincipalName: 'Admin@contoso.test' },
        status: 400,
        code: 'Request_BadRequest',
        target: 'userPrincipalName',
      },
      {
        name: 'parameters for revokeSignInSessions',
        method: 'POST',
        url: () => `/v1.0/users/${aliceId}/revokeSignInSessions`,
        token: w,
        body: { force: true },
        status: 400,
        code: 'Request_BadRequest',
      },
      {
        name: 'password too short (reset)',
        method: 'PATCH',
        url: () => `/v1.0/users/${aliceId}`,
        token: w,
        body: { passwordProfile: { password: 'short' } },
        status: 400,
        code: 'Request_BadRequest',
        target: 'passwordProfile.password',
      },
      // An app needs a role that may act on an administrator to reach them at all (Entra's sensitive actions)…
      {
        name: 'an app without a role deletes a Global Administrator',
        method: 'DELETE',
        url: () => `/v1.0/users/${adminId}`,
        token: w,
        status: 403,
        code: 'Authorization_RequestDenied',
        message: /privileged directory role/,
      },
      {
        name: 'an app without a role disables a Global Administrator',
        method: 'PATCH',
        url: () => `/v1.0/users/${adminId}`,
        token: w,
        body: { accountEnabled: false },
        status: 403,
        code: 'Authorization_RequestDenied',
        message: /privileged directory role/,
      },
      // …and even then the last one stays.
      {
        name: 'delete the last enabled Global Administrator',
        method: 'DELETE',
        url: () => `/v1.0/users/${adminId}`,
        token: () => globalWriter.token,
        status: 400,
        code: 'Request_BadRequest',
        target: 'id',
        message: /Global Administrator/,
      },
      {
        name: 'disable the last enabled Global Administrator',
        method: 'PATCH',
        url: () => `/v1.0/users/${adminId}`,
        token: () => globalWriter.token,
        body: { accountEnabled: false },
        status: 400,
        code: 'Request_BadRequest',
        message: /Global Administrator/,
      },
      {
        name: 'duplicate member',
        method: 'POST',
        url: () => `/v1.0/groups/${groupId}/members/$ref`,
        token: w,
        body: () => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${aliceId}` }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'members',
      },
      {
        name: 'bad GUID in members/$ref',
        method: 'POST',
        url: () => `/v1.0/groups/${groupId}/members/$ref`,
        token: w,
        body: { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/not-a-guid' },
        status: 400,
        code: 'Request_BadRequest',
        target: '@odata.id',
      },
      {
        name: 'foreign host in members/$ref',
        method: 'POST',
        url: () => `/v1.0/groups/${groupId}/members/$ref`,
        token: w,
        body: () => ({ '@odata.id': `https://evil.example/v1.0/directoryObjects/${aliceId}` }),
        status: 400,
        code: 'Request_BadRequest',
        target: '@odata.id',
      },
      {
        name: 'group id that is not a GUID',
        method: 'PATCH',
        url: '/v1.0/groups/site-a',
        token: w,
        body: { description: 'x' },
        status: 400,
        code: 'Request_BadRequest',
        target: 'id',
      },
      // Malformed requests: 400/415 naming the part at fault
      {
        name: 'bad JSON',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        rawBody: '{"displayName": "x",',
        headers: { 'content-type': 'application/json' },
        status: 400,
        code: 'Request_BadRequest',
        target: 'body',
      },
      {
        name: 'wrong content type (form)',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        rawBody: 'displayName=x&userPrincipalName=x%40contoso.test',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
        code: 'UnsupportedMediaType',
        target: 'content-type',
      },
      {
        name: 'wrong content type (text)',
        method: 'PATCH',
        url: () => `/v1.0/users/${aliceId}`,
        token: w,
        rawBody: '{"displayName":"x"}',
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'UnsupportedMediaType',
        target: 'content-type',
      },
      {
        name: 'unknown property',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: newUser({ favouriteColour: 'blue' }),
        status: 400,
        code: 'Request_BadRequest',
        target: 'favouriteColour',
      },
      {
        name: 'unknown nested property',
        method: 'PATCH',
        url: () => `/v1.0/users/${aliceId}`,
        token: w,
        body: { passwordProfile: { password: 'a long passphrase here', expires: true } },
        status: 400,
        code: 'Request_BadRequest',
        target: 'passwordProfile.expires',
      },
      {
        name: 'missing displayName',
        method: 'POST',
        url: '/v1.0/users',
        token: w,
        body: { userPrincipalName: 'new@contoso.test' },
        status: 400,
        code: 'Request_BadRequest',
        target: 'displayName',
      },
      {
        name: 'accountEnabled of the wrong type',
        method: 'PATCH',
        url: () => `/v1.0/users/${aliceId}`,
        token: w,
        body: { accountEnabled: 'no' },
        status: 400,
        code: 'Request_BadRequest',
        target: 'accountEnabled',
      },
      {
        name: 'a JSON array as body',
        method: 'POST',
        url: '/v1.0/groups',
        token: w,
        rawBody: '[]',
        headers: { 'content-type': 'application/json' },
        status: 400,
        code: 'Request_BadRequest',
        target: 'body',
      },
      // Query options: 400 naming the option
      {
        name: '$top of 0',
        method: 'GET',
        url: '/v1.0/users?$top=0',
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$top',
      },
      {
        name: '$top over 999',
        method: 'GET',
        url: '/v1.0/users?$top=1000',
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$top',
      },
      {
        name: '$top not a number',
        method: 'GET',
        url: '/v1.0/users?$top=ten',
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$top',
      },
      {
        name: '$filter on a property not allowed',
        method: 'GET',
        url: `/v1.0/users?$filter=${encodeURIComponent("passwordHash eq 'x'")}`,
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$filter',
        message: /passwordHash/,
      },
      {
        name: '$filter with an operator not allowed',
        method: 'GET',
        url: `/v1.0/users?$filter=${encodeURIComponent("displayName gt 'a'")}`,
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$filter',
        message: /gt/,
      },
      {
        name: '$filter syntax error',
        method: 'GET',
        url: `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'a'")}`,
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$filter',
      },
      {
        name: '$filter injection attempt',
        method: 'GET',
        url: `/v1.0/users?$filter=${encodeURIComponent("displayName eq 'a'; drop table users; --")}`,
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$filter',
      },
      {
        name: '$select of an unknown property',
        method: 'GET',
        url: '/v1.0/users?$select=id,passwordHash',
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$select',
      },
      {
        name: '$skiptoken we never issued',
        method: 'GET',
        url: '/v1.0/users?$skiptoken=bm90LW91cnM',
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$skiptoken',
      },
      {
        name: 'unsupported $expand',
        method: 'GET',
        url: '/v1.0/users?$expand=manager',
        token: w,
        status: 400,
        code: 'BadRequest',
        target: '$expand',
      },
      {
        name: 'repeated $top',
        method: 'GET',
        url: '/v1.0/users?$top=1&$top=2',
        token: w,
        status: 400,
        code: 'Request_BadRequest',
        target: '$top',
      },
    ];

    it(`has at least 20 cases (${cases.length})`, () => assert.ok(cases.length >= 20));

    for (const c of cases) {
      it(`${c.method} ${c.name} → ${c.status} ${c.code}${c.target ? ` (${c.target})` : ''}`, async () => {
        const before = await snapshot(deps);
        const url = typeof c.url === 'function' ? c.url() : c.url;
        const token = c.token ? await c.token() : undefined;
        const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
        const res: GraphResponse = await graphRequest(t.server.app, c.method, url, {
          token,
          body,
          rawBody: c.rawBody,
          headers: c.headers,
        });
        const error = assertGraphError(res, c.status, c.code, c.target);
        if (c.message) assert.match(error.message, c.message);
        assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
        if (c.status === 401) assert.match(String(res.headers['www-authenticate']), /^Bearer/);
        assert.equal(await snapshot(deps), before, 'the refused request changed nothing');
        const audit = await auditRows(deps, { correlationId: error.innerError['request-id'] });
        const refusedLines = logLines.filter(
          (l) => l.event === 'graph.unauthenticated_refusal' && l.reqId === error.innerError['request-id'],
        );
        if (c.status === 401) {
          assert.equal(audit.length, 0, 'a request without a valid token names nobody: not audited');
          assert.equal(refusedLines.length, 1, 'one server-log line for the unauthenticated refusal');
          assert.equal(refusedLines[0]!.status, 401);
          assert.doesNotMatch(JSON.stringify(refusedLines[0]), /Bearer|eyJ/, 'no token in the log line');
        } else if (c.method === 'GET') {
          assert.equal(refusedLines.length, 0);
          assert.equal(audit.length, 0, 'reads are not audited');
        } else {
          assert.equal(refusedLines.length, 0);
          assert.equal(audit.length, 1, `the refused write is audited once: ${JSON.stringify(audit)}`);
          assert.equal(audit[0]!.result, 'failure');
          assert.equal(audit[0]!.reason, error.message);
          assert.doesNotMatch(JSON.stringify(audit[0]), /passphrase|password123|New@Contoso/);
        }
      });
    }
  });
}
