// Delegated Graph tokens obtained for real: a user signs in (password + Temporary Access Pass, security defaults on)
// through the sign-in pages over plain HTTP, the app redeems the code, and the token's `scp` drives the Graph
// `/me/authentication/…` and `/users/{id}/authentication/…` endpoints through the Microsoft Graph JS client:
// self-only scopes reach only the user's own methods, admin scopes only as far as the user's directory roles, and
// never to the administrator's own credentials; a password reset ends the user's access and refresh tokens.
// Unknown scopes are refused at the authorization request. On SQLite and on PostgreSQL.

import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { graphJsClient } from '../support/graph-js-client.js';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { assignAppRole } from '../../src/services/app-roles.js';
import { createApplication } from '../../src/services/applications.js';
import {
  deletePermissionGrant,
  grantDelegatedPermissions,
  listPermissionGrants,
} from '../../src/services/permission-grants.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { postStep, type RawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, securityDefaults } from '../support/sign-in-fixtures.js';

const GRAPH = 'https://graph.microsoft.com';
const REDIRECT_URI = 'http://127.0.0.1/callback';
const RW = `${GRAPH}/UserAuthenticationMethod.ReadWrite`;
const RW_ALL = `${GRAPH}/UserAuthenticationMethod.ReadWrite.All`;

interface Person {
  user: UserRecord;
  password: string;
  pass: string;
  passId: string;
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
  scope?: string;
}

interface App {
  clientId: string;
  secret: string;
}

