// Graph authentication methods over real HTTP on both databases: the mixed `…/methods` list, softwareOathMethods,
// fido2Methods and passwordMethods (list, get, delete where Graph allows it), under /users/{id|upn} and /me;
// audit rows of deletions and refusals; query options and forbidden verbs; the Microsoft Graph JS client.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { graphJsClient } from '../support/graph-js-client.js';
import { newId } from '../../src/domain/ids.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createFido2MethodsRepo, type Fido2MethodRecord } from '../../src/store/repos/fido2-methods.js';
import { createAuthenticatorAppsRepo, type AuthenticatorAppRecord } from '../../src/store/repos/authenticator-apps.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { insertStoredPasskey } from '../support/stored-passkey.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, auditRows, graphFetch, type FetchedGraphResponse } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { createTestApp, userToken } from '../support/tokens.js';

const PASSWORD_ID = '28c10230-6103-485e-b985-444c60001490';
const TYPES = {
  password: '#microsoft.graph.passwordAuthenticationMethod',
  tap: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
  oath: '#microsoft.graph.softwareOathAuthenticationMethod',
  fido2: '#microsoft.graph.fido2AuthenticationMethod',
};
const METADATA = 'https://graph.microsoft.com/v1.0/$metadata';

type Res = FetchedGraphResponse;

