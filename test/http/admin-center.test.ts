// The admin center's edges over HTTP, on SQLite and PostgreSQL: /admin sends a browser to sign in with the admin
// client; a /my session does not open /admin (nor the other way round); the console's forms refuse a missing or
// foreign form token; a user without a role, or without a multi-factor sign-in, is told why; `/` sends a browser to
// /my and an unknown page is an HTML 404, while API clients keep Graph's JSON.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FIRST_PARTY_APPS } from '../../src/domain/first-party-apps.js';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import type { Deps } from '../../src/services/deps.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import { getUser } from '../../src/services/users.js';
import { getTapPolicy } from '../../src/services/tap-policy.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { HTML_ACCEPT, openAdminConsole } from '../support/admin-console.js';
import { auditRows } from '../support/graph-http.js';
import { ADMIN_SESSION_COOKIE, MY_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

for (const dialect of dialects) {
  describe(`admin center edges (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let admin: UserRecord;
    let member: UserRecord;
    const now = () => Math.floor(Date.now() / 1000);
    const get = (url: string, cookie?: string, headers: Record<string, string> = HTML_ACCEPT) =>
      s.server.app.inject({ method: 'GET', url, headers: { ...headers, ...(cookie ? { cookie } : {}) } });

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      admin = await createPasswordUser(deps, 'root', 'a long passphrase for root');
      member = await createPasswordUser(deps, 'plain', 'a long passphrase for plain');
      await createRoleAssignment(deps, cliContext(), {
        principalId: admin.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.authenticationPolicyAdministrator,
        directoryScopeId: '/',
      });
    });
    after(async () => s?.close());

    it('sends a browser without a session to sign in with the Gatepass Admin Center client', async () => {
      const res = await get('/admin/users');
      assert.equal(res.statusCode, 303);
      const to = new URL(String(res.headers.location));
      assert.equal(to.pathname, '/oauth2/v2.0/authorize');
      assert.equal(to.searchParams.get('client_id'), FIRST_PARTY_APPS.admin.clientId);
      assert.equal(to.searchParams.get('redirect_uri'), `${deps.config.issuer}/admin/callback`);
      assert.match(String(res.headers['set-cookie']), /gp-admin-tx=/);
    });

    it('keeps the two apps apart: a /my session opens no /admin page, an /admin session no /my page', async () => {
      const my = await openMySession(deps, admin.id, ['pwd', 'mfa'], now());
      const mine = await get('/admin', `${ADMIN_SESSION_COOKIE}=${my.cookie}`);
      assert.equal(mine.statusCode, 303, 'a /my session id presented to /admin is unknown there');
      const console = await openMySession(deps, admin.id, ['pwd', 'mfa'], now(), undefined, 'admin');
      const theirs = await get('/my', `${MY_SESSION_COOKIE}=${console.cookie}`);
      assert.equal(theirs.statusCode, 303, 'an /admin session id presented to /my is unknown there');
      const home = await get('/admin/authentication-methods', `${ADMIN_SESSION_COOKIE}=${console.cookie}`);
      assert.equal(home.statusCode, 200, home.body.slice(0, 300));
      assert.match(home.body, /Signed in as <strong>Root<\/strong>.*Authentication Policy Administrator/s);
    });

    it('tells a user without a role, and an administrator without a multi-factor sign-in, why they cannot enter', async () => {
      const plain = await openMySession(deps, member.id, ['pwd', 'mfa'], now(), undefined, 'admin');
      const noRole = await get('/admin', `${ADMIN_SESSION_COOKIE}=${plain.cookie}`);
      assert.equal(noRole.statusCode, 403);
      assert.match(noRole.body, /You need an administrator role/);
      assert.match(noRole.body, /href="\/my"/);
      const single = await openMySession(deps, admin.id, ['pwd'], now(), undefined, 'admin');
      const noMfa = await get('/admin', `${ADMIN_SESSION_COOKIE}=${single.cookie}`);
      assert.equal(noMfa.statusCode, 403);
      assert.match(noMfa.body, /Sign in with multi-factor authentication/);
    });

    it("refuses a console form without this session's form token, changing nothing", async () => {
      const session = await openMySession(deps, admin.id, ['pwd', 'mfa'], now(), undefined, 'admin');
      const before = await getTapPolicy(deps.db);
      for (const csrf of [undefined, 'not-the-token', (await openMySession(deps, admin.id, ['mfa'], now())).csrf]) {
        const res = await s.server.app.inject({
          method: 'POST',
          url: '/admin/authentication-methods/temporary-access-pass',
          headers: {
            cookie: `${ADMIN_SESSION_COOKIE}=${session.cookie}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: new URLSearchParams({ ...(csrf ? { csrf } : {}), include: 'all_users' }).toString(),
        });
        assert.equal(res.statusCode, 403, `csrf ${String(csrf)}`);
      }
      assert.deepEqual(await getTapPolicy(deps.db), before, 'the policy did not change (it would be disabled)');
    });

    it('sends a browser at / to /my and answers an unknown page with HTML; API clients keep Graph JSON', async () => {
      const root = await get('/');
      assert.equal(root.statusCode, 303);
      assert.equal(root.headers.location, '/my');
      const rootApi = await get('/', undefined, { accept: 'application/json' });
      assert.equal(rootApi.statusCode, 404);
      assert.equal(rootApi.json().error.code, 'BadRequest', "Graph's answer for an unknown segment");
      const page = await get('/no/such/page');
      assert.equal(page.statusCode, 404);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.match(page.body, /Page not found/);
      const api = await get('/v1.0/nothing', undefined, HTML_ACCEPT);
      assert.equal(api.statusCode, 404);
      assert.match(String(api.headers['content-type']), /application\/json/, 'Graph paths stay JSON for any client');
    });

    it('disables, enables, resets the password of, revokes and clears the lock-out of a user from their Overview', async () => {
      const ga = await openAdminConsole(s, 'chief', ROLE_TEMPLATE_IDS.globalAdministrator);
      const target = await createPasswordUser(deps, 'target', 'a long passphrase for the target');
      const post = (action: string, csrf = ga.csrf) => ga.post(`/admin/users/${target.id}/${action}`, { csrf });
      const overview = await ga.get(`/admin/users/${target.id}`);
      assert.equal(overview.statusCode, 200, overview.body.slice(0, 300));
      for (const label of ['Disable account', 'Reset password', 'Revoke sessions'])
        assert.match(overview.body, new RegExp(`>${label}</button>`));
      assert.match(overview.body, /id="lockout-state">Not locked out\. 0 failed sign-ins counted/);

      assert.equal((await post('disable', 'wrong')).statusCode, 403, 'a form without the token changes nothing');
      assert.equal((await getUser(deps, cliContext(), target.id)).accountEnabled, true);
      const disabled = await post('disable');
      assert.equal(disabled.statusCode, 200);
      assert.match(disabled.body, /The account is disabled/);
      assert.equal((await getUser(deps, cliContext(), target.id)).accountEnabled, false);
      assert.match((await post('enable')).body, /The account is enabled/);

      const reset = await post('reset-password');
      const shown = /id="temporary-password">([^<]+)</.exec(reset.body)?.[1];
      assert.ok(shown, 'the temporary password is shown once');
      const after = await getUser(deps, cliContext(), target.id);
      assert.equal(after.forceChangePassword, true, 'to be changed at the next sign-in');
      assert.ok(await deps.hasher.verify(after.passwordHash!, shown!), 'the shown password is the one set');
      assert.doesNotMatch((await ga.get(`/admin/users/${target.id}`)).body, /temporary-password/);

      assert.match((await post('revoke-sessions')).body, /sessions were revoked/);
      assert.match((await post('clear-lockout')).body, /failed sign-ins are cleared/);
      const audit = (await auditRows(deps)).filter((r) => r.targets[0]?.id === target.id).map((r) => r.activity);
      for (const activity of ['Disable account', 'Enable account', 'Reset user password', 'Unlock user sign-in'])
        assert.ok(
          audit.some((a) => a.startsWith(activity.split(' ')[0]!)),
          `${activity} in ${audit.join(', ')}`,
        );
      assert.equal((await post('no-such-action')).statusCode, 404);
    });
  });
}
