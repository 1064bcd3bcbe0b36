// Graph /policies/authenticationMethodsPolicy and its TemporaryAccessPass configuration on both databases: shapes,
// PATCH merge → 204, each rule refused whole (400 naming it, audited, nothing changed), DELETE reset keeping state,
// and who may read and write.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllowedHostsValidator,
  apiClientProxifier,
  BaseBearerTokenAuthenticationProvider,
  type RequestInformation,
} from '@microsoft/kiota-abstractions';
import { GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import {
  createAuthenticationMethodConfigurationFromDiscriminatorValue,
  serializeTemporaryAccessPassAuthenticationMethodConfiguration,
  type TemporaryAccessPassAuthenticationMethodConfiguration,
} from '@microsoft/msgraph-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import type { Deps } from '../../src/services/deps.js';
import { getTapPolicy } from '../../src/services/tap-policy.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import { createTestApp, userToken } from '../support/tokens.js';
import { createPasswordUser } from '../support/sign-in-fixtures.js';

const POLICY = '/v1.0/policies/authenticationMethodsPolicy';
const CONFIG = `${POLICY}/authenticationMethodConfigurations/TemporaryAccessPass`;
const TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration';

for (const dialect of dialects) {
  describe(`Graph authentication methods policy on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let policyWriter: string;
    let policyReader: string;
    let methodsWriter: string;

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      policyWriter = (await createTestApp(deps, ['Policy.ReadWrite.AuthenticationMethod'])).token;
      policyReader = (await createTestApp(deps, ['Policy.Read.All'])).token;
      methodsWriter = (await createTestApp(deps, ['UserAuthenticationMethod.ReadWrite.All'])).token;
    });
    after(() => t.close());

    const patch = (body: unknown, token = policyWriter, path = CONFIG) =>
      graphRequest(t.server.app, 'PATCH', path, { token, body });

    it('GET the parent policy: Graph shape with the TAP configuration typed, Entra defaults, enabled from the first start', async () => {
      const res = await graphRequest(t.server.app, 'GET', POLICY, { token: policyReader });
      assert.equal(res.status, 200, res.raw);
      const b = res.body;
      assert.equal(b['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#authenticationMethodsPolicy');
      assert.equal(b.id, 'authenticationMethodsPolicy');
      assert.equal(b.displayName, 'Authentication Methods Policy');
      assert.match(String(b.description), /^The tenant-wide policy/);
      assert.ok(!Number.isNaN(Date.parse(String(b.lastModifiedDateTime))));
      assert.equal(typeof b.policyVersion, 'string');
      assert.equal(b.policyMigrationState, 'migrationComplete');
      assert.ok(b.registrationEnforcement && typeof b.registrationEnforcement === 'object');
      const configs = b.authenticationMethodConfigurations as Record<string, unknown>[];
      assert.equal(configs.length, 1);
      assert.deepEqual(configs[0], {
        '@odata.type': TYPE,
        id: 'TemporaryAccessPass',
        state: 'enabled',
        defaultLifetimeInMinutes: 60,
        defaultLength: 8,
        minimumLifetimeInMinutes: 60,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: false,
        includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
        excludeTargets: [],
        gatepassSignInFlow: 'passwordFirst',
        gatepassDefaultPurpose: 'access',
        gatepassRetireAfterRegistration: true,
        gatepassOneTimeRetry: false,
        gatepassRegistrationWindowInMinutes: 10,
        gatepassNotifyAccountHolder: true,
      });
    });

    it('GET the configuration by id, case-insensitively; other ids 404; query options 400', async () => {
      for (const id of ['TemporaryAccessPass', 'temporaryAccessPass', 'TEMPORARYACCESSPASS']) {
        const res = await graphRequest(t.server.app, 'GET', `${POLICY}/authenticationMethodConfigurations/${id}`, {
          token: policyReader,
        });
        assert.equal(res.status, 200, res.raw);
        assert.equal(
          res.body['@odata.context'],
          'https://graph.microsoft.com/v1.0/$metadata#authenticationMethodConfigurations/$entity',
        );
        assert.equal(res.body['@odata.type'], TYPE);
        assert.equal(res.body.id, 'TemporaryAccessPass');
        assert.match(
          String(res.body['includeTargets@odata.context']),
          /^https:\/\/graph\.microsoft\.com\/v1\.0\/\$metadata#policies\/authenticationMethodsPolicy/,
        );
      }
      assertGraphError(
        await graphRequest(t.server.app, 'GET', `${POLICY}/authenticationMethodConfigurations/Fido2`, {
          token: policyReader,
        }),
        404,
        'Request_ResourceNotFound',
        'id',
      );
      assertGraphError(
        await graphRequest(t.server.app, 'GET', `${CONFIG}?$select=state`, { token: policyReader }),
        400,
        'BadRequest',
        '$select',
      );
    });

    it('PATCH merges (204): absent properties keep their values; @odata.type and a GET round trip are accepted; audited', async () => {
      let res = await patch({ '@odata.type': TYPE, isUsableOnce: true });
      assert.equal(res.status, 204, res.raw);
      assert.equal(res.raw, '');
      let p = await getTapPolicy(deps.db);
      assert.equal(p.isUsableOnce, true);
      assert.equal(p.defaultLifetimeInMinutes, 60);
      const audit = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.result, 'success');
      assert.deepEqual(audit[0]?.targets[0]?.modifiedProperties, [
        { displayName: 'isUsableOnce', oldValue: 'false', newValue: 'true' },
      ]);

      res = await patch({
        minimumLifetimeInMinutes: 10,
        defaultLifetimeInMinutes: 30,
        maximumLifetimeInMinutes: 43200,
        defaultLength: 48,
        isUsableOnce: false,
      });
      assert.equal(res.status, 204, res.raw);
      p = await getTapPolicy(deps.db);
      assert.deepEqual(
        [p.minimumLifetimeInMinutes, p.defaultLifetimeInMinutes, p.maximumLifetimeInMinutes, p.defaultLength],
        [10, 30, 43200, 48],
      );

      const got = await graphRequest(t.server.app, 'GET', CONFIG, { token: policyWriter });
      res = await patch(got.body);
      assert.equal(res.status, 204, `GET → PATCH round trip: ${res.raw}`);
    });

    it('a PATCH that breaks any rule is refused whole with a 400 naming it, audited, nothing changed', async () => {
      const before = await getTapPolicy(deps.db);
      for (const [body, target] of [
        [{ defaultLength: 7 }, 'defaultLength'],
        [{ defaultLength: 49 }, 'defaultLength'],
        [{ minimumLifetimeInMinutes: 9 }, 'minimumLifetimeInMinutes'],
        [{ maximumLifetimeInMinutes: 43201 }, 'maximumLifetimeInMinutes'],
        [
          { defaultLifetimeInMinutes: 60, minimumLifetimeInMinutes: 120, maximumLifetimeInMinutes: 480 },
          'defaultLifetimeInMinutes',
        ],
        [
          { minimumLifetimeInMinutes: 500, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 480 },
          'minimumLifetimeInMinutes',
        ],
        [{ state: 'on', defaultLength: 12 }, 'state'],
        [{ isUsableOnce: true, colour: 'blue' }, 'colour'],
        [{ '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration' }, '@odata.type'],
        [{ excludeTargets: [{ targetType: 'group', id: 'all_users' }] }, 'excludeTargets.0.id'],
        [{ includeTargets: [{ targetType: 'user', id: 'all_users' }] }, 'includeTargets.0.targetType'],
      ] as const) {
        const res = await patch(body);
        assertGraphError(res, 400, 'badRequest', target);
        const audit = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
        assert.deepEqual(
          audit.map((a) => a.result),
          ['failure'],
          `refusal of ${JSON.stringify(body)} audited`,
        );
        assert.deepEqual(await getTapPolicy(deps.db), before, `nothing of ${JSON.stringify(body)} applied`);
      }
    });

    it("DELETE resets to Entra's defaults but keeps state (204)", async () => {
      assert.equal((await patch({ state: 'disabled', defaultLength: 20, isUsableOnce: true })).status, 204);
      const res = await graphRequest(t.server.app, 'DELETE', CONFIG, { token: policyWriter });
      assert.equal(res.status, 204, res.raw);
      const p = await getTapPolicy(deps.db);
      assert.equal(p.state, 'disabled', 'a reset does not re-enable passes');
      assert.equal(p.defaultLength, 8);
      assert.equal(p.isUsableOnce, false);
      assert.deepEqual(
        [p.minimumLifetimeInMinutes, p.defaultLifetimeInMinutes, p.maximumLifetimeInMinutes],
        [60, 60, 480],
      );
      assert.equal((await patch({ state: 'enabled' })).status, 204);
    });

    it('who may: Policy.ReadWrite.AuthenticationMethod writes; UserAuthenticationMethod.ReadWrite.All and Policy.Read.All may not (403, audited); GA and APA users may', async () => {
      for (const token of [methodsWriter, policyReader]) {
        const res = await patch({ defaultLength: 10 }, token);
        assertGraphError(res, 403, 'Authorization_RequestDenied');
        assert.deepEqual(
          (await auditRows(deps, { correlationId: String(res.headers['request-id']) })).map((a) => a.result),
          ['failure'],
        );
        assertGraphError(
          await graphRequest(t.server.app, 'DELETE', CONFIG, { token }),
          403,
          'Authorization_RequestDenied',
        );
      }
      assertGraphError(
        await graphRequest(t.server.app, 'GET', CONFIG, { token: methodsWriter }),
        403,
        'Authorization_RequestDenied',
      );
      assertGraphError(
        await graphRequest(t.server.app, 'GET', POLICY, { token: methodsWriter }),
        403,
        'Authorization_RequestDenied',
      );
      assertGraphError(
        await graphRequest(t.server.app, 'PATCH', CONFIG, { body: { defaultLength: 10 } }),
        401,
        'InvalidAuthenticationToken',
      );
      assert.equal((await getTapPolicy(deps.db)).defaultLength, 8);

      // Delegated: a plain user with the scope but no role may not; the Authentication Policy Administrator may.
      const user = await createPasswordUser(deps, 'pat', 'Correct-Horse-Battery-Staple-9');
      const plain = await userToken(deps, user.id, ['Policy.ReadWrite.AuthenticationMethod']);
      assertGraphError(await patch({ defaultLength: 10 }, plain), 403, 'Authorization_RequestDenied');
      await deps.db
        .insertInto('role_assignments')
        .values({
          id: crypto.randomUUID(),
          principal_id: user.id,
          role_definition_id: '0526716b-113d-4c15-b2c8-68e3c22b9f80',
          directory_scope_id: '/',
          created_at: Date.now(),
        })
        .execute();
      const apa = await userToken(deps, user.id, ['Policy.ReadWrite.AuthenticationMethod']);
      const res = await patch({ defaultLength: 10 }, apa);
      assert.equal(res.status, 204, res.raw);
      assert.equal((await getTapPolicy(deps.db)).defaultLength, 10);
    });

    it('the Kiota SDK (MICROSOFT-CLIENTS.md §3 recipe) reads the configuration as its derived type and PATCHes it', async () => {
      const auth = new BaseBearerTokenAuthenticationProvider({
        getAuthorizationToken: async () => policyWriter,
        getAllowedHostsValidator: () => new AllowedHostsValidator(new Set(['127.0.0.1'])),
      });
      const adapter = new GraphRequestAdapter(auth);
      adapter.baseUrl = `${t.url}/v1.0`;
      const uriTemplate =
        '{+baseurl}/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{authenticationMethodConfiguration%2Did}{?%24expand,%24select}';
      const m = {
        uriTemplate,
        responseBodyContentType: 'application/json',
        errorMappings: { XXX: createODataErrorFromDiscriminatorValue },
        adapterMethodName: 'send',
        responseBodyFactory: createAuthenticationMethodConfigurationFromDiscriminatorValue,
      };
      const tapConfig = apiClientProxifier<{
        get(): Promise<TemporaryAccessPassAuthenticationMethodConfiguration | undefined>;
        patch(body: TemporaryAccessPassAuthenticationMethodConfiguration): Promise<unknown>;
        toGetRequestInformation(): RequestInformation;
      }>(
        adapter,
        { baseurl: adapter.baseUrl, 'authenticationMethodConfiguration%2Did': 'TemporaryAccessPass' },
        undefined,
        {
          get: m,
          patch: {
            ...m,
            requestBodyContentType: 'application/json',
            requestInformationContentSetMethod: 'setContentFromParsable',
            requestBodySerializer: serializeTemporaryAccessPassAuthenticationMethodConfiguration,
          },
        } as never,
      );
      const got = await tapConfig.get();
      assert.equal(got?.odataType, TYPE);
      assert.equal(got?.defaultLength, 10);
      await tapConfig.patch({ odataType: TYPE, state: 'enabled', defaultLifetimeInMinutes: 120 });
      const p = await getTapPolicy(deps.db);
      assert.equal(p.defaultLifetimeInMinutes, 120);
      assert.equal(p.defaultLength, 10, 'absent properties kept');
    });
  });
}