const basic = (app: App) =>
  `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.secret)}`).toString('base64')}`;
const statusOf = (status: number) => (e: { statusCode?: number }) => {
  assert.equal(e.statusCode, status);
  return true;
};

for (const dialect of dialects) {
  describe(`delegated Graph tokens from a real sign-in (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let firstParty: App;
    let maya: Person; // signs in for herself
    let noah: Person; // whose methods administrators reach for
    let ivy: Person; // no directory role
    let adam: Person; // Authentication Administrator
    let pia: Person; // Privileged Authentication Administrator
    let otto: Person; // Global Administrator
    let rita: Person; // whose password the helpdesk app resets

    async function person(name: string): Promise<Person> {
      const password = `${name} has a long unusual passphrase`;
      const user = await createPasswordUser(deps, name, password);
      // Multi-use, so one person can sign in several times with different scopes.
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: false,
      });
      return { user, password, pass: issued.temporaryAccessPass, passId: issued.pass.id };
    }

    async function webApp(requireConsent = false): Promise<App> {
      const { app, secret } = await createApplication(deps, cliContext(), {
        displayName: `Delegated ${randomUUID().slice(0, 6)}`,
        kind: 'web',
        redirectUris: [REDIRECT_URI],
        requireConsent,
      });
      return { clientId: app.appId, secret: secret!.secretText };
    }

    /** A GET that keeps the flow's cookies (as raw-sign-in's steps do) and never follows redirects. */
    async function get(flow: Pick<RawFlow, 'cookies'>, url: string) {
      const cookie = [...flow.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        flow.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
      }
      return { status: res.status, location: res.headers.get('location'), html: await res.text() };
    }

    function authorizeUrl(app: App, scope: string, challenge: string, state: string): string {
      const query = new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope,
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      return `${s.url}/oauth2/v2.0/authorize?${query}`;
    }

    /** The authorization request alone: where the browser is sent (the sign-in page, or the app with an error). */
    async function authorize(app: App, scope: string) {
      const flow = { cookies: new Map<string, string>() };
      const res = await get(flow, authorizeUrl(app, scope, 'x'.repeat(43), 'st'));
      return { ...res, flow };
    }

    /** Signs `who` in with password + pass asking for `scope`, accepts consent when asked, redeems the code. */
    async function signIn(
      who: Person,
      scope: string,
      app: App = firstParty,
      listed?: string[],
    ): Promise<Tokens & { claims: JWTPayload; consentPage?: string }> {
      let consentPage: string | undefined;
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = randomBytes(8).toString('hex');
      const cookies = new Map<string, string>();
      const start = await get({ cookies }, authorizeUrl(app, scope, challenge, state));
      assert.equal(
        start.status,
        303,
        `authorize answered ${start.status}: ${start.location ?? start.html.slice(0, 200)}`,
      );
      const pagePath = new URL(start.location!, s.url).pathname;
      const page = await get({ cookies }, `${s.url}${pagePath}`);
      const flow: RawFlow = {
        origins: [s.url],
        cookies,
        uid: pagePath.split('/').pop()!,
        csrf: /name="csrf" value="([^"]+)"/.exec(page.html)![1]!,
        html: page.html,
      };
      await postStep(flow, s.url, 'username', { username: who.user.userPrincipalName });
      await postStep(flow, s.url, 'password', { password: who.password });
      assert.match(flow.html, /Enter Temporary Access Pass/, 'security defaults: the password is followed by the pass');
      let step = await postStep(flow, s.url, 'tap', { tap: who.pass });
      assert.equal(step.status, 303, `the pass completes the sign-in: ${step.html.slice(0, 300)}`);
      let next = await get(flow, new URL(step.location!, s.url).href);
      if (next.location && new URL(next.location, s.url).pathname.startsWith('/signin/')) {
        // Consent: the page of a requireConsent app.
        const consentPath = new URL(next.location, s.url).pathname;
        const consent = await get(flow, `${s.url}${consentPath}`);
        assert.match(consent.html, /Permissions requested/);
        consentPage = consent.html;
        // The user sees every Graph permission the app would act with on their behalf.
        for (const name of listed ??
          scope
            .split(' ')
            .filter((x) => x.includes('/'))
            .map((x) => x.split('/').pop()!))
          assert.match(
            consent.html,
            new RegExp(`<li>[^<]*\\b${name.replace(/\./g, '\\.')}</li>`),
            `the consent page lists ${name}`,
          );
        flow.uid = consentPath.split('/').pop()!;
        flow.csrf = /name="csrf" value="([^"]+)"/.exec(consent.html)![1]!;
        step = await postStep(flow, s.url, 'consent', { decision: 'accept' });
        next = await get(flow, new URL(step.location!, s.url).href);
      }
      const back = new URL(next.location!);
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI, `back at the app: ${next.location}`);
      assert.equal(back.searchParams.get('state'), state);
      const code = back.searchParams.get('code');
      assert.ok(code, `a code, not ${back.searchParams.get('error')}: ${back.searchParams.get('error_description')}`);
      const tokens = await token(app, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      return { ...tokens, claims: decodeJwt(tokens.access_token), consentPage };
    }

    async function token(app: App, form: Record<string, string>): Promise<Tokens> {
      const res = await fetch(`${s.url}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(app) },
        body: new URLSearchParams(form),
      });
      const body = (await res.json()) as Tokens & { error?: string; error_description?: string };
      assert.equal(res.status, 200, `token endpoint: ${body.error}: ${body.error_description}`);
      return body;
    }

    function graph(accessToken: string): Client {
      return graphJsClient(s.url, accessToken);
    }

    const typesOf = async (client: Client, path: string) =>
      ((await client.api(path).get()) as { value: { '@odata.type': string }[] }).value
        .map((m) => m['@odata.type'])
        .sort();

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, true);
      firstParty = await webApp();
      // UserAuthenticationMethod.ReadWrite.All is admin-only: an administrator grants it to the app for every user.
      await grantDelegatedPermissions(deps, cliContext(), firstParty.clientId, [
        'UserAuthenticationMethod.ReadWrite.All',
      ]);
      maya = await person('maya');
      noah = await person('noah');
      ivy = await person('ivy');
      adam = await person('adam');
      pia = await person('pia');
      otto = await person('otto');
      rita = await person('rita');
      const assign = (who: Person, roleDefinitionId: string) =>
        createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
          id: randomUUID(),
          principalId: who.user.id,
          roleDefinitionId,
          directoryScopeId: '/',
          createdAt: deps.clock.now(),
        });
      await assign(adam, ROLE_TEMPLATE_IDS.authenticationAdministrator);
      await assign(pia, ROLE_TEMPLATE_IDS.privilegedAuthenticationAdministrator);
      await assign(otto, ROLE_TEMPLATE_IDS.globalAdministrator);
    });
    after(async () => s?.close());

    it('issues a Graph token with scp for UserAuthenticationMethod.ReadWrite; /me/authentication/methods lists password and pass', async () => {
      const tokens = await signIn(maya, `openid profile offline_access ${RW}`);
      const { payload, protectedHeader } = await jwtVerify(
        tokens.access_token,
        createRemoteJWKSet(new URL(`${s.url}/discovery/v2.0/keys`)),
        { issuer: s.url, audience: GRAPH },
      );
      assert.equal(protectedHeader.typ, 'JWT');
      assert.equal(payload.scp, 'UserAuthenticationMethod.ReadWrite');
      assert.equal(payload.oid, maya.user.id);
      assert.equal(payload.tid, deps.tenant.id);
      assert.equal(payload.idtyp, 'user');
      assert.equal(payload.appid, firstParty.clientId);
      assert.equal(payload.roles, undefined);

      const client = graph(tokens.access_token);
      assert.deepEqual(await typesOf(client, '/me/authentication/methods'), [
        '#microsoft.graph.passwordAuthenticationMethod',
        '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      ]);
      const passes = (await client.api('/me/authentication/temporaryAccessPassMethods').get()) as {
        value: { id: string }[];
      };
      assert.deepEqual(
        passes.value.map((p) => p.id),
        [maya.passId],
      );

      // A refreshed token keeps the granted scopes.
      assert.ok(tokens.refresh_token, 'offline_access: a refresh token');
      const refreshed = await token(firstParty, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
      const again = decodeJwt(refreshed.access_token);
      assert.equal(again.scp, 'UserAuthenticationMethod.ReadWrite');
      assert.equal(again.aud, GRAPH);
      assert.equal((await graph(refreshed.access_token).api('/me/authentication/methods').get()).value.length, 2);
    });

    it('bare names (User.Read) and .default are Graph scopes too; .default is the self-service set plus what the app was granted', async () => {
      const bare = await signIn(maya, 'openid User.Read UserAuthenticationMethod.Read');
      assert.equal(bare.claims.scp, 'User.Read UserAuthenticationMethod.Read');
      assert.equal(bare.claims.aud, GRAPH);
      // The first-party app holds a tenant-wide grant of UserAuthenticationMethod.ReadWrite.All (before()).
      const all = await signIn(maya, `openid ${GRAPH}/.default`);
      assert.equal(
        all.claims.scp,
        'User.Read UserAuthenticationMethod.ReadWrite UserAuthenticationMethod.ReadWrite.All',
      );
      assert.deepEqual((await typesOf(graph(all.access_token), '/me/authentication/methods')).length, 2);
      // An app nobody granted anything gets the self-service set alone.
      const ungranted = await signIn(maya, `openid ${GRAPH}/.default`, await webApp());
      assert.equal(ungranted.claims.scp, 'User.Read UserAuthenticationMethod.ReadWrite');
    });

    it('self-only scopes: read-only cannot delete, nor reach another user; ReadWrite deletes the own pass (audited)', async () => {
      const readOnly = await signIn(maya, `openid ${GRAPH}/UserAuthenticationMethod.Read`);
      assert.equal(readOnly.claims.scp, 'UserAuthenticationMethod.Read');
      const reader = graph(readOnly.access_token);
      assert.equal(
        (await reader.api('/me/authentication/methods').get()).value.length,
        2,
        'Read lists the own methods',
      );
      await assert.rejects(
        reader.api(`/me/authentication/temporaryAccessPassMethods/${maya.passId}`).delete(),
        statusOf(403),
      );
      assert.ok(
        await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(maya.user.id),
        'the refused delete left the pass',
      );

      const readWrite = await signIn(maya, `openid ${RW}`);
      const writer = graph(readWrite.access_token);
      await assert.rejects(writer.api(`/users/${noah.user.id}/authentication/methods`).get(), statusOf(403));
      await assert.rejects(
        writer.api(`/users/${noah.user.id}/authentication/temporaryAccessPassMethods/${noah.passId}`).delete(),
        statusOf(403),
      );
      await assert.rejects(
        reader.api(`/users/${noah.user.userPrincipalName}/authentication/methods`).get(),
        statusOf(403),
      );

      await writer.api(`/me/authentication/temporaryAccessPassMethods/${maya.passId}`).delete();
      assert.equal(await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(maya.user.id), undefined);
      // Her token came from a sign-in with that pass: it ended with the pass (issue #8 point 4).
      await assert.rejects(writer.api('/me/authentication/methods').get(), statusOf(401));
      // Both attempts are in the audit log under her name: the refused one (read-only scope) and the delete.
      const audit = await deps.db
        .selectFrom('audit_events')
        .select(['result'])
        .where('initiated_by_user_id', '=', maya.user.id)
        .where('activity_display_name', '=', 'User deleted security info')
        .execute();
      assert.deepEqual(audit.map((r) => r.result).sort(), ['failure', 'success']);
    });

    it('UserAuthenticationMethod.ReadWrite.All acts only within the directory roles: refused without one, allowed to an Authentication Administrator', async () => {
      const plain = await signIn(ivy, `openid ${RW_ALL}`);
      assert.equal(plain.claims.scp, 'UserAuthenticationMethod.ReadWrite.All');
      const noRole = graph(plain.access_token);
      await assert.rejects(noRole.api(`/users/${noah.user.id}/authentication/methods`).get(), statusOf(403));
      await assert.rejects(
        noRole.api(`/users/${noah.user.id}/authentication/temporaryAccessPassMethods/${noah.passId}`).delete(),
        statusOf(403),
      );
      assert.ok(
        await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(noah.user.id),
        "noah's pass is still there",
      );
      assert.equal(
        (await noRole.api('/me/authentication/methods').get()).value.length,
        2,
        'the same scope still reads her own methods',
      );

      const admin = graph((await signIn(adam, `openid ${RW_ALL}`)).access_token);
      assert.deepEqual(await typesOf(admin, `/users/${noah.user.id}/authentication/methods`), [
        '#microsoft.graph.passwordAuthenticationMethod',
        '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      ]);
      await admin
        .api(`/users/${noah.user.userPrincipalName}/authentication/temporaryAccessPassMethods/${noah.passId}`)
        .delete();
      assert.equal(await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(noah.user.id), undefined);
    });

    it('"not on self": a Privileged Authentication Administrator, who may change anyone\'s credentials, may not change her own through the admin path', async () => {
      // Only the not-on-self rule can refuse here: the scope covers the action, and the role reaches every user,
      // privileged ones included (she is privileged herself) — as the request on another administrator shows.
      const admin = graph((await signIn(pia, `openid ${RW_ALL}`)).access_token);
      await assert.rejects(
        admin.api(`/users/${pia.user.id}/authentication/temporaryAccessPassMethods/${pia.passId}`).delete(),
        statusOf(403),
      );
      await assert.rejects(
        admin.api(`/users/${pia.user.id}/authentication/temporaryAccessPassMethods`).post({ lifetimeInMinutes: 60 }),
        statusOf(403),
      );
      assert.equal(
        (await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(pia.user.id))?.id,
        pia.passId,
        'her pass is untouched',
      );
      const issued = (await admin
        .api(`/users/${otto.user.id}/authentication/temporaryAccessPassMethods`)
        .post({ lifetimeInMinutes: 60 })) as { id: string };
      assert.equal(
        (await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(otto.user.id))?.id,
        issued.id,
        'another administrator: allowed',
      );
    });

    it("a password reset through Graph ends the user's delegated access token and refresh token at once", async () => {
      const tokens = await signIn(rita, `openid offline_access ${RW}`);
      assert.ok(tokens.refresh_token);
      const before = graph(tokens.access_token);
      assert.equal((await before.api('/me/authentication/methods').get()).value.length, 2);
      // The helpdesk app: User.ReadWrite.All with User Administrator on its service principal, as Entra requires.
      const { app: helpdesk, secret } = await createApplication(deps, cliContext(), {
        displayName: 'Helpdesk automation',
        kind: 'daemon',
        permissions: ['User.ReadWrite.All'],
      });
      await assignAppRole(deps, cliContext(), helpdesk.appId, 'User Administrator');
      const appTokens = await token(
        { clientId: helpdesk.appId, secret: secret!.secretText },
        { grant_type: 'client_credentials', scope: `${GRAPH}/.default` },
      );
      await graph(appTokens.access_token)
        .api(`/users/${rita.user.id}`)
        .patch({
          passwordProfile: { password: 'rita chose a brand new passphrase', forceChangePasswordNextSignIn: false },
        });

      await assert.rejects(before.api('/me/authentication/methods').get(), statusOf(401));
      const refreshed = await fetch(`${s.url}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(firstParty) },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
      });
      assert.equal(refreshed.status, 400, 'the refresh token no longer works');
      assert.equal(((await refreshed.json()) as { error: string }).error, 'invalid_grant');
    });

    it('an app that requires consent gets the delegated scopes once the user accepts them', async () => {
      const thirdParty = await webApp(true);
      const tokens = await signIn(adam, `openid ${GRAPH}/User.Read ${RW}`, thirdParty);
      assert.equal(tokens.claims.scp, 'User.Read UserAuthenticationMethod.ReadWrite');
      assert.equal(tokens.claims.appid, thirdParty.clientId);
      assert.equal((await graph(tokens.access_token).api('/me/authentication/methods').get()).value.length, 2);
    });

    it('a user cannot consent to an admin-only scope: the consent page does not offer it, no token carries it', async () => {
      const thirdParty = await webApp(true);
      const asked = await signIn(adam, `openid ${GRAPH}/User.Read ${GRAPH}/User.ReadWrite.All`, thirdParty, [
        'User.Read',
      ]);
      assert.ok(asked.consentPage, 'the consent page was shown');
      assert.doesNotMatch(asked.consentPage!, /User\.ReadWrite\.All/);
      assert.equal(asked.claims.scp, 'User.Read');
      assert.doesNotMatch(String(asked.claims.scope), /User\.ReadWrite\.All/);
      // A first-party app skips the consent page, but not the rule: without a tenant-wide grant, no admin-only scope.
      const firstPartyAsked = await signIn(adam, `openid ${GRAPH}/User.Read ${GRAPH}/Directory.Read.All`);
      assert.equal(firstPartyAsked.claims.scp, 'User.Read');
    });

    it('a tenant-wide grant puts the admin-only scope in the token without asking the user; removing it drops it at the next refresh', async () => {
      const thirdParty = await webApp(true);
      await grantDelegatedPermissions(deps, cliContext(), thirdParty.clientId, ['User.ReadWrite.All']);
      const tokens = await signIn(
        adam,
        `openid offline_access ${GRAPH}/User.Read ${GRAPH}/User.ReadWrite.All`,
        thirdParty,
        ['User.Read'],
      );
      assert.doesNotMatch(tokens.consentPage ?? '', /User\.ReadWrite\.All/, 'granted by the administrator: not asked');
      assert.deepEqual(String(tokens.claims.scp).split(' ').sort(), ['User.Read', 'User.ReadWrite.All']);
      const grant = (await listPermissionGrants(deps, cliContext())).find((g) => g.clientAppId === thirdParty.clientId);
      assert.ok(grant);
      await deletePermissionGrant(deps, cliContext(), grant.id);
      const refreshed = await token(thirdParty, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
      assert.equal(decodeJwt(refreshed.access_token).scp, 'User.Read');
    });

    it('refuses unknown Graph scopes, other resources and .default mixed with names at the authorization request', async () => {
      const cases: [string, string, RegExp][] = [
        [
          `openid ${GRAPH}/UserAuthenticationMethod.Delete`,
          'invalid_scope',
          /'https:\/\/graph\.microsoft\.com\/UserAuthenticationMethod\.Delete' that doesn't exist/,
        ],
        [
          'openid Mail.Read',
          'invalid_scope',
          /'Mail\.Read' that doesn't exist on the resource https:\/\/graph\.microsoft\.com/,
        ],
        ['openid user.read', 'invalid_scope', /did you mean 'User\.Read'/],
        [
          `openid ${GRAPH}/.default ${RW}`,
          'invalid_scope',
          /cannot be combined with 'https:\/\/graph\.microsoft\.com\/\.default'/,
        ],
        [
          'openid api://other-api/Files.Read',
          'invalid_target',
          /resource principal named api:\/\/other-api was not found/,
        ],
      ];
      for (const [scope, error, description] of cases) {
        const res = await authorize(firstParty, scope);
        assert.equal(res.status, 303, scope);
        const back = new URL(res.location!);
        assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI, `${scope}: the error goes back to the app`);
        assert.equal(back.searchParams.get('error'), error, scope);
        assert.match(back.searchParams.get('error_description') ?? '', description, scope);
      }
    });

    it('never gives an application a self-only delegated name, and client credentials take .default only', async () => {
      await assert.rejects(
        createApplication(deps, cliContext(), {
          displayName: 'Daemon with User.Read',
          kind: 'daemon',
          permissions: ['User.Read.All', 'User.Read'],
        }),
        (e: { status?: number; target?: string; message?: string }) =>
          e.status === 400 &&
          e.target === 'permissions' &&
          /'User\.Read' is a delegated permission.*'User\.Read\.All'/.test(e.message ?? ''),
      );
      const { app, secret } = await createApplication(deps, cliContext(), {
        displayName: 'Daemon',
        kind: 'daemon',
        permissions: ['User.Read.All'],
      });
      const tokens = await token(
        { clientId: app.appId, secret: secret!.secretText },
        { grant_type: 'client_credentials', scope: `${GRAPH}/.default` },
      );
      assert.deepEqual(decodeJwt(tokens.access_token).roles, ['User.Read.All']);
      // Named permissions are for delegated flows; client credentials take .default only (AADSTS1002012).
      const res = await fetch(`${s.url}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic({ clientId: app.appId, secret: secret!.secretText }),
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: `${GRAPH}/User.Read.All` }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_scope');
    });
  });
}
