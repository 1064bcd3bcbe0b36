// Graph /v1.0/me on both databases: the signed-in user of a delegated token, as /users/{id} answers it ($select too),
// with a scope that reads users; a token without one is a 403, and an app token gets Graph's 400.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Deps } from '../../src/services/deps.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, graphRequest } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser } from '../support/sign-in-fixtures.js';
import { createTestApp, userToken } from '../support/tokens.js';

const GRAPH_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';

for (const dialect of dialects) {
  describe(`Graph /me on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let maya: UserRecord;
    before(async () => {
      t = await startTestServer(dialect);
      deps = t.runtime.deps;
      maya = await createPasswordUser(deps, 'maya', 'maya has a long unusual passphrase');
    });
    after(() => t.close());

    it('answers the signed-in user with User.Read, as /users/{id} does', async () => {
      const token = await userToken(deps, maya.id, ['User.Read']);
      const me = await graphRequest(t.server.app, 'GET', '/v1.0/me', { token });
      assert.equal(me.status, 200, me.raw);
      assert.equal(me.body['@odata.context'], `${GRAPH_CONTEXT}#users/$entity`);
      assert.equal(me.body.id, maya.id);
      assert.equal(me.body.userPrincipalName, maya.userPrincipalName);
      assert.equal(me.body.displayName, maya.displayName);
      const byId = await createTestApp(deps, ['User.Read.All']);
      const same = await graphRequest(t.server.app, 'GET', `/v1.0/users/${maya.id}`, { token: byId.token });
      assert.deepEqual(me.body, same.body);
    });

    it('takes $select like /users/{id}, and refuses other options', async () => {
      const token = await userToken(deps, maya.id, ['User.Read']);
      const me = await graphRequest(t.server.app, 'GET', '/v1.0/me?$select=id,displayName', { token });
      assert.equal(me.status, 200, me.raw);
      assert.equal(me.body['@odata.context'], `${GRAPH_CONTEXT}#users(id,displayName)/$entity`);
      assert.deepEqual(Object.keys(me.body).sort(), ['@odata.context', 'displayName', 'id']);
      assertGraphError(await graphRequest(t.server.app, 'GET', '/v1.0/me?$select=nope', { token }), 400, 'BadRequest');
      const expand = await graphRequest(t.server.app, 'GET', '/v1.0/me?$expand=manager', { token });
      assert.equal(expand.status, 400, expand.raw);
    });

    it('any scope that reads users will do; a scope that reads no users is a 403', async () => {
      for (const scope of ['User.Read.All', 'Directory.Read.All', 'User.ReadWrite.All']) {
        const me = await graphRequest(t.server.app, 'GET', '/v1.0/me', {
          token: await userToken(deps, maya.id, [scope]),
        });
        assert.equal(me.status, 200, `${scope}: ${me.raw}`);
        assert.equal(me.body.id, maya.id);
      }
      const none = await graphRequest(t.server.app, 'GET', '/v1.0/me', {
        token: await userToken(deps, maya.id, ['UserAuthenticationMethod.Read']),
      });
      assertGraphError(none, 403, 'Authorization_RequestDenied');
    });

    it('an app token has no "me": Graph\'s 400', async () => {
      const app = await createTestApp(deps, ['User.Read.All']);
      const res = await graphRequest(t.server.app, 'GET', '/v1.0/me', { token: app.token });
      const error = assertGraphError(res, 400, 'BadRequest');
      assert.equal(error.message, '/me request is only valid with delegated authentication flow.');
    });

    it('without a token: 401', async () => {
      const res = await graphRequest(t.server.app, 'GET', '/v1.0/me');
      assert.equal(res.status, 401);
    });
  });
}
