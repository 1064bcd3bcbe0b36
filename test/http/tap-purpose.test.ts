// A pass's purpose over real HTTP and the real CLI, on both stores (issue 14, item 1): gatepassPurpose on create and
// GET, its defaults (a user without a password: setup; otherwise the policy's gatepassDefaultPurpose), refusals naming
// the field, the policy extensions (default purpose, retirement), a set-up session's answers to an app (the refusal
// page, prompt=none), and the admin center's fields.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { gatepass, oneJsonObject } from '../cli/run-cli.js';
import { newAdministrator } from '../support/admin-console.js';
import { dialects } from '../support/databases.js';
import { assertFetchedGraphError, auditRows, graphFetch } from '../support/graph-http.js';
import { getWithCookies, postStep, startRawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp, daemonAppToken } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/purpose-callback';
const TAP_POLICY = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';

for (const dialect of dialects) {
  describe(`A pass's purpose over HTTP and the CLI (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let writer: string;
    let policyWriter: string;
    let counter = 0;

    const passwordless = (local: string) =>
      createUser(deps, cliContext(), {
        userPrincipalName: `${local}${++counter}@${deps.tenant.domains[0]!.name}`,
        displayName: local,
      });
    const withPassword = (local: string) =>
      createPasswordUser(deps, `${local}${++counter}`, 'a long and careful passphrase');
    const issue = (userId: string, body: unknown) =>
      graphFetch(s.url, 'POST', `/users/${userId}/authentication/temporaryAccessPassMethods`, writer, body);

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      writer = await daemonAppToken(deps, s.url, ['UserAuthenticationMethod.ReadWrite.All']);
      policyWriter = await daemonAppToken(deps, s.url, ['Policy.ReadWrite.AuthenticationMethod']);
    });
    after(async () => s?.close());

    it('defaults: setup without a password, the policy default (access) with one; GET and the audit name it', async () => {
      const nia = await passwordless('nia');
      const pat = await withPassword('pat');
      const forNia = await issue(nia.id, {});
      const forPat = await issue(pat.id, {});
      assert.equal(forNia.status, 201, forNia.raw);
      assert.equal(forNia.body.gatepassPurpose, 'setup');
      assert.equal(forPat.body.gatepassPurpose, 'access');
      const chosen = await issue(pat.id, { gatepassPurpose: 'setup' });
      assert.equal(chosen.body.gatepassPurpose, 'setup', 'the issuer may narrow it');
      const opened = await issue(nia.id, { gatepassPurpose: 'access' });
      assert.equal(opened.body.gatepassPurpose, 'access', 'or open it, for a user without a password');

      const got = await graphFetch(
        s.url,
        'GET',
        `/users/${pat.id}/authentication/temporaryAccessPassMethods/${String(chosen.body.id)}`,
        writer,
      );
      assert.equal(got.body.gatepassPurpose, 'setup');
      // The request replaced Pat's first pass: a delete entry, then the create entry.
      const created = (await auditRows(deps, { correlationId: chosen.headers.get('request-id')! })).find(
        (r) => r.activity === 'Admin registered security info',
      );
      const purpose = created?.targets[0]?.modifiedProperties?.find(
        (p) => p.displayName === 'TemporaryAccessPass.GatepassPurpose',
      );
      assert.equal(purpose?.newValue, JSON.stringify('setup'));
    });

    it('any other purpose is a 400 naming gatepassPurpose, audited, and no pass is written', async () => {
      const ola = await withPassword('ola');
      for (const bad of ['admin', 'SETUP', 5, true, {}]) {
        const res = await issue(ola.id, { gatepassPurpose: bad });
        assertFetchedGraphError(res, 400, 'badRequest', 'gatepassPurpose');
        assert.match(String(res.body.error?.message), /gatepassPurpose/);
        const [row] = await auditRows(deps, { correlationId: res.headers.get('request-id')! });
        assert.equal(row?.result, 'failure');
      }
      const held = await graphFetch(s.url, 'GET', `/users/${ola.id}/authentication/temporaryAccessPassMethods`, writer);
      assert.deepEqual(held.body.value, []);
    });

    it('the policy carries gatepassDefaultPurpose: read, changed (audited), refused when wrong', async () => {
      const before = await graphFetch(s.url, 'GET', TAP_POLICY, policyWriter);
      assert.equal(before.body.gatepassDefaultPurpose, 'access');
      const bad = await graphFetch(s.url, 'PATCH', TAP_POLICY, policyWriter, { gatepassDefaultPurpose: 'all' });
      assertFetchedGraphError(bad, 400, 'badRequest', 'gatepassDefaultPurpose');
      const set = await graphFetch(s.url, 'PATCH', TAP_POLICY, policyWriter, { gatepassDefaultPurpose: 'setup' });
      assert.equal(set.status, 204, set.raw);
      const [row] = await auditRows(deps, { correlationId: set.headers.get('request-id')! });
      assert.deepEqual(
        row?.targets[0]?.modifiedProperties?.map((p) => [p.displayName, p.oldValue, p.newValue]),
        [['defaultPurpose', '"access"', '"setup"']],
      );
      const rae = await withPassword('rae');
      assert.equal((await issue(rae.id, {})).body.gatepassPurpose, 'setup');
      const reset = await graphFetch(s.url, 'PATCH', TAP_POLICY, policyWriter, { gatepassDefaultPurpose: 'access' });
      assert.equal(reset.status, 204);
    });

    it('a set-up session gets the refusal page for an app, and prompt=none gives the app interaction_required', async () => {
      const { app } = await createWebApp(deps, REDIRECT_URI);
      const uma = await passwordless('uma');
      const { temporaryAccessPass } = await issueTemporaryAccessPass(deps, cliContext(), uma.id, {});
      const flow = await startRawFlow([s.url], app.appId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: uma.userPrincipalName });
      const done = await postStep(flow, s.url, 'tap', { tap: temporaryAccessPass });
      assert.equal(done.status, 303, done.html.slice(0, 300));
      // resume, then a new interaction for the set-up prompt: never the app's redirect URI.
      const resumed = await getWithCookies(flow, new URL(done.location!, s.url).href);
      const pagePath = new URL(resumed.location!, s.url);
      assert.match(pagePath.pathname, /^\/signin\//);
      const page = await getWithCookies(flow, pagePath.href);
      assert.equal(page.status, 403);
      assert.match(page.html, /Finish setting up a sign-in method first/);
      assert.match(page.html, /href="\/my\/security-info"/);
      // A form posted to that page (a username, say) changes nothing: the same refusal.
      const posted = await postStep({ ...flow, uid: pagePath.pathname.split('/').pop()! }, s.url, 'username', {
        username: uma.userPrincipalName,
      });
      assert.ok(posted.status === 403 || posted.status === 400, `${posted.status}`);

      const silent = await getWithCookies(
        flow,
        `${s.url}/oauth2/v2.0/authorize?${new URLSearchParams({
          client_id: app.appId,
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          prompt: 'none',
          state: 'st',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        })}`,
      );
      const back = new URL(silent.location!);
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
      assert.equal(back.searchParams.get('error'), 'interaction_required');
      assert.equal(back.searchParams.get('code'), null);
      const logged = (await createSignInsRepo(deps.db).listRecentSignIns(50)).filter((r) => r.userId === uma.id);
      assert.ok(logged.length >= 1);
      assert.ok(
        logged.every((r) => r.errorCode === 90150),
        'every entry is the set-up refusal, none a success',
      );
    });

    it('the admin center: the purpose on the issue form (its default, a choice, a forged value) and in the policy', async () => {
      const chief = await newAdministrator(s, `chief${++counter}`, ROLE_TEMPLATE_IDS.globalAdministrator);
      const wen = await passwordless('wen');
      const form = await chief.get(`/admin/users/${wen.id}/authentication-methods/add?method=temporaryAccessPass`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<legend>Purpose<\/legend>/);
      assert.match(form.body, /value="setup" checked> Set up sign-in methods only/, 'no password: set-up by default');
      const path = `/admin/users/${wen.id}/authentication-methods/temporary-access-pass`;
      const fields = { activation: 'now', durationMinutes: '60', oneTime: 'no' };
      const issued = await chief.post(path, { ...fields, purpose: 'access' });
      assert.equal(issued.statusCode, 201, issued.body.slice(0, 300));
      assert.match(issued.body, /id="pass-purpose">Sign in to apps</);
      const forged = await chief.post(path, { ...fields, purpose: 'everything' });
      assert.equal(forged.statusCode, 400);
      assert.match(forged.body, /Invalid gatepassPurpose specified/);

      const edit = '/admin/authentication-methods/temporary-access-pass/configure/edit';
      const settings = await chief.get(edit);
      assert.match(settings.body, /name="defaultPurpose" value="access" checked/);
      assert.match(settings.body, /name="retireAfterRegistration" value="yes" checked/);
      const saved = await chief.post(edit, {
        minimum: '60',
        maximum: '480',
        defaultLifetime: '60',
        oneTime: 'no',
        length: '8',
        defaultPurpose: 'setup',
        retireAfterRegistration: 'no',
      });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
      const after = await graphFetch(s.url, 'GET', TAP_POLICY, policyWriter);
      assert.equal(after.body.gatepassDefaultPurpose, 'setup');
      assert.equal(after.body.gatepassRetireAfterRegistration, false);
      const back = await graphFetch(s.url, 'PATCH', TAP_POLICY, policyWriter, {
        gatepassDefaultPurpose: 'access',
        gatepassRetireAfterRegistration: true,
      });
      assert.equal(back.status, 204);
    });

    it('the CLI: tap create --purpose, tap show, policy tap set --default-purpose', async () => {
      const env = { ...s.database.env, GATEPASS_LOG_LEVEL: 'warn' };
      const vic = await withPassword('vic');
      const made = await gatepass(env, ['tap', 'create', vic.userPrincipalName, '--purpose', 'setup', '--json']);
      assert.equal(made.code, 0, made.stderr);
      assert.equal(oneJsonObject(made.stdout).gatepassPurpose, 'setup');
      const shown = await gatepass(env, ['tap', 'show', vic.userPrincipalName]);
      assert.match(shown.stdout, /Purpose: +setup \(signs in to Security info only/);
      const wrong = await gatepass(env, ['tap', 'create', vic.userPrincipalName, '--purpose', 'everything']);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /gatepassPurpose/);
      const set = await gatepass(env, ['policy', 'tap', 'set', '--default-purpose', 'setup', '--json']);
      assert.equal(set.code, 0, set.stderr);
      assert.equal(oneJsonObject(set.stdout).gatepassDefaultPurpose, 'setup');
      const back = await gatepass(env, ['policy', 'tap', 'set', '--default-purpose', 'access']);
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /Purpose: +access to apps by default/);
      const kept = await gatepass(env, ['policy', 'tap', 'set', '--no-retire-after-registration', '--json']);
      assert.equal(oneJsonObject(kept.stdout).gatepassRetireAfterRegistration, false);
      const retiring = await gatepass(env, ['policy', 'tap', 'set', '--retire-after-registration']);
      assert.match(retiring.stdout, /Retire: +a pass is removed once the user registers a method/);
    });
  });
}