for (const dialect of dialects) {
  describe(`Graph authentication methods on ${dialect}`, () => {
    let s: TestServer;
    let deps: Deps;
    let writer: string;
    let reader: string;
    let weak: string;

    const call = (method: string, path: string, token: string | undefined, body?: unknown): Promise<Res> =>
      graphFetch(s.url, method, path, token, body);

    const assertError = assertFetchedGraphError;

    /** Exactly one audit row for the request, a failure with the given activity and a reason. */
    async function assertAuditedFailure(res: Res, activity: string, targetId?: string): Promise<void> {
      const rows = await auditRows(deps, { correlationId: res.headers.get('request-id')! });
      assert.equal(rows.length, 1, `one audit row for ${res.raw}`);
      assert.equal(rows[0]!.result, 'failure');
      assert.equal(rows[0]!.activity, activity);
      assert.equal(rows[0]!.reason, res.body.error?.message);
      if (targetId) assert.equal(rows[0]!.targets[0]?.id, targetId);
    }

    async function insertUser(local: string, options: { password?: boolean } = {}): Promise<UserRecord> {
      const now = deps.clock.now();
      const id = newId();
      await createUsersRepo(deps.db).insertUser({
        id,
        userPrincipalName: `${local}@contoso.test`,
        displayName: `User ${local}`,
        mailNickname: local,
        givenName: null,
        surname: null,
        jobTitle: null,
        mail: null,
        userType: 'Member',
        accountEnabled: true,
        passwordHash: options.password ? await deps.hasher.hash('Correct-Horse-Battery-Staple-9') : null,
        passwordChangedAt: options.password ? new Date(now.getTime() - 86_400_000) : null,
        forceChangePassword: false,
        sessionsValidFrom: new Date(now.getTime() - 1000),
        createdAt: now,
      });
      return (await createUsersRepo(deps.db).findUserById(id))!;
    }

    async function addApp(user: UserRecord, createdAt = deps.clock.now()): Promise<AuthenticatorAppRecord> {
      const id = newId();
      const record: AuthenticatorAppRecord = {
        id,
        userId: user.id,
        secretCiphertext: deps.keyring.encrypt('secret-encryption', 'JBSWY3DPEHPK3PXP', `totp:${user.id}:${id}`),
        displayName: 'Authenticator app',
        createdAt,
        lastUsedStep: null,
        lastUsedAt: null,
      };
      await createAuthenticatorAppsRepo(deps.db).insert(record);
      return record;
    }

    const addPasskey = (user: UserRecord, overrides: Partial<Fido2MethodRecord> = {}) =>
      insertStoredPasskey(deps, user.id, overrides);

    const appsOf = (user: UserRecord) => createAuthenticatorAppsRepo(deps.db).listOfUser(user.id);
    const passkeysOf = (user: UserRecord) => createFido2MethodsRepo(deps.db).listOfUser(user.id);

    before(async () => {
      s = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = s.runtime.deps;
      writer = (await createTestApp(deps, ['UserAuthenticationMethod.ReadWrite.All'])).token;
      reader = (await createTestApp(deps, ['UserAuthenticationMethod.Read.All'])).token;
      weak = (await createTestApp(deps, ['User.Read.All'])).token;
    });
    after(() => s.close());

    it('lists every method in Graph’s shapes, each item of the mixed list with its @odata.type, the secret nowhere', async () => {
      const alice = await insertUser('alice', { password: true });
      const issued = await issueTemporaryAccessPass(deps, cliContext(), alice.id, {});
      const app = await addApp(alice, new Date(deps.clock.now().getTime() - 60_000));
      const key = await addPasskey(alice, {
        displayName: 'YubiKey 5',
        aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
        attestationLevel: 'attested',
        transports: ['usb', 'nfc'],
      });
      // Registered a second later: the lists are ordered by registration time.
      const synced = await addPasskey(alice, {
        displayName: 'Phone',
        deviceType: 'multiDevice',
        backedUp: true,
        createdAt: new Date(key.createdAt.getTime() + 1000),
      });

      const methods = await call('GET', '/users/alice%40contoso.test/authentication/methods', reader);
      assert.equal(methods.status, 200, methods.raw);
      assert.equal(methods.body['@odata.context'], `${METADATA}#users('${alice.id}')/authentication/methods`);
      assert.deepEqual(
        methods.body.value?.map((m) => [m['@odata.type'], m.id]),
        [
          [TYPES.password, PASSWORD_ID],
          [TYPES.tap, issued.pass.id],
          [TYPES.oath, app.id],
          [TYPES.fido2, key.id],
          [TYPES.fido2, synced.id],
        ],
      );
      const [password, tap, oath, fido2, fido2Synced] = methods.body.value!;
      assert.deepEqual(password, {
        '@odata.type': TYPES.password,
        id: PASSWORD_ID,
        password: null,
        createdDateTime: alice.passwordChangedAt!.toISOString(),
      });
      assert.equal(tap!.temporaryAccessPass, null);
      assert.deepEqual(oath, {
        '@odata.type': TYPES.oath,
        id: app.id,
        createdDateTime: app.createdAt.toISOString(),
        secretKey: null,
      });
      assert.deepEqual(fido2, {
        '@odata.type': TYPES.fido2,
        id: key.id,
        displayName: 'YubiKey 5',
        createdDateTime: key.createdAt.toISOString(),
        aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
        model: null,
        attestationCertificates: [],
        attestationLevel: 'attested',
        passkeyType: 'deviceBound',
      });
      assert.equal(fido2Synced!.passkeyType, 'synced');
      assert.equal(fido2Synced!.attestationLevel, 'notAttested');
      assert.ok(!methods.raw.includes(key.credentialId), 'the fido2 id is not the credential id, which is not shown');
      assert.ok(
        !methods.raw.includes(app.secretCiphertext) && !methods.raw.includes('JBSWY3DPEHPK3PXP'),
        'no secret, sealed or not',
      );

      const apps = await call('GET', `/users/${alice.id}/authentication/softwareOathMethods`, reader);
      assert.equal(apps.status, 200, apps.raw);
      assert.equal(apps.body['@odata.context'], `${METADATA}#users('${alice.id}')/authentication/softwareOathMethods`);
      assert.deepEqual(apps.body.value, [oath]);
      const keys = await call('GET', `/users/alice@contoso.test/authentication/fido2Methods`, reader);
      assert.equal(keys.body['@odata.context'], `${METADATA}#users('${alice.id}')/authentication/fido2Methods`);
      assert.deepEqual(keys.body.value, [fido2, fido2Synced]);
      const passwords = await call('GET', `/users/${alice.id}/authentication/passwordMethods`, reader);
      assert.deepEqual(passwords.body.value, [password]);

      const oneApp = await call(
        'GET',
        `/users/${alice.id}/authentication/softwareOathMethods/${app.id.toUpperCase()}`,
        reader,
      );
      assert.equal(oneApp.status, 200, oneApp.raw);
      assert.deepEqual(oneApp.body, {
        '@odata.context': `${METADATA}#users('${alice.id}')/authentication/softwareOathMethods/$entity`,
        ...oath,
      });
      const oneKey = await call('GET', `/users/${alice.id}/authentication/fido2Methods/${synced.id}`, reader);
      assert.deepEqual(oneKey.body, {
        '@odata.context': `${METADATA}#users('${alice.id}')/authentication/fido2Methods/$entity`,
        ...fido2Synced,
      });
      const onePassword = await call('GET', `/users/${alice.id}/authentication/passwordMethods/${PASSWORD_ID}`, reader);
      assert.deepEqual(onePassword.body, {
        '@odata.context': `${METADATA}#users('${alice.id}')/authentication/passwordMethods/$entity`,
        ...password,
      });

      // Graph's "Get authenticationMethod": any item of the mixed list by its id, typed.
      for (const item of [password, tap, oath, fido2]) {
        const one = await call('GET', `/users/${alice.id}/authentication/methods/${String(item!.id)}`, reader);
        assert.equal(one.status, 200, one.raw);
        assert.deepEqual(one.body, {
          '@odata.context': `${METADATA}#users('${alice.id}')/authentication/methods/$entity`,
          ...item,
        });
      }
      assertError(
        await call('GET', `/users/${alice.id}/authentication/methods/${newId()}`, reader),
        404,
        'Request_ResourceNotFound',
      );
      assertError(
        await call('GET', `/users/${alice.id}/authentication/methods/${key.id}?$select=id`, reader),
        400,
        'BadRequest',
        '$select',
      );
    });

    it('a passwordless user with nothing registered has empty lists and no password method', async () => {
      const bo = await insertUser('bo');
      for (const segment of ['methods', 'softwareOathMethods', 'fido2Methods', 'passwordMethods']) {
        const res = await call('GET', `/users/${bo.id}/authentication/${segment}`, reader);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.value, [], segment);
      }
      assertError(
        await call('GET', `/users/${bo.id}/authentication/passwordMethods/${PASSWORD_ID}`, reader),
        404,
        'Request_ResourceNotFound',
      );
    });

    it('an admin app with UserAuthenticationMethod.ReadWrite.All deletes an authenticator app and a passkey: 204, gone, audited in Entra’s shape', async () => {
      const cy = await insertUser('cy', { password: true });
      const app = await addApp(cy);
      const key = await addPasskey(cy, { displayName: 'Red key' });
      const kept = await addPasskey(cy);

      const delApp = await call(
        'DELETE',
        `/users/cy@contoso.test/authentication/softwareOathMethods/${app.id}`,
        writer,
      );
      assert.equal(delApp.status, 204, delApp.raw);
      assert.equal(delApp.raw, '');
      assert.deepEqual(await appsOf(cy), []);
      const [appRow, ...more] = await auditRows(deps, { correlationId: delApp.headers.get('request-id')! });
      assert.equal(more.length, 0);
      assert.equal(appRow!.activity, 'Admin deleted security info');
      assert.equal(appRow!.result, 'success');
      assert.equal(appRow!.reason, 'Admin deleted Software Oath Token method for user');
      assert.equal(appRow!.targets.length, 1);
      assert.deepEqual(
        { id: appRow!.targets[0]!.id, type: appRow!.targets[0]!.type, displayName: appRow!.targets[0]!.displayName },
        { id: cy.id, type: 'User', displayName: 'User cy' },
      );
      assert.deepEqual(
        appRow!.targets[0]!.modifiedProperties?.find((p) => p.displayName === 'SoftwareOathToken.Id'),
        {
          displayName: 'SoftwareOathToken.Id',
          oldValue: JSON.stringify(app.id),
          newValue: JSON.stringify(''),
        },
      );
      const stored = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('correlation_id', '=', delApp.headers.get('request-id')!)
        .executeTakeFirstOrThrow();
      assert.equal(stored.category, 'UserManagement');
      assert.equal(stored.logged_by_service, 'Authentication Methods');
      assert.equal(stored.operation_type, 'Delete');
      assert.ok(appRow!.initiatedBy.app, 'initiated by the app');

      const delKey = await call('DELETE', `/users/${cy.id}/authentication/fido2Methods/${key.id}`, writer);
      assert.equal(delKey.status, 204, delKey.raw);
      assert.deepEqual(
        (await passkeysOf(cy)).map((p) => p.id),
        [kept.id],
      );
      const [keyRow] = await auditRows(deps, { correlationId: delKey.headers.get('request-id')! });
      assert.equal(keyRow!.activity, 'Admin deleted security info');
      assert.equal(keyRow!.reason, 'Admin deleted Fido2 Authentication Method for user');
      assert.ok(
        keyRow!.targets[0]!.modifiedProperties?.some(
          (p) => p.displayName === 'Fido2.Id' && p.oldValue === JSON.stringify(key.id),
        ),
      );

      const listed = await call('GET', `/users/${cy.id}/authentication/methods`, reader);
      assert.deepEqual(
        listed.body.value?.map((m) => m.id),
        [PASSWORD_ID, kept.id],
      );
      assertError(
        await call('GET', `/users/${cy.id}/authentication/fido2Methods/${key.id}`, reader),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      const again = await call('DELETE', `/users/${cy.id}/authentication/fido2Methods/${key.id}`, writer);
      assertError(again, 404, 'Request_ResourceNotFound', 'id');
      await assertAuditedFailure(again, 'Admin deleted security info', cy.id);
    });

    it('refuses callers without the permission (403, refusal audited, nothing deleted)', async () => {
      const di = await insertUser('di');
      const app = await addApp(di);
      const key = await addPasskey(di);

      const readOnly = await call('DELETE', `/users/${di.id}/authentication/softwareOathMethods/${app.id}`, reader);
      assertError(readOnly, 403, 'Authorization_RequestDenied');
      await assertAuditedFailure(readOnly, 'Admin deleted security info', di.id);
      const none = await call('DELETE', `/users/${di.id}/authentication/fido2Methods/${key.id}`, weak);
      assertError(none, 403, 'Authorization_RequestDenied');
      await assertAuditedFailure(none, 'Admin deleted security info', di.id);
      // No token at all: refused before any service runs; it names nobody, so it goes to the server log, not the audit log.
      const anonymous = await call('DELETE', `/users/${di.id}/authentication/fido2Methods/${key.id}`, undefined);
      assertError(anonymous, 401, 'InvalidAuthenticationToken');
      assert.equal((await auditRows(deps, { correlationId: anonymous.headers.get('request-id')! })).length, 0);
      assert.equal((await appsOf(di)).length, 1);
      assert.equal((await passkeysOf(di)).length, 1);

      assertError(
        await call('GET', `/users/${di.id}/authentication/methods`, weak),
        403,
        'Authorization_RequestDenied',
      );
      assertError(
        await call('GET', `/users/${di.id}/authentication/fido2Methods/${key.id}`, weak),
        403,
        'Authorization_RequestDenied',
      );
      // Without the permission an unknown user is a 403 too, so a 404 tells nothing about who exists.
      assertError(
        await call('GET', `/users/${newId()}/authentication/methods`, weak),
        403,
        'Authorization_RequestDenied',
      );
      const unknownUser = await call('DELETE', `/users/${newId()}/authentication/fido2Methods/${key.id}`, reader);
      assertError(unknownUser, 403, 'Authorization_RequestDenied');
    });

    it('unknown users and methods are 404, and one user’s method cannot be reached through another user', async () => {
      const ed = await insertUser('ed');
      const fay = await insertUser('fay');
      const fays = await addPasskey(fay);
      const faysApp = await addApp(fay);
      assertError(
        await call('GET', `/users/${newId()}/authentication/methods`, reader),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      assertError(
        await call('GET', `/users/nobody@contoso.test/authentication/softwareOathMethods`, reader),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      assertError(
        await call('GET', `/users/${ed.id}/authentication/softwareOathMethods/${newId()}`, reader),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      assertError(
        await call('GET', `/users/${ed.id}/authentication/fido2Methods/${fays.id}`, reader),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      assertError(
        await call('GET', `/users/${ed.id}/authentication/passwordMethods/${newId()}`, reader),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      const unknownUser = await call(
        'DELETE',
        `/users/${newId()}/authentication/softwareOathMethods/${faysApp.id}`,
        writer,
      );
      assertError(unknownUser, 404, 'Request_ResourceNotFound', 'id');
      await assertAuditedFailure(unknownUser, 'Admin deleted security info');
      const crossed = await call('DELETE', `/users/${ed.id}/authentication/softwareOathMethods/${faysApp.id}`, writer);
      assertError(crossed, 404, 'Request_ResourceNotFound', 'id');
      await assertAuditedFailure(crossed, 'Admin deleted security info', ed.id);
      assertError(
        await call('DELETE', `/users/${ed.id}/authentication/fido2Methods/not-a-method`, writer),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      assert.equal((await passkeysOf(fay)).length, 1);
      assert.equal((await appsOf(fay)).length, 1);
    });

    it('/me: a delegated user reads their methods and deletes their own with UserAuthenticationMethod.ReadWrite; app tokens get 400', async () => {
      const gil = await insertUser('gil', { password: true });
      const app = await addApp(gil);
      const key = await addPasskey(gil, { deviceType: 'multiDevice' });
      const other = await insertUser('hana');
      const othersKey = await addPasskey(other);

      const readToken = await userToken(deps, gil.id, ['UserAuthenticationMethod.Read']);
      const methods = await call('GET', '/me/authentication/methods', readToken);
      assert.equal(methods.status, 200, methods.raw);
      assert.equal(methods.body['@odata.context'], `${METADATA}#users('${gil.id}')/authentication/methods`);
      assert.deepEqual(
        methods.body.value?.map((m) => m['@odata.type']),
        [TYPES.password, TYPES.oath, TYPES.fido2],
      );
      assert.deepEqual(
        (await call('GET', '/me/authentication/fido2Methods', readToken)).body.value?.map((m) => [m.id, m.passkeyType]),
        [[key.id, 'synced']],
      );
      assert.equal((await call('GET', `/me/authentication/softwareOathMethods/${app.id}`, readToken)).body.id, app.id);
      assert.equal((await call('GET', `/me/authentication/passwordMethods/${PASSWORD_ID}`, readToken)).status, 200);
      assertError(
        await call('GET', `/me/authentication/fido2Methods/${othersKey.id}`, readToken),
        404,
        'Request_ResourceNotFound',
      );
      assertError(
        await call('GET', `/users/${other.id}/authentication/methods`, readToken),
        403,
        'Authorization_RequestDenied',
      );

      const noWrite = await call('DELETE', `/me/authentication/fido2Methods/${key.id}`, readToken);
      assertError(noWrite, 403, 'Authorization_RequestDenied');
      await assertAuditedFailure(noWrite, 'User deleted security info', gil.id);
      assert.equal((await passkeysOf(gil)).length, 1);

      const writeToken = await userToken(deps, gil.id, ['UserAuthenticationMethod.ReadWrite']);
      const del = await call('DELETE', `/me/authentication/fido2Methods/${key.id}`, writeToken);
      assert.equal(del.status, 204, del.raw);
      const rows = await auditRows(deps, { correlationId: del.headers.get('request-id')! });
      assert.deepEqual(
        rows.map((r) => [r.activity, r.result, r.reason]),
        [['User deleted security info', 'success', 'User deleted Fido2 Authentication Method']],
      );
      assert.equal(rows[0]!.initiatedBy.user?.id, gil.id);
      assert.equal((await passkeysOf(gil)).length, 0);
      const delApp = await call('DELETE', `/me/authentication/softwareOathMethods/${app.id}`, writeToken);
      assert.equal(delApp.status, 204, delApp.raw);
      assert.equal(
        (await auditRows(deps, { correlationId: delApp.headers.get('request-id')! }))[0]?.reason,
        'User deleted Software Oath Token method',
      );
      const othersDel = await call('DELETE', `/me/authentication/fido2Methods/${othersKey.id}`, writeToken);
      assertError(othersDel, 404, 'Request_ResourceNotFound');
      assert.equal((await passkeysOf(other)).length, 1, 'another user’s passkey is out of reach of /me');
      assertError(
        await call('DELETE', `/users/${other.id}/authentication/fido2Methods/${othersKey.id}`, writeToken),
        403,
        'Authorization_RequestDenied',
      );

      const appMe = await call('GET', '/me/authentication/methods', writer);
      assertError(appMe, 400, 'BadRequest');
      assert.equal(appMe.body.error?.message, '/me request is only valid with delegated authentication flow.');
      assertError(await call('GET', '/me/authentication/softwareOathMethods', writer), 400, 'BadRequest');
      const appDelete = await call('DELETE', `/me/authentication/fido2Methods/${othersKey.id}`, writer);
      assertError(appDelete, 400, 'BadRequest');
      await assertAuditedFailure(appDelete, 'User deleted security info');
      assert.equal((await passkeysOf(other)).length, 1);
    });

    it('refuses query options (400 naming them) and verbs Graph does not allow (405 with Allow, Graph envelope)', async () => {
      const ivy = await insertUser('ivy', { password: true });
      const key = await addPasskey(ivy);
      const base = `/users/${ivy.id}/authentication`;
      assertError(await call('GET', `${base}/methods?$select=id`, reader), 400, 'BadRequest', '$select');
      assertError(await call('GET', `${base}/softwareOathMethods?$top=1`, reader), 400, 'BadRequest', '$top');
      assertError(
        await call('GET', `${base}/fido2Methods/${key.id}?$select=displayName`, reader),
        400,
        'BadRequest',
        '$select',
      );
      assertError(await call('GET', `${base}/passwordMethods?$filter=id eq 'x'`, reader), 400, 'BadRequest', '$filter');
      const meToken = await userToken(deps, ivy.id, ['UserAuthenticationMethod.Read']);
      assertError(
        await call('GET', '/me/authentication/fido2Methods?$count=true', meToken),
        400,
        'BadRequest',
        '$count',
      );

      const refusals: [string, string, string][] = [
        ['POST', `${base}/methods`, 'GET'],
        ['POST', `${base}/softwareOathMethods`, 'GET'],
        ['POST', `${base}/fido2Methods`, 'GET'],
        ['POST', `${base}/passwordMethods`, 'GET'],
        ['PATCH', `${base}/softwareOathMethods/${newId()}`, 'GET, DELETE'],
        ['PATCH', `${base}/fido2Methods/${key.id}`, 'GET, DELETE'],
        ['PATCH', `${base}/passwordMethods/${PASSWORD_ID}`, 'GET'],
        ['DELETE', `${base}/passwordMethods/${PASSWORD_ID}`, 'GET'],
        ['POST', '/me/authentication/fido2Methods', 'GET'],
        ['DELETE', `/me/authentication/passwordMethods/${PASSWORD_ID}`, 'GET'],
      ];
      for (const [method, path, allow] of refusals) {
        const res = await call(method, path, writer, method === 'DELETE' ? undefined : { displayName: 'x' });
        assertError(res, 405, 'Request_BadRequest');
        assert.equal(res.headers.get('allow'), allow, `${method} ${path}`);
      }
      assert.equal((await passkeysOf(ivy)).length, 1);
    });

    it('the Microsoft Graph JS client deletes a user’s passkey and authenticator app by UPN', async () => {
      const jo = await insertUser('jo', { password: true });
      const app = await addApp(jo);
      const key = await addPasskey(jo, { displayName: 'Blue key' });
      const client = graphJsClient(s.url, writer);
      const listed = (await client.api('/users/jo@contoso.test/authentication/fido2Methods').get()) as {
        value: Record<string, unknown>[];
      };
      assert.deepEqual(
        listed.value.map((m) => [m.id, m.displayName]),
        [[key.id, 'Blue key']],
      );
      await client.api(`/users/jo@contoso.test/authentication/fido2Methods/${key.id}`).delete();
      await client.api(`/users/jo@contoso.test/authentication/softwareOathMethods/${app.id}`).delete();
      const after = (await client.api('/users/jo@contoso.test/authentication/methods').get()) as {
        value: Record<string, unknown>[];
      };
      assert.deepEqual(
        after.value.map((m) => m['@odata.type']),
        [TYPES.password],
      );
      assert.deepEqual(await passkeysOf(jo), []);
      assert.deepEqual(await appsOf(jo), []);
      await assert.rejects(
        client.api(`/users/jo@contoso.test/authentication/fido2Methods/${key.id}`).delete(),
        (e: { statusCode?: number; code?: string }) => {
          assert.equal(e.statusCode, 404);
          assert.equal(e.code, 'Request_ResourceNotFound');
          return true;
        },
      );
      const audit = await auditRows(deps, { activity: 'Admin deleted security info' });
      const jos = audit
        .filter((r) => r.targets[0]?.id === jo.id)
        .map((r) => [r.result, r.result === 'success' ? r.reason : 'refused']);
      assert.deepEqual(jos.sort(), [
        ['failure', 'refused'],
        ['success', 'Admin deleted Fido2 Authentication Method for user'],
        ['success', 'Admin deleted Software Oath Token method for user'],
      ]);
    });
  });
}
