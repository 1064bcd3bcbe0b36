// Graph /v1.0/users over a real server on both databases: create, read by id or UPN, $select, $filter, paging,
// PATCH merge, disable, password reset, revokeSignInSessions, delete — with their audit entries and session effects.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { graphJsClient } from '../support/graph-js-client.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, userToken, type TestApp } from '../support/tokens.js';
import { auditRows, graphRequest } from '../support/graph-http.js';
import type { Deps } from '../../src/services/deps.js';
import { assignAppRole } from '../../src/services/app-roles.js';
import { cliContext } from '../support/sign-in-fixtures.js';

const GRAPH_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';

async function insertFakeOidcRows(deps: Deps, accountId: string, tag: string): Promise<void> {
  for (const model of ['Session', 'AccessToken', 'RefreshToken', 'AuthorizationCode', 'Grant', 'Interaction'])
    await deps.db
      .insertInto('oidc_payloads')
      .values({
        model,
        id_hash: `${tag}-${model}`,
        payload: 'sealed',
        grant_id_hash: null,
        uid_hash: null,
        user_code_hash: null,
        account_id: accountId,
        expires_at: null,
        consumed_at: null,
      })
      .execute();
}

const oidcRowsOf = async (deps: Deps, accountId: string) =>
  (await deps.db.selectFrom('oidc_payloads').select('id_hash').where('account_id', '=', accountId).execute()).length;

