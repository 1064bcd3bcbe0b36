// Graph temporaryAccessPassMethods and authentication/methods over real HTTP on both databases: create, list, get,
// delete, replacement, every refusal of issue 3 point 2 (Graph error, target, audited), concurrency, /me, and the
// Microsoft Graph JS client. Tokens come from the real client-credentials endpoint.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { graphJsClient } from '../support/graph-js-client.js';
import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';
import { newId } from '../../src/domain/ids.js';
import { TAP_POLICY_REFUSAL_MESSAGE } from '../../src/domain/tap/pass.js';
import type { Deps } from '../../src/services/deps.js';
import { addGroupMember, createGroup } from '../../src/services/groups.js';
import { updateTapPolicy } from '../../src/services/tap-policy.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, graphFetch, type FetchedGraphResponse } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, daemonAppToken } from '../support/sign-in-fixtures.js';
import { userToken } from '../support/tokens.js';

const DEFAULT_POLICY = {
  state: 'enabled',
  includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
  excludeTargets: [],
  defaultLifetimeInMinutes: 60,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  defaultLength: 8,
  isUsableOnce: false,
};

type Res = FetchedGraphResponse;

for (const dialect of dialects) {
  describe(`Graph temporaryAccessPassMethods on ${dialect}`, () => {
    let s: TestServer;
    let deps: Deps;
    let writer: string;
    let reader: string;
    let weak: string;

    const call = (method: string, path: string, token: string | undefined, body?: unknown): Promise<Res> =>
      graphFetch(s.url, method, path, token, body);

    const assertError = assertFetchedGraphError;

    /** The refusal is in the audit log, as a failure, under the request's correlation id. */
    async function assertAuditedFailure(res: Res, activity: string): Promise<void> {
      const id = res.headers.get('request-id');
      assert.ok(id);
      const rows = await deps.db.selectFrom('audit_events').selectAll().where('correlation_id', '=', id).execute();
      assert.equal(rows.length, 1, `one audit row for ${res.raw}`);
      assert.equal(rows[0]!.result, 'failure');
      assert.equal(rows[0]!.activity_display_name, activity);
      assert.ok(rows[0]!.result_reason.length > 0);
    }

    async function insertUser(
      local: string,
      options: { password?: boolean; guest?: boolean } = {},
    ): Promise<UserRecord> {
      const now = deps.clock.now();
      const id = newId();
      const upn = options.guest ? `${local}_fabrikam.test#ext#@contoso.test` : `${local}@contoso.test`;
      await createUsersRepo(deps.db).insertUser({
        id,
        userPrincipalName: upn,
        displayName: local,
        mailNickname: local.replace(/[^a-z0-9]/gi, ''),
        givenName: null,
        surname: null,
        jobTitle: null,
        mail: null,
        userType: options.guest ? 'Guest' : 'Member',
        accountEnabled: true,
        passwordHash: options.password ? await deps.hasher.hash('Correct-Horse-Battery-Staple-9') : null,
        passwordChangedAt: options.password ? now : null,
        forceChangePassword: false,
        sessionsValidFrom: new Date(now.getTime() - 1000),
        createdAt: now,
      });
      return (await createUsersRepo(deps.db).findUserById(id))!;
    }

    const setPolicy = (patch: Record<string, unknown>) => updateTapPolicy(deps, cliContext(), patch);
    const tapsOf = (userId: string) =>
      deps.db.selectFrom('temporary_access_passes').selectAll().where('user_id', '=', userId).execute();

    before(async () => {
      s = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = s.runtime.deps;
      writer = await daemonAppToken(deps, s.url, ['UserAuthenticationMethod.ReadWrite.All']);
      reader = await daemonAppToken(deps, s.url, ['UserAuthenticationMethod.Read.All']);
      weak = await daemonAppToken(deps, s.url, ['User.Read.All']);
    });
    after(() => s.close());

    it('creates a pass (201, Graph shape, the pass once), lists and gets it without the pass, by id and by percent-encoded UPN', async () => {
      const alice = await insertUser('alice', { password: true });
      const created = await call('POST', `/users/${alice.id}/authentication/temporaryAccessPassMethods`, writer, {
        lifetimeInMinutes: 120,
        isUsableOnce: true,
      });
      assert.equal(created.status, 201, created.raw);
      const b = created.body;
      assert.equal(
        b['@odata.context'],
        `https://graph.microsoft.com/v1.0/$metadata#users('${alice.id}')/authentication/temporaryAccessPassMethods/$entity`,
      );
      assert.equal(b['@odata.type'], '#microsoft.graph.temporaryAccessPassAuthenticationMethod');
      assert.match(String(b.id), /^[0-9a-f-]{36}$/);
      const pass = String(b.temporaryAccessPass);
      assert.equal(pass.length, 8);
      assert.equal(b.lifetimeInMinutes, 120);
      assert.equal(b.isUsableOnce, true);
      assert.equal(b.isUsable, true);
      assert.equal(b.methodUsabilityReason, 'EnabledByPolicy');
      assert.ok(
        !Number.isNaN(Date.parse(String(b.createdDateTime))) && !Number.isNaN(Date.parse(String(b.startDateTime))),
      );
      assert.match(
        String(created.headers.get('location')),
        new RegExp(`/v1.0/users/${alice.id}/authentication/temporaryAccessPassMethods/${String(b.id)}$`),
      );

      const list = await call('GET', `/users/alice%40contoso.test/authentication/temporaryAccessPassMethods`, reader);
      assert.equal(list.status, 200, list.raw);
      assert.equal(
        list.body['@odata.context'],
        `https://graph.microsoft.com/v1.0/$metadata#users('${alice.id}')/authentication/temporaryAccessPassMethods`,
      );
      assert.equal(list.body.value?.length, 1);
      assert.equal(list.body.value?.[0]?.id, b.id);
      assert.equal(list.body.value?.[0]?.temporaryAccessPass, null);
      const one = await call(
        'GET',
        `/users/${alice.id}/authentication/temporaryAccessPassMethods/${String(b.id).toUpperCase()}`,
        reader,
      );
      assert.equal(one.status, 200, one.raw);
      assert.equal(one.body.temporaryAccessPass, null);
      assert.equal(one.body['@odata.type'], '#microsoft.graph.temporaryAccessPassAuthenticationMethod');
      const methods = await call('GET', `/users/alice%40contoso.test/authentication/methods`, reader);
      assert.equal(methods.status, 200, methods.raw);
      assert.deepEqual(
        methods.body.value?.map((m) => m['@odata.type']),
        ['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.temporaryAccessPassAuthenticationMethod'],
      );
      assert.equal(methods.body.value?.[0]?.id, '28c10230-6103-485e-b985-444c60001490');
      for (const r of [list, one, methods]) assert.ok(!r.raw.includes(pass), 'no GET shows the pass');

      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('correlation_id', '=', created.headers.get('request-id')!)
        .execute();
      assert.deepEqual(
        audit.map((r) => [r.activity_display_name, r.result]),
        [['Admin registered security info', 'success']],
      );
      const everything =
        JSON.stringify(await deps.db.selectFrom('audit_events').selectAll().execute()) +
        JSON.stringify(await deps.db.selectFrom('audit_event_targets').selectAll().execute());
      assert.ok(!everything.includes(pass), 'the pass is in no audit row');
    });

    it('a second create replaces the pass (still one item; recorded as a delete and a create); delete → 204, then 404', async () => {
      const bob = await insertUser('bob');
      const first = await call('POST', `/users/${bob.id}/authentication/temporaryAccessPassMethods`, writer, {});
      assert.equal(first.status, 201, first.raw);
      const second = await call('POST', `/users/bob@contoso.test/authentication/temporaryAccessPassMethods`, writer, {
        lifetimeInMinutes: null,
        startDateTime: null,
        isUsableOnce: null,
      });
      assert.equal(second.status, 201, second.raw);
      assert.equal(second.body.lifetimeInMinutes, 60, 'null means the policy default');
      const list = await call('GET', `/users/${bob.id}/authentication/temporaryAccessPassMethods`, reader);
      assert.deepEqual(
        list.body.value?.map((v) => v.id),
        [second.body.id],
      );
      assert.equal(
        (
          await call(
            'GET',
            `/users/${bob.id}/authentication/temporaryAccessPassMethods/${String(first.body.id)}`,
            reader,
          )
        ).status,
        404,
      );
      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('correlation_id', '=', second.headers.get('request-id')!)
        .orderBy('activity_date_time')
        .execute();
      assert.deepEqual(audit.map((r) => r.activity_display_name).sort(), [
        'Admin deleted security info',
        'Admin registered security info',
      ]);

      const methods = await call('GET', `/users/${bob.id}/authentication/methods`, reader);
      assert.deepEqual(
        methods.body.value?.map((m) => m['@odata.type']),
        ['#microsoft.graph.temporaryAccessPassAuthenticationMethod'],
        'no password, no password method',
      );

      const del = await call(
        'DELETE',
        `/users/${bob.id}/authentication/temporaryAccessPassMethods/${String(second.body.id)}`,
        writer,
      );
      assert.equal(del.status, 204, del.raw);
      assert.equal(del.raw, '');
      assert.deepEqual(
        (await call('GET', `/users/${bob.id}/authentication/temporaryAccessPassMethods`, reader)).body.value,
        [],
      );
      assertError(
        await call(
          'DELETE',
          `/users/${bob.id}/authentication/temporaryAccessPassMethods/${String(second.body.id)}`,
          writer,
        ),
        404,
        'Request_ResourceNotFound',
      );
    });

    it('refuses, as Graph errors with a target and an audit row each: policy off, not targeted, excluded', async () => {
      const carol = await insertUser('carol');
      const path = `/users/${carol.id}/authentication/temporaryAccessPassMethods`;
      try {
        await setPolicy({ state: 'disabled' });
        let res = await call('POST', path, writer, {});
        assertError(res, 400, 'badRequest');
        assert.equal(res.body.error?.message, TAP_POLICY_REFUSAL_MESSAGE);
        await assertAuditedFailure(res, 'Admin registered security info');

        const group = await createGroup(deps, cliContext(), { displayName: `TAP pilots ${dialect}` });
        await setPolicy({
          state: 'enabled',
          includeTargets: [{ targetType: 'group', id: group.id, isRegistrationRequired: false }],
        });
        res = await call('POST', path, writer, {});
        assertError(res, 400, 'badRequest');
        assert.equal(res.body.error?.message, TAP_POLICY_REFUSAL_MESSAGE);
        await assertAuditedFailure(res, 'Admin registered security info');
        await addGroupMember(deps, cliContext(), group.id, carol.id);
        assert.equal((await call('POST', path, writer, {})).status, 201, 'a member of the targeted group may get one');

        await setPolicy({
          includeTargets: DEFAULT_POLICY.includeTargets,
          excludeTargets: [{ targetType: 'group', id: group.id }],
        });
        res = await call('POST', path, writer, {});
        assertError(res, 400, 'badRequest');
        await assertAuditedFailure(res, 'Admin registered security info');
      } finally {
        await setPolicy(DEFAULT_POLICY);
      }
    });

    it('refuses bad lifetimes, start times, isUsableOnce, unknown properties, external guests, unknown users and weak apps', async () => {
      const dan = await insertUser('dan');
      const path = `/users/${dan.id}/authentication/temporaryAccessPassMethods`;
      for (const [body, target] of [
        [{ lifetimeInMinutes: 9 }, 'lifetimeInMinutes'],
        [{ lifetimeInMinutes: 43201 }, 'lifetimeInMinutes'],
        [{ lifetimeInMinutes: 500 }, 'lifetimeInMinutes'],
        [{ lifetimeInMinutes: '60' }, 'lifetimeInMinutes'],
        [{ startDateTime: 'tomorrow' }, 'startDateTime'],
        [{ startDateTime: '2001-01-01T00:00:00Z' }, 'startDateTime'],
        [{ isUsableOnce: 'yes' }, 'isUsableOnce'],
      ] as const) {
        const res = await call('POST', path, writer, body);
        assertError(res, 400, 'badRequest', target);
        await assertAuditedFailure(res, 'Admin registered security info');
      }
      const range = await call('POST', path, writer, { lifetimeInMinutes: 500 });
      assert.equal(
        range.body.error?.message,
        'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.',
      );

      const unknown = await call('POST', path, writer, { lifetimeInMinutes: 60, colour: 'blue' });
      assertError(unknown, 400, 'badRequest', 'colour');
      await assertAuditedFailure(unknown, 'Admin registered security info');
      assertError(
        await call('POST', path, writer, { temporaryAccessPass: 'chosen-by-me' }),
        400,
        'badRequest',
        'temporaryAccessPass',
      );
      assertError(
        await call('POST', path, writer, { '@odata.type': '#microsoft.graph.user' }),
        400,
        'badRequest',
        '@odata.type',
      );
      assert.equal(
        (
          await call('POST', path, writer, {
            '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
          })
        ).status,
        201,
      );

      try {
        await setPolicy({ isUsableOnce: true });
        const multi = await call('POST', path, writer, { isUsableOnce: false });
        assertError(multi, 400, 'badRequest', 'isUsableOnce');
        await assertAuditedFailure(multi, 'Admin registered security info');
        const once = await call('POST', path, writer, {});
        assert.equal(once.status, 201, once.raw);
        assert.equal(once.body.isUsableOnce, true, 'absent isUsableOnce takes the policy value');
      } finally {
        await setPolicy(DEFAULT_POLICY);
      }

      const guest = await insertUser('erin', { guest: true });
      const refusedGuest = await call(
        'POST',
        `/users/${guest.id}/authentication/temporaryAccessPassMethods`,
        writer,
        {},
      );
      assertError(refusedGuest, 400, 'badRequest', 'user');
      assert.equal(
        refusedGuest.body.error?.message,
        'Temporary Access Pass cannot be added to an external guest user.',
      );
      await assertAuditedFailure(refusedGuest, 'Admin registered security info');

      const missing = await call('POST', `/users/${newId()}/authentication/temporaryAccessPassMethods`, writer, {});
      assertError(missing, 404, 'Request_ResourceNotFound');
      await assertAuditedFailure(missing, 'Admin registered security info');
      assertError(
        await call('GET', `/users/nobody%40contoso.test/authentication/temporaryAccessPassMethods`, reader),
        404,
        'Request_ResourceNotFound',
      );

      const forbidden = await call('POST', path, weak, {});
      assertError(forbidden, 403, 'Authorization_RequestDenied');
      await assertAuditedFailure(forbidden, 'Admin registered security info');
      const readOnly = await call('POST', path, reader, {});
      assertError(readOnly, 403, 'Authorization_RequestDenied');
      assertError(await call('GET', path, weak), 403, 'Authorization_RequestDenied');
      const noToken = await call('POST', path, undefined, {});
      assertError(noToken, 401, 'InvalidAuthenticationToken');
      // Names nobody: a server-log line, not an audit row (an anonymous flood cannot fill the audit log).
      assert.equal(
        (
          await deps.db
            .selectFrom('audit_events')
            .select('id')
            .where('correlation_id', '=', noToken.headers.get('request-id')!)
            .execute()
        ).length,
        0,
      );
    });

    it('refuses query options (400 naming them) and PATCH (405, Graph envelope)', async () => {
      const fay = await insertUser('fay');
      const path = `/users/${fay.id}/authentication/temporaryAccessPassMethods`;
      assertError(await call('GET', `${path}?$select=id`, reader), 400, 'BadRequest', '$select');
      assertError(await call('GET', `${path}?$top=1`, reader), 400, 'BadRequest', '$top');
      assertError(
        await call('GET', `/users/${fay.id}/authentication/methods?$filter=id eq 'x'`, reader),
        400,
        'BadRequest',
        '$filter',
      );
      const created = await call('POST', path, writer, {});
      const patch = await call('PATCH', `${path}/${String(created.body.id)}`, writer, { lifetimeInMinutes: 120 });
      assertError(patch, 405, 'Request_BadRequest');
      assert.equal(patch.headers.get('allow'), 'GET, DELETE');
    });

    it('20 concurrent creates for one user: all answered without a 500, exactly one pass remains', async () => {
      const gus = await insertUser('gus');
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          call('POST', `/users/${gus.id}/authentication/temporaryAccessPassMethods`, writer, {}),
        ),
      );
      for (const r of results) assert.ok(r.status < 500, r.raw);
      assert.ok(results.some((r) => r.status === 201));
      const rows = await tapsOf(gus.id);
      assert.equal(rows.length, 1);
      const list = await call('GET', `/users/${gus.id}/authentication/temporaryAccessPassMethods`, reader);
      assert.equal(list.body.value?.length, 1);
      assert.equal(list.body.value?.[0]?.id, rows[0]!.id);
    });

    it('/me: a delegated user reads and deletes their own pass; app tokens get 400; no /me create (405)', async () => {
      const hal = await insertUser('hal', { password: true });
      const created = await call('POST', `/users/${hal.id}/authentication/temporaryAccessPassMethods`, writer, {});
      assert.equal(created.status, 201);
      const readToken = await userToken(deps, hal.id, ['UserAuthenticationMethod.Read']);
      const list = await call('GET', '/me/authentication/temporaryAccessPassMethods', readToken);
      assert.equal(list.status, 200, list.raw);
      assert.equal(
        list.body['@odata.context'],
        `https://graph.microsoft.com/v1.0/$metadata#users('${hal.id}')/authentication/temporaryAccessPassMethods`,
      );
      assert.deepEqual(
        list.body.value?.map((v) => [v.id, v.temporaryAccessPass]),
        [[created.body.id, null]],
      );
      const one = await call(
        'GET',
        `/me/authentication/temporaryAccessPassMethods/${String(created.body.id)}`,
        readToken,
      );
      assert.equal(one.status, 200, one.raw);
      const methods = await call('GET', '/me/authentication/methods', readToken);
      assert.equal(methods.body.value?.length, 2, methods.raw);

      const noWrite = await call(
        'DELETE',
        `/me/authentication/temporaryAccessPassMethods/${String(created.body.id)}`,
        readToken,
      );
      assertError(noWrite, 403, 'Authorization_RequestDenied');
      await assertAuditedFailure(noWrite, 'User deleted security info');
      const writeToken = await userToken(deps, hal.id, ['UserAuthenticationMethod.ReadWrite']);
      const del = await call(
        'DELETE',
        `/me/authentication/temporaryAccessPassMethods/${String(created.body.id)}`,
        writeToken,
      );
      assert.equal(del.status, 204, del.raw);
      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('correlation_id', '=', del.headers.get('request-id')!)
        .execute();
      assert.deepEqual(
        audit.map((r) => [r.activity_display_name, r.result]),
        [['User deleted security info', 'success']],
      );
      assert.equal((await tapsOf(hal.id)).length, 0);

      const app = await call('GET', '/me/authentication/temporaryAccessPassMethods', writer);
      assertError(app, 400, 'BadRequest');
      assert.equal(app.body.error?.message, '/me request is only valid with delegated authentication flow.');
      const post = await call('POST', '/me/authentication/temporaryAccessPassMethods', writeToken, {});
      assertError(post, 405, 'Request_BadRequest');
    });

    it('the Microsoft Graph JS client issues a pass by UPN (setup (a), over http)', async () => {
      await insertUser('ivy');
      const client = graphJsClient(s.url, writer);
      const tap = (await client
        .api('/users/ivy@contoso.test/authentication/temporaryAccessPassMethods')
        .post({ lifetimeInMinutes: 60, isUsableOnce: true })) as Record<string, unknown>;
      assert.equal(typeof tap.temporaryAccessPass, 'string');
      assert.equal(tap.isUsableOnce, true);
      const listed = (await client.api('/users/ivy@contoso.test/authentication/temporaryAccessPassMethods').get()) as {
        value: Record<string, unknown>[];
      };
      assert.equal(listed.value[0]?.temporaryAccessPass, null);
      await assert.rejects(
        client.api('/users/ivy@contoso.test/authentication/temporaryAccessPassMethods').post({ lifetimeInMinutes: 5 }),
        (e: { statusCode?: number; code?: string }) => {
          assert.equal(e.statusCode, 400);
          assert.equal(e.code, 'badRequest');
          return true;
        },
      );
    });

    it('the typed Kiota SDK issues a pass and reads authentication/methods as typed items', async () => {
      await insertUser('jon', { password: true });
      const auth = new BaseBearerTokenAuthenticationProvider({
        getAuthorizationToken: async () => writer,
        getAllowedHostsValidator: () => new AllowedHostsValidator(new Set(['127.0.0.1'])),
      });
      const adapter = new GraphRequestAdapter(auth);
      adapter.baseUrl = `${s.url}/v1.0`;
      const graph = createGraphServiceClient(adapter);
      const authn = graph.users.byUserId('jon@contoso.test').authentication;
      const tap = await authn.temporaryAccessPassMethods.post({ lifetimeInMinutes: 90 });
      assert.equal(typeof tap?.temporaryAccessPass, 'string');
      assert.equal(tap?.lifetimeInMinutes, 90);
      assert.ok(tap?.startDateTime instanceof Date);
      const methods = await authn.methods.get();
      assert.deepEqual(
        methods?.value?.map((m) => m.odataType),
        ['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.temporaryAccessPassAuthenticationMethod'],
      );
      const typed = methods?.value?.[1] as { isUsable?: boolean; temporaryAccessPass?: string | null } | undefined;
      assert.equal(typed?.isUsable, true, 'parsed as the derived type');
      assert.equal(typed?.temporaryAccessPass ?? null, null);
      await authn.temporaryAccessPassMethods.byTemporaryAccessPassAuthenticationMethodId(tap!.id!).delete();
      assert.equal((await authn.temporaryAccessPassMethods.get())?.value?.length, 0);
    });
  });
}
