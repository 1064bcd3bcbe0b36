// Delegated administration takes a multi-factor sign-in (issue #10 point 5). With security defaults off, an
// Authentication Administrator who signs in with a password alone gets a token without "mfa" in amr: every
// administrative action with it is refused with a 403 that says why, recorded in the audit log, while what any member
// may do (read their own profile) still works. The same administrator signing in with password and pass may act.
// (That a user cannot consent to an admin-only scope is delegated-graph.test.ts's.) Real sign-ins over HTTP, on
// SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { errorCatalogue } from '../../src/domain/errors.js';
import { ACR_MFA } from '../../src/domain/signin/factors.js';
import { createApplication } from '../../src/services/applications.js';
import type { Deps } from '../../src/services/deps.js';
import { grantDelegatedPermissions } from '../../src/services/permission-grants.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, auditRows, graphFetch } from '../support/graph-http.js';
import { codeAfterSignIn, postStep, startRawFlow, tokenRequest } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, securityDefaults } from '../support/sign-in-fixtures.js';

const GRAPH = 'https://graph.microsoft.com';
const REDIRECT_URI = 'http://127.0.0.1/callback';
const ADMIN_SCOPE = `openid ${GRAPH}/User.Read ${GRAPH}/UserAuthenticationMethod.ReadWrite.All`;
const PASSWORD = 'an administrator with a password only';

for (const dialect of dialects) {
  describe(`administrative actions need a multi-factor sign-in (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let app: { clientId: string; secret: string };
    let adam: UserRecord; // Authentication Administrator
    let noah: UserRecord; // a member whose methods adam manages

    /** adam signs in with his password, and then with `pass` when given (asking for MFA); the token's claims. */
    async function adamsToken(pass?: string): Promise<string> {
      const flow = await startRawFlow([s.url], app.clientId, REDIRECT_URI, undefined, {
        scope: ADMIN_SCOPE,
        ...(pass ? { acr_values: ACR_MFA } : {}),
      });
      await postStep(flow, s.url, 'username', { username: adam.userPrincipalName });
      let last = await postStep(flow, s.url, 'password', { password: PASSWORD });
      if (pass) last = await postStep(flow, s.url, 'tap', { tap: pass });
      const code = await codeAfterSignIn(flow, last, REDIRECT_URI);
      const tokens = await tokenRequest(s.url, app, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: flow.verifier!,
      });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      return tokens.body.access_token!;
    }

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, false);
      const created = await createApplication(deps, cliContext(), {
        displayName: 'Helpdesk tool',
        kind: 'web',
        redirectUris: [REDIRECT_URI],
      });
      app = { clientId: created.app.appId, secret: created.secret!.secretText };
      await grantDelegatedPermissions(deps, cliContext(), app.clientId, ['UserAuthenticationMethod.ReadWrite.All']);
      adam = await createPasswordUser(deps, 'adam', PASSWORD);
      noah = await createPasswordUser(deps, 'noah', 'noah has a passphrase of his own');
      await createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
        id: randomUUID(),
        principalId: adam.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.authenticationAdministrator,
        directoryScopeId: '/',
        createdAt: deps.clock.now(),
      });
    });
    after(async () => s?.close());

    it('a password-only token is refused for every administrative action (403 naming the rule, audited); /me still answers', async () => {
      const token = await adamsToken();
      const claims = decodeJwt(token);
      assert.ok(Array.isArray(claims.amr), 'Graph tokens carry amr');
      assert.ok(!(claims.amr as string[]).includes('mfa'), `a password alone: ${JSON.stringify(claims.amr)}`);
      assert.match(String(claims.scp), /UserAuthenticationMethod\.ReadWrite\.All/, 'the scope was granted');

      const attempts = [
        graphFetch(s.url, 'POST', `/users/${noah.id}/authentication/temporaryAccessPassMethods`, token, {
          lifetimeInMinutes: 60,
        }),
        graphFetch(s.url, 'GET', `/users/${noah.id}/authentication/methods`, token),
        graphFetch(s.url, 'GET', `/users/${noah.id}/authentication/temporaryAccessPassMethods`, token),
      ];
      for (const refused of await Promise.all(attempts)) {
        assertFetchedGraphError(refused, 403, 'Authorization_RequestDenied');
        assert.equal(refused.body.error?.message, errorCatalogue.deniedNoMultiFactor.message);
      }
      assert.equal(
        await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(noah.id),
        undefined,
        'nothing written',
      );
      const recorded = (await auditRows(deps)).filter(
        (r) => r.result === 'failure' && r.reason === errorCatalogue.deniedNoMultiFactor.message,
      );
      assert.ok(
        recorded.some((r) => r.targets[0]?.id === noah.id && r.initiatedBy.user?.id === adam.id),
        'the refused pass is recorded under his name, with the rule as its reason',
      );

      const me = await graphFetch(s.url, 'GET', '/me', token);
      assert.equal(me.status, 200, me.raw);
      assert.equal(me.body.id, adam.id);
    });

    it('the same administrator, signed in with password and pass, issues the pass', async () => {
      const issued = await issueTemporaryAccessPass(deps, cliContext(), adam.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      });
      const token = await adamsToken(issued.temporaryAccessPass);
      assert.ok((decodeJwt(token).amr as string[]).includes('mfa'));
      const created = await graphFetch(
        s.url,
        'POST',
        `/users/${noah.id}/authentication/temporaryAccessPassMethods`,
        token,
        { lifetimeInMinutes: 60 },
      );
      assert.equal(created.status, 201, created.raw);
    });
  });
}