for (const dialect of dialects) {
  describe(`Graph /users on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let admin: TestApp;
    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test,fabrikam.test' });
      deps = t.runtime.deps;
      admin = await createTestApp(deps, ['User.ReadWrite.All', 'Group.ReadWrite.All']);
    });
    after(() => t.close());

    it('creates a user with passwordProfile (201), then reads it by id and by percent-encoded UPN', async () => {
      const res = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: admin.token,
        body: {
          accountEnabled: true,
          displayName: 'Alice Adams',
          mailNickname: 'alice',
          userPrincipalName: 'Alice@Contoso.test',
          jobTitle: 'Engineer',
          passwordProfile: { forceChangePasswordNextSignIn: true, password: 'xWwvJ]6NMw+bWH-d' },
        },
      });
      assert.equal(res.status, 201, res.raw);
      assert.equal(res.body['@odata.context'], `${GRAPH_CONTEXT}#users/$entity`);
      assert.equal(res.body.userPrincipalName, 'alice@contoso.test');
      assert.equal(res.body.accountEnabled, true);
      assert.equal(res.body.userType, 'Member');
      assert.match(String(res.body.id), /^[0-9a-f-]{36}$/);
      assert.match(String(res.body.createdDateTime), /^\d{4}-\d{2}-\d{2}T/);
      assert.doesNotMatch(res.raw, /argon2|password/i);
      const row = await deps.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', String(res.body.id))
        .executeTakeFirstOrThrow();
      assert.equal(row.force_change_password, 1);
      assert.match(row.password_hash ?? '', /\$argon2id\$/);

      const byId = await graphRequest(t.server.app, 'GET', `/v1.0/users/${res.body.id}`, { token: admin.token });
      assert.equal(byId.status, 200);
      assert.equal(byId.body.displayName, 'Alice Adams');
      const byUpn = await graphRequest(t.server.app, 'GET', '/v1.0/users/ALICE%40contoso.test?$select=id,displayName', {
        token: admin.token,
      });
      assert.equal(byUpn.status, 200, byUpn.raw);
      assert.deepEqual(byUpn.body, {
        '@odata.context': `${GRAPH_CONTEXT}#users(id,displayName)/$entity`,
        id: res.body.id,
        displayName: 'Alice Adams',
      });

      const [audit] = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit?.activity, 'Add user');
      assert.equal(audit?.result, 'success');
      assert.equal(audit?.initiatedBy.app?.appId, admin.appId);
      assert.ok(
        audit?.targets[0]?.modifiedProperties?.some((p) => p.displayName === 'PasswordProfile' && p.newValue === ''),
      );
      assert.doesNotMatch(JSON.stringify(audit), /xWwvJ/);
    });

    it('creates a user without any password (passwordless onboarding)', async () => {
      const res = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: admin.token,
        body: {
          displayName: 'No Password',
          userPrincipalName: 'nopass@fabrikam.test',
          accountEnabled: true,
          mailNickname: 'nopass',
        },
      });
      assert.equal(res.status, 201, res.raw);
      const row = await deps.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', String(res.body.id))
        .executeTakeFirstOrThrow();
      assert.equal(row.password_hash, null);
    });

    it('lists with $filter (eq, startswith), $select and $count', async () => {
      const eq = await graphRequest(
        t.server.app,
        'GET',
        `/v1.0/users?$filter=${encodeURIComponent("userPrincipalName eq 'ALICE@contoso.test'")}&$count=true`,
        { token: admin.token },
      );
      assert.equal(eq.status, 200, eq.raw);
      assert.equal(eq.body['@odata.context'], `${GRAPH_CONTEXT}#users`);
      assert.equal(eq.body['@odata.count'], 1);
      assert.deepEqual(
        eq.body.value?.map((u) => u.userPrincipalName),
        ['alice@contoso.test'],
      );
      const starts = await graphRequest(
        t.server.app,
        'GET',
        `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'alice')")}&$select=displayName`,
        { token: admin.token },
      );
      assert.equal(starts.status, 200, starts.raw);
      assert.deepEqual(starts.body.value, [{ displayName: 'Alice Adams' }]);
      const none = await graphRequest(
        t.server.app,
        'GET',
        `/v1.0/users?$filter=${encodeURIComponent("displayName eq 'x'' or ''1''=''1'")}`,
        { token: admin.token },
      );
      assert.equal(none.status, 200);
      assert.deepEqual(none.body.value, [], 'quotes in a value are data, never SQL');
    });

    it('pages 7 users 3 at a time through absolute @odata.nextLink URLs with an opaque $skiptoken', async () => {
      for (let i = 0; i < 7; i++)
        assert.equal(
          (
            await graphRequest(t.server.app, 'POST', '/v1.0/users', {
              token: admin.token,
              body: { displayName: `Pager ${i}`, userPrincipalName: `pager${i}@contoso.test` },
            })
          ).status,
          201,
        );
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let next: string | undefined =
        `/v1.0/users?$top=3&$filter=${encodeURIComponent("startswith(userPrincipalName,'pager')")}`;
      while (next) {
        const res = await graphRequest(t.server.app, 'GET', next, { token: admin.token });
        assert.equal(res.status, 200, res.raw);
        pageSizes.push(res.body.value!.length);
        seen.push(...res.body.value!.map((u) => String(u.userPrincipalName)));
        const link = res.body['@odata.nextLink'] as string | undefined;
        if (link) {
          const url = new URL(link);
          assert.equal(url.origin, t.url, 'nextLink is absolute, on the public origin');
          assert.equal(url.searchParams.get('$top'), '3');
          assert.match(url.searchParams.get('$skiptoken') ?? '', /^[A-Za-z0-9_-]+$/);
          next = url.pathname + url.search;
        } else next = undefined;
      }
      assert.deepEqual(pageSizes, [3, 3, 1]);
      assert.deepEqual(
        seen.sort(),
        [0, 1, 2, 3, 4, 5, 6].map((i) => `pager${i}@contoso.test`),
      );
    });

    it('PATCH merges: absent properties keep their values; 204; audited as "Update user" with old and new values', async () => {
      const res = await graphRequest(t.server.app, 'PATCH', '/v1.0/users/alice@contoso.test', {
        token: admin.token,
        body: { displayName: 'Alice A.' },
      });
      assert.equal(res.status, 204, res.raw);
      assert.equal(res.raw, '');
      const after = await graphRequest(t.server.app, 'GET', '/v1.0/users/alice@contoso.test', { token: admin.token });
      assert.equal(after.body.displayName, 'Alice A.');
      assert.equal(after.body.jobTitle, 'Engineer');
      assert.equal(after.body.mailNickname, 'alice');
      const [audit] = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit?.activity, 'Update user');
      assert.deepEqual(audit?.targets[0]?.modifiedProperties, [
        { displayName: 'DisplayName', oldValue: '"Alice Adams"', newValue: '"Alice A."' },
      ]);
    });

    it("disabling ends sessions and refuses the user's tokens; a password reset and revokeSignInSessions do too", async () => {
      const created = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: admin.token,
        body: {
          displayName: 'Bob',
          userPrincipalName: 'bob@contoso.test',
          passwordProfile: { password: 'a long enough passphrase' },
        },
      });
      const bobId = String(created.body.id);
      const bobToken = await userToken(deps, bobId, ['User.Read']);
      assert.equal(
        (await graphRequest(t.server.app, 'GET', `/v1.0/users/${bobId}`, { token: bobToken })).status,
        200,
        'User.Read reads oneself',
      );

      await insertFakeOidcRows(deps, bobId, `revoke-${dialect}`);
      const revoke = await graphRequest(t.server.app, 'POST', `/v1.0/users/${bobId}/revokeSignInSessions`, {
        token: admin.token,
      });
      assert.equal(revoke.status, 200, revoke.raw);
      assert.deepEqual(revoke.body, { '@odata.context': `${GRAPH_CONTEXT}#Edm.Boolean`, value: true });
      assert.equal(await oidcRowsOf(deps, bobId), 0);
      assert.equal(
        (await graphRequest(t.server.app, 'GET', `/v1.0/users/${bobId}`, { token: bobToken })).status,
        401,
        'a token from before the revocation is refused',
      );
      assert.equal(
        (await auditRows(deps, { correlationId: String(revoke.headers['request-id']) }))[0]?.activity,
        'Invalidate all refresh tokens for user',
      );

      await insertFakeOidcRows(deps, bobId, `reset-${dialect}`);
      // Entra: User.ReadWrite.All resets no password in an app-only call unless the app's service principal also holds
      // a directory role (at least User Administrator). Refused (403 saying so, audited), nothing changed.
      const passwordBefore = (
        await deps.db.selectFrom('users').select('password_hash').where('id', '=', bobId).executeTakeFirstOrThrow()
      ).password_hash;
      const noRole = await graphRequest(t.server.app, 'PATCH', `/v1.0/users/${bobId}`, {
        token: admin.token,
        body: { passwordProfile: { password: 'another long passphrase' } },
      });
      assert.equal(noRole.status, 403, noRole.raw);
      assert.equal(noRole.body.error?.code, 'Authorization_RequestDenied');
      assert.match(
        String(noRole.body.error?.message),
        /^Insufficient privileges to complete the operation\. .*directory role on the application's service principal/,
      );
      const [noRoleAudit] = await auditRows(deps, { correlationId: String(noRole.headers['request-id']) });
      assert.equal(noRoleAudit?.result, 'failure');
      assert.equal(noRoleAudit?.reason, noRole.body.error?.message);
      assert.equal(
        (await deps.db.selectFrom('users').select('password_hash').where('id', '=', bobId).executeTakeFirstOrThrow())
          .password_hash,
        passwordBefore,
      );
      assert.notEqual(await oidcRowsOf(deps, bobId), 0, 'the refused reset revoked nothing');
      await assignAppRole(deps, cliContext(), admin.appId, 'User Administrator');
      // Here the provider's rows go; that a real delegated access token and refresh token stop working is proven with a
      // real sign-in in test/e2e/delegated-graph.test.ts ("a password reset through Graph ends …").
      const reset = await graphRequest(t.server.app, 'PATCH', `/v1.0/users/${bobId}`, {
        token: admin.token,
        body: { passwordProfile: { password: 'another long passphrase', forceChangePasswordNextSignIn: false } },
      });
      assert.equal(reset.status, 204, reset.raw);
      assert.equal(await oidcRowsOf(deps, bobId), 0);
      const resetAudit = await auditRows(deps, { correlationId: String(reset.headers['request-id']) });
      assert.ok(
        resetAudit.some(
          (a) =>
            a.activity === 'Reset user password' &&
            a.targets[0]?.modifiedProperties?.[0]?.displayName === 'PasswordProfile',
        ),
      );
      assert.doesNotMatch(JSON.stringify(resetAudit), /another long passphrase/);

      await insertFakeOidcRows(deps, bobId, `disable-${dialect}`);
      const freshToken = await userToken(deps, bobId, ['User.Read'], { iat: Math.floor(Date.now() / 1000) + 1 });
      const disable = await graphRequest(t.server.app, 'PATCH', `/v1.0/users/${bobId}`, {
        token: admin.token,
        body: { accountEnabled: false },
      });
      assert.equal(disable.status, 204, disable.raw);
      assert.equal(await oidcRowsOf(deps, bobId), 0);
      assert.equal(
        (await graphRequest(t.server.app, 'GET', `/v1.0/users/${bobId}`, { token: freshToken })).status,
        401,
        "a disabled user's token is refused",
      );
      const row = await deps.db.selectFrom('users').selectAll().where('id', '=', bobId).executeTakeFirstOrThrow();
      assert.equal(row.account_enabled, 0);
      const [disableAudit] = await auditRows(deps, { correlationId: String(disable.headers['request-id']) });
      assert.deepEqual(disableAudit?.targets[0]?.modifiedProperties, [
        { displayName: 'AccountEnabled', oldValue: 'true', newValue: 'false' },
      ]);
    });

    it('a delegated admin acts within their role; a plain user gets 403 (audited)', async () => {
      const adminUser = await deps.db
        .selectFrom('users')
        .select('id')
        .where('user_principal_name', '=', 'admin@contoso.test')
        .executeTakeFirstOrThrow();
      const gaToken = await userToken(deps, adminUser.id, ['User.ReadWrite.All']);
      const ok = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: gaToken,
        body: { displayName: 'By GA', userPrincipalName: 'byga@contoso.test' },
      });
      assert.equal(ok.status, 201, ok.raw);
      const [audit] = await auditRows(deps, { correlationId: String(ok.headers['request-id']) });
      assert.equal(audit?.initiatedBy.user?.userPrincipalName, 'admin@contoso.test');

      const plainToken = await userToken(deps, String(ok.body.id), ['User.ReadWrite.All']);
      const refused = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: plainToken,
        body: { displayName: 'Nope', userPrincipalName: 'nope@contoso.test' },
      });
      assert.equal(refused.status, 403, refused.raw);
      assert.equal(refused.body.error?.code, 'Authorization_RequestDenied');
      const [refusal] = await auditRows(deps, { correlationId: String(refused.headers['request-id']) });
      assert.equal(refusal?.result, 'failure');
      assert.equal(
        await deps.db
          .selectFrom('users')
          .select('id')
          .where('user_principal_name', '=', 'nope@contoso.test')
          .executeTakeFirst(),
        undefined,
      );
    });

    it('DELETE → 204 and the user is gone, their sessions too', async () => {
      const created = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: admin.token,
        body: { displayName: 'Carol', userPrincipalName: 'carol@contoso.test' },
      });
      const id = String(created.body.id);
      await insertFakeOidcRows(deps, id, `delete-${dialect}`);
      const res = await graphRequest(t.server.app, 'DELETE', '/v1.0/users/carol%40contoso.test', {
        token: admin.token,
      });
      assert.equal(res.status, 204, res.raw);
      assert.equal(await oidcRowsOf(deps, id), 0);
      assert.equal((await graphRequest(t.server.app, 'GET', `/v1.0/users/${id}`, { token: admin.token })).status, 404);
      assert.equal(
        (await auditRows(deps, { correlationId: String(res.headers['request-id']) }))[0]?.activity,
        'Delete user',
      );
    });

    it('works with @microsoft/microsoft-graph-client: create, read, page, update, delete', async () => {
      const client = graphJsClient(t.url, admin.token);
      const created = await client.api('/users').post({
        accountEnabled: true,
        displayName: 'SDK User',
        mailNickname: 'sdkuser',
        userPrincipalName: 'sdk.user@contoso.test',
        passwordProfile: { forceChangePasswordNextSignIn: true, password: 'sdk passphrase 123' },
      });
      assert.equal(created.userPrincipalName, 'sdk.user@contoso.test');
      for (let i = 0; i < 3; i++)
        await client.api('/users').post({
          accountEnabled: true,
          displayName: `SDK ${i}`,
          mailNickname: `sdk${i}`,
          userPrincipalName: `sdk${i}@contoso.test`,
        });
      const read = await client.api('/users/sdk.user@contoso.test').select(['id', 'displayName']).get();
      assert.equal(read.id, created.id);
      const names: string[] = [];
      let page = await client.api('/users').filter("startswith(userPrincipalName,'sdk')").top(2).get();
      names.push(...page.value.map((u: { userPrincipalName: string }) => u.userPrincipalName));
      while (page['@odata.nextLink']) {
        // Over plain http the client treats only https Graph hosts as absolute: give it the path after /v1.0.
        const link = new URL(page['@odata.nextLink']);
        assert.equal(link.origin, t.url);
        page = await client.api(link.pathname.replace(/^\/v1\.0/, '') + link.search).get();
        names.push(...page.value.map((u: { userPrincipalName: string }) => u.userPrincipalName));
      }
      assert.deepEqual(names.sort(), [
        'sdk.user@contoso.test',
        'sdk0@contoso.test',
        'sdk1@contoso.test',
        'sdk2@contoso.test',
      ]);
      await client.api(`/users/${created.id}`).update({ jobTitle: 'Tester' });
      assert.equal((await client.api(`/users/${created.id}`).get()).jobTitle, 'Tester');
      await client.api(`/users/${created.id}`).delete();
      await assert.rejects(
        client.api(`/users/${created.id}`).get(),
        (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'Request_ResourceNotFound',
      );
      await assert.rejects(
        client.api('/users').post({
          displayName: 'Bad',
          userPrincipalName: 'bad@elsewhere.test',
          accountEnabled: true,
          mailNickname: 'bad',
        }),
        (e: { statusCode?: number }) => e.statusCode === 400,
      );
    });
  });
}
