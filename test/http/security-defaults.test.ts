// Graph /v1.0/policies/identitySecurityDefaultsEnforcementPolicy on both databases: Entra's shape (ENTRA-REFERENCE §4),
// PATCH {isEnabled} → 204 with the write permission, 403 (audited, nothing changed) without it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createTestApp, userToken } from '../support/tokens.js';
import { assertGraphError, auditRows, graphRequest } from '../support/graph-http.js';
import { getSecurityDefaults } from '../../src/services/security-defaults.js';
import type { Deps } from '../../src/services/deps.js';

const PATH = '/v1.0/policies/identitySecurityDefaultsEnforcementPolicy';

for (const dialect of dialects) {
  describe(`Graph security defaults on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
    });
    after(() => t.close());

    it("GET returns Entra's object, on by default; $select narrows it", async () => {
      const reader = await createTestApp(deps, ['Policy.Read.All']);
      const res = await graphRequest(t.server.app, 'GET', PATH, { token: reader.token });
      assert.equal(res.status, 200, res.raw);
      assert.equal(
        res.body['@odata.context'],
        'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy',
      );
      assert.equal(res.body.id, '00000000-0000-0000-0000-000000000005');
      assert.equal(res.body.displayName, 'Security Defaults');
      assert.match(String(res.body.description), /^Security defaults is a set of basic identity security mechanisms/);
      assert.equal(res.body.isEnabled, true);
      const selected = await graphRequest(t.server.app, 'GET', `${PATH}?$select=isEnabled`, { token: reader.token });
      assert.deepEqual(selected.body, {
        '@odata.context':
          'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy(isEnabled)',
        isEnabled: true,
      });
    });

    it('PATCH with Policy.ReadWrite.SecurityDefaults → 204, stored, audited as "Update policy" with IsEnabled old/new', async () => {
      const writer = await createTestApp(deps, ['Policy.ReadWrite.SecurityDefaults']);
      const res = await graphRequest(t.server.app, 'PATCH', PATH, { token: writer.token, body: { isEnabled: false } });
      assert.equal(res.status, 204, res.raw);
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, false);
      assert.equal((await graphRequest(t.server.app, 'GET', PATH, { token: writer.token })).body.isEnabled, false);
      const audit = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.activity, 'Update policy');
      assert.equal(audit[0]?.result, 'success');
      assert.deepEqual(audit[0]?.targets[0]?.modifiedProperties, [
        { displayName: 'IsEnabled', oldValue: 'true', newValue: 'false' },
      ]);
      const back = await graphRequest(t.server.app, 'PATCH', PATH, {
        token: writer.token,
        body: { '@odata.type': '#microsoft.graph.identitySecurityDefaultsEnforcementPolicy', isEnabled: true },
      });
      assert.equal(back.status, 204, back.raw);
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, true);
    });

    it("Policy.ReadWrite.ConditionalAccess may write it too, as Graph's reference lists", async () => {
      const ca = await createTestApp(deps, ['Policy.ReadWrite.ConditionalAccess']);
      assert.equal(
        (await graphRequest(t.server.app, 'PATCH', PATH, { token: ca.token, body: { isEnabled: false } })).status,
        204,
      );
      assert.equal((await graphRequest(t.server.app, 'GET', PATH, { token: ca.token })).body.isEnabled, false);
      assert.equal(
        (await graphRequest(t.server.app, 'PATCH', PATH, { token: ca.token, body: { isEnabled: true } })).status,
        204,
      );
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, true);
    });

    it('PATCH without the write permission is a 403, audited, and changes nothing', async () => {
      const reader = await createTestApp(deps, ['Policy.Read.All', 'User.ReadWrite.All']);
      const res = await graphRequest(t.server.app, 'PATCH', PATH, { token: reader.token, body: { isEnabled: false } });
      assertGraphError(res, 403, 'Authorization_RequestDenied');
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, true);
      const [audit] = await auditRows(deps, { correlationId: String(res.headers['request-id']) });
      assert.equal(audit?.activity, 'Update policy');
      assert.equal(audit?.result, 'failure');
    });

    it('a delegated Global Administrator may toggle it; a user without a role may not', async () => {
      const admin = await deps.db
        .selectFrom('users')
        .select('id')
        .where('user_principal_name', '=', 'admin@contoso.test')
        .executeTakeFirstOrThrow();
      const token = await userToken(deps, admin.id, ['Policy.ReadWrite.SecurityDefaults']);
      assert.equal(
        (await graphRequest(t.server.app, 'PATCH', PATH, { token, body: { isEnabled: false } })).status,
        204,
      );
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, false);
      assert.equal((await graphRequest(t.server.app, 'PATCH', PATH, { token, body: { isEnabled: true } })).status, 204);

      const app = await createTestApp(deps, ['User.ReadWrite.All']);
      const created = await graphRequest(t.server.app, 'POST', '/v1.0/users', {
        token: app.token,
        body: { displayName: 'Plain', userPrincipalName: 'plain@contoso.test' },
      });
      const plain = await userToken(deps, String(created.body.id), ['Policy.ReadWrite.SecurityDefaults']);
      assertGraphError(
        await graphRequest(t.server.app, 'PATCH', PATH, { token: plain, body: { isEnabled: false } }),
        403,
        'Authorization_RequestDenied',
      );
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, true);
    });

    it('a body that is not {isEnabled: boolean} is a 400 naming the field', async () => {
      const writer = await createTestApp(deps, ['Policy.ReadWrite.SecurityDefaults']);
      assertGraphError(
        await graphRequest(t.server.app, 'PATCH', PATH, { token: writer.token, body: { isEnabled: 'no' } }),
        400,
        'Request_BadRequest',
        'isEnabled',
      );
      assertGraphError(
        await graphRequest(t.server.app, 'PATCH', PATH, { token: writer.token, body: {} }),
        400,
        'Request_BadRequest',
        'isEnabled',
      );
      assertGraphError(
        await graphRequest(t.server.app, 'PATCH', PATH, {
          token: writer.token,
          body: { isEnabled: true, displayName: 'x' },
        }),
        400,
        'Request_BadRequest',
        'displayName',
      );
      assert.equal((await getSecurityDefaults(deps.db)).isEnabled, true);
    });
  });
}
