// Security info over HTTP on both databases: the list of methods, the method-change gate (multi-factor within the
// window; a password-only or stale session is asked to sign in again), step-up through the sign-in pipeline
// (acr_values), confirmed deletes with the last-method warning, the password change (and its throttling), "Sign out
// everywhere" (with an app's tokens from a real sign-in), and each form's CSRF check.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/domain/clock.js';
import { THROTTLE_RULES } from '../../src/domain/throttle.js';
import { newId } from '../../src/domain/ids.js';
import { createApplication } from '../../src/services/applications.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { beginAttempt, userSubject } from '../../src/services/throttle.js';
import { createFido2MethodsRepo } from '../../src/store/repos/fido2-methods.js';
import { createMySessionsRepo } from '../../src/store/repos/my-sessions.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { Browser, csrfOf, startMySignIn } from '../support/my-browser.js';
import { MY_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { GRAPH } from '../support/tokens.js';
import { cliContext, createPasswordUser, securityDefaults } from '../support/sign-in-fixtures.js';

const APP_REDIRECT_URI = 'http://127.0.0.1/callback';

for (const dialect of dialects) {
  describe(`Security info (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
      deps = s.runtime.deps;
    });
    after(async () => s.close());

    /** A user whose sessions date from an hour ago are still valid (fixtures void those before their creation). */
    async function userSince(local: string): Promise<UserRecord> {
      const user = await createPasswordUser(deps, local, 'correct horse battery staple');
      await createUsersRepo(deps.db).updateUser(user.id, {
        sessionsValidFrom: new Date(clock.now().getTime() - 3_600_000),
      });
      return (await createUsersRepo(deps.db).findUserById(user.id))!;
    }

    /** A browser holding a /my session as the callback would have stored it. */
    async function sessionFor(user: UserRecord, amr: string[], signedInSecondsAgo = 0): Promise<Browser> {
      const authTime = Math.floor(clock.now().getTime() / 1000) - signedInSecondsAgo;
      const browser = new Browser(s.url);
      browser.cookies.set(MY_SESSION_COOKIE, (await openMySession(deps, user.id, amr, authTime)).cookie);
      return browser;
    }

    async function addApp(user: UserRecord, name = 'Authenticator app') {
      const id = newId();
      await createAuthenticatorAppsRepo(deps.db).insert({
        id,
        userId: user.id,
        secretCiphertext: deps.keyring.encrypt('secret-encryption', 'JBSWY3DPEHPK3PXP', `totp:${user.id}:${id}`),
        displayName: name,
        createdAt: clock.now(),
        lastUsedStep: null,
        lastUsedAt: null,
      });
      return id;
    }

    async function addPasskey(user: UserRecord, name: string) {
      const id = newId();
      await createFido2MethodsRepo(deps.db).insert({
        id,
        userId: user.id,
        credentialId: randomBytes(32).toString('base64url'),
        publicKey: randomBytes(77).toString('base64url'),
        signCount: 0,
        displayName: name,
        aaguid: '00000000-0000-0000-0000-000000000000',
        transports: ['internal'],
        deviceType: 'multiDevice',
        backedUp: true,
        attestationLevel: 'notAttested',
        rpId: deps.config.rpId,
        createdAt: clock.now(),
        lastUsedAt: null,
      });
      return id;
    }

    it('lists the password, the pass, authenticator apps and passkeys with names and dates, and the ways to add one', async () => {
      const user = await createPasswordUser(deps, 'lena', 'correct horse battery staple');
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: true });
      const appId = await addApp(user, 'Phone app');
      const keyId = await addPasskey(user, 'Laptop <b>key</b>');
      const page = await (await sessionFor(user, ['pwd', 'otp', 'mfa'])).go('/my/security-info');
      assert.equal(page.status, 200);
      assert.match(page.html, /id="method-password"[\s\S]*?Last changed <time datetime=/);
      assert.match(page.html, /id="method-tap"[\s\S]*?one-time[\s\S]*?id="tap-status">usable</);
      assert.match(page.html, new RegExp(`id="method-app-${appId}"[\\s\\S]*?Phone app[\\s\\S]*?last used never`));
      assert.match(
        page.html,
        new RegExp(`id="method-passkey-${keyId}"[\\s\\S]*?Laptop &lt;b&gt;key&lt;/b&gt;[\\s\\S]*?synced`),
      );
      assert.match(page.html, /href="\/my\/security-info\/authenticator-app"/);
      assert.match(page.html, /href="\/my\/security-info\/passkey"/);
      assert.match(page.html, /You can add or delete methods until/);
      assert.doesNotMatch(page.html, new RegExp(issued.temporaryAccessPass), 'the pass is never shown again');
      assert.doesNotMatch(page.html, /JBSWY3DPEHPK3PXP/);
      const home = await (await sessionFor(user, ['pwd', 'otp', 'mfa'])).go('/my');
      assert.match(home.html, /id="method-apps">1</);
      assert.match(home.html, /id="method-passkeys">1</);
      assert.match(home.html, /id="method-tap">usable</);
    });

    it('a password-only session is asked to sign in again and cannot delete a method', async () => {
      const user = await createPasswordUser(deps, 'pablo', 'correct horse battery staple');
      const appId = await addApp(user);
      const browser = await sessionFor(user, ['pwd']);
      const list = await browser.go('/my/security-info');
      assert.match(list.html, /you will be asked to sign in again/);
      const confirm = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`);
      assert.equal(confirm.status, 403);
      assert.match(confirm.html, /id="reauthenticate-reason">You signed in with your password only/);
      const del = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`, { csrf: csrfOf(list.html) });
      assert.equal(del.status, 403);
      assert.equal((await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id)).length, 1, 'nothing was deleted');
    });

    it('a multi-factor session may change methods only within the window (10 minutes by default)', async () => {
      const user = await userSince('stella');
      const appId = await addApp(user);
      const fresh = await (await sessionFor(user, ['pwd', 'otp', 'mfa'], 9 * 60 + 50)).go(
        `/my/security-info/authenticatorApp/${appId}/delete`,
      );
      assert.equal(fresh.status, 200);
      const stale = await (await sessionFor(user, ['pwd', 'otp', 'mfa'], 10 * 60 + 1)).go(
        `/my/security-info/authenticatorApp/${appId}/delete`,
      );
      assert.equal(stale.status, 403);
      assert.match(stale.html, /signed in with a second factor in the last 10 minutes/);
    });

    it('"Sign in again" steps up through the sign-in pipeline: password then pass, although security defaults are off', async () => {
      await securityDefaults(deps, false);
      try {
        const password = 'correct horse battery staple';
        const user = await createPasswordUser(deps, 'stepan', password);
        const appId = await addApp(user);
        const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false });
        const browser = await sessionFor(user, ['pwd']);
        const refused = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`);
        assert.equal(refused.status, 403);
        const start = await browser.go('/my/reauthenticate', {
          csrf: csrfOf(refused.html),
          returnTo: '/my/security-info',
        });
        assert.equal(start.status, 303);
        const authorize = new URL(start.location!);
        assert.equal(authorize.searchParams.get('prompt'), 'login');
        assert.equal(authorize.searchParams.get('acr_values'), 'urn:gatepass:acr:mfa');
        const usernamePage = await browser.follow(start);
        const uid = usernamePage.path.split('/').pop()!;
        const post = (action: string, fields: Record<string, string>) =>
          browser.go(`/signin/${uid}`, { csrf: csrfOf(usernamePage.html), action, ...fields });
        await post('username', { username: user.userPrincipalName });
        const afterPassword = await post('password', { password });
        // Security defaults are off, yet the application asked for multi-factor: the pass is required.
        assert.match(afterPassword.html, /<h1 id="page-title">Enter Temporary Access Pass<\/h1>/);
        const landed = await browser.follow(await post('tap', { tap: issued.temporaryAccessPass }));
        assert.equal(landed.path, '/my/security-info');
        const confirm = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`);
        assert.equal(confirm.status, 200, 'the stepped-up session may change methods');
      } finally {
        await securityDefaults(deps, true);
      }
    });

    it('deleting asks for confirmation, warns about the last multi-factor method, checks the form and is audited', async () => {
      const user = await createPasswordUser(deps, 'della', 'correct horse battery staple');
      const appId = await addApp(user);
      const browser = await sessionFor(user, ['pwd', 'otp', 'mfa']);
      const confirm = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`);
      assert.equal(confirm.status, 200);
      assert.match(confirm.html, /id="last-method-warning"[\s\S]*?last method for multi-factor sign-in/);

      const keyId = await addPasskey(user, 'Phone');
      const withPasskey = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`);
      assert.doesNotMatch(withPasskey.html, /last-method-warning/, 'a passkey remains: no warning');

      const forged = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`, { csrf: 'forged' });
      assert.equal(forged.status, 403);
      assert.equal((await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id)).length, 1);

      const done = await browser.go(`/my/security-info/authenticatorApp/${appId}/delete`, {
        csrf: csrfOf(confirm.html),
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/my/security-info?done=method-deleted');
      assert.equal((await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id)).length, 0);
      const rows = await auditRows(deps, { activity: 'User deleted security info' });
      const mine = rows.filter((r) => r.targets[0]?.id === user.id);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]!.result, 'success');
      assert.equal(mine[0]!.initiatedBy.user?.id, user.id);

      const lastKey = await browser.go(`/my/security-info/passkey/${keyId}/delete`);
      assert.match(lastKey.html, /last-method-warning/, 'the passkey is now the last multi-factor method');
      const unknown = await browser.go(`/my/security-info/passkey/${newId()}/delete`);
      assert.equal(unknown.status, 303, 'an unknown method goes back to the list');
      const badKind = await browser.go(`/my/security-info/password/${newId()}/delete`);
      assert.equal(badKind.status, 303);
    });

    it('changes the password with the current one, refuses a wrong one, and audits the change', async () => {
      const user = await createPasswordUser(deps, 'cora', 'correct horse battery staple');
      const browser = await sessionFor(user, ['pwd']);
      const form = await browser.go('/my/security-info/password');
      assert.equal(form.status, 200);
      assert.match(form.html, /<label for="currentPassword">Current password<\/label>/);
      const csrf = csrfOf(form.html);
      const wrong = await browser.go('/my/security-info/password', {
        csrf,
        currentPassword: 'wrong password here',
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
      });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /Your current password is incorrect/);
      const mismatch = await browser.go('/my/security-info/password', {
        csrf,
        currentPassword: 'correct horse battery staple',
        newPassword: 'a brand new passphrase',
        confirmPassword: 'another one',
      });
      assert.equal(mismatch.status, 400);
      assert.match(mismatch.html, /do not match/);
      const ok = await browser.go('/my/security-info/password', {
        csrf,
        currentPassword: 'correct horse battery staple',
        newPassword: 'a brand new passphrase',
        confirmPassword: 'a brand new passphrase',
      });
      assert.equal(ok.status, 303);
      const stored = (await createUsersRepo(deps.db).findUserById(user.id))!;
      assert.ok((await deps.hasher.verify(stored.passwordHash, 'a brand new passphrase')).ok);
      const audit = (await auditRows(deps, { activity: 'Change password (self-service)' })).filter(
        (r) => r.targets[0]?.id === user.id,
      );
      assert.equal(audit.length, 1);
    });

    /** Signs in to the web app `app` in `browser` with the user's pass (raw HTTP) and redeems the code. */
    async function signInToApp(
      browser: Browser,
      app: { appId: string; secret: string },
      upn: string,
      password: string,
      pass: string,
    ): Promise<{ access_token: string; refresh_token: string }> {
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: app.appId,
        redirect_uri: APP_REDIRECT_URI,
        response_type: 'code',
        scope: `openid offline_access ${GRAPH}/UserAuthenticationMethod.Read`,
        state: 'st',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      const { uid, csrf } = await startMySignIn(browser, `/oauth2/v2.0/authorize?${query}`);
      await browser.go(`/signin/${uid}`, { csrf, action: 'username', username: upn });
      await browser.go(`/signin/${uid}`, { csrf, action: 'password', password });
      const back = await browser.follow(await browser.go(`/signin/${uid}`, { csrf, action: 'tap', tap: pass }));
      const code =
        new URL(back.location ?? assert.fail(`no redirect to the app: ${back.status}`)).searchParams.get('code') ??
        assert.fail(`no code: ${back.location}`);
      const tokens = await appToken(app, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: APP_REDIRECT_URI,
        code_verifier: verifier,
      });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      return tokens.body as { access_token: string; refresh_token: string };
    }

    async function appToken(
      app: { appId: string; secret: string },
      form: Record<string, string>,
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      const res = await fetch(`${s.url}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.appId}:${app.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams(form).toString(),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    const myMethods = (accessToken: string) =>
      fetch(`${s.url}/v1.0/me/authentication/methods`, { headers: { authorization: `Bearer ${accessToken}` } });

    it('"Sign out everywhere" ends this session and its copies, the app\'s access and refresh tokens, and every token issued before it', async () => {
      // oidc-provider stamps tokens with the real time; the store's clock is set to it so the two agree.
      clock.set(new Date());
      const user = await createPasswordUser(deps, 'eve', 'correct horse battery staple');
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false });
      const created = await createApplication(deps, cliContext(), {
        displayName: 'Eve app',
        kind: 'web',
        redirectUris: [APP_REDIRECT_URI],
      });
      const app = { appId: created.app.appId, secret: created.secret!.secretText };
      const browser = new Browser(s.url);
      const tokens = await signInToApp(
        browser,
        app,
        user.userPrincipalName,
        'correct horse battery staple',
        issued.temporaryAccessPass,
      );
      assert.equal((await myMethods(tokens.access_token)).status, 200, 'the bearer works before');
      // The same browser opens /my through the provider session: a real /my session, and a copy of its cookies.
      const list = await browser.follow(await browser.go('/my/security-info'));
      assert.equal(list.path, '/my/security-info');
      assert.equal(list.status, 200);
      const copy = browser.copy();

      clock.set(new Date());
      const out = await browser.go('/my/security-info/sign-out-everywhere', { csrf: csrfOf(list.html) });
      assert.equal(out.status, 303);
      assert.equal(out.location, '/my/signed-out?everywhere=1');
      const stored = (await createUsersRepo(deps.db).findUserById(user.id))!;
      assert.ok(
        stored.sessionsValidFrom.getTime() > user.sessionsValidFrom.getTime(),
        'earlier sessions and tokens are void',
      );
      assert.equal(
        await createMySessionsRepo(deps.db).countSessionsOfUser(user.id),
        0,
        'the /my session rows are gone',
      );
      // Even the cookies kept by an attacker who copied them are dead now, the provider's session included.
      const again = await copy.go('/my/security-info');
      assert.equal(again.status, 303);
      assert.match(again.location ?? '', /\/oauth2\/v2\.0\/authorize/);
      assert.match((await copy.follow(again)).path, /^\/signin\//, 'the next authorization request asks for a sign-in');
      // The app's tokens from the earlier sign-in stop working too.
      const bearer = await myMethods(tokens.access_token);
      assert.equal(bearer.status, 401, 'the access token is refused');
      const refreshed = await appToken(app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.equal(refreshed.status, 400, 'the refresh token is refused');
      assert.equal(refreshed.body.error, 'invalid_grant');
      assert.equal(
        (await auditRows(deps, { activity: 'Invalidate all refresh tokens for user' })).filter(
          (r) => r.targets[0]?.id === user.id,
        ).length,
        1,
      );
    });

    it('wrong current passwords in "Change password" are counted with the sign-in\'s and throttled (429, Retry-After), the right one included', async () => {
      const password = 'correct horse battery staple';
      const user = await createPasswordUser(deps, 'theo', password);
      const browser = await sessionFor(user, ['pwd']);
      const csrf = csrfOf((await browser.go('/my/security-info/password')).html);
      const change = (currentPassword: string) =>
        browser.go('/my/security-info/password', {
          csrf,
          currentPassword,
          newPassword: 'a brand new passphrase',
          confirmPassword: 'a brand new passphrase',
        });
      // The free failures, then one more that is still checked and starts the back-off (the clock does not move).
      for (let i = 1; i <= THROTTLE_RULES.pair.freeFailures + 1; i += 1) {
        const wrong = await change(`wrong password ${i}`);
        assert.equal(wrong.status, 400, `failure ${i} is checked`);
        assert.match(wrong.html, /Your current password is incorrect/);
      }
      const throttled = await change('wrong password again');
      assert.equal(throttled.status, 429);
      assert.match(throttled.html, /Too many wrong passwords\. Wait \d+ seconds?/);
      assert.match(throttled.headers.get('retry-after') ?? '', /^\d+$/);
      const right = await change(password);
      assert.equal(right.status, 429, 'while throttled even the right password is not checked');
      const stored = (await createUsersRepo(deps.db).findUserById(user.id))!;
      assert.ok((await deps.hasher.verify(stored.passwordHash, password)).ok, 'the password did not change');
      const signIn = await beginAttempt(deps, userSubject(user.id), '127.0.0.1', 'password');
      assert.equal(signIn.allowed, false, "the sign-in's password step shares the counts: it is throttled too");
    });

    /** Two /my sessions of the same user: a browser holding the first, and the second's form token. */
    async function twoSessions(user: UserRecord): Promise<{ browser: Browser; csrf: string; otherCsrf: string }> {
      const authTime = Math.floor(clock.now().getTime() / 1000);
      const mine = await openMySession(deps, user.id, ['pwd', 'otp', 'mfa'], authTime);
      const other = await openMySession(deps, user.id, ['pwd', 'otp', 'mfa'], authTime);
      const browser = new Browser(s.url);
      browser.cookies.set(MY_SESSION_COOKIE, mine.cookie);
      return { browser, csrf: mine.csrf, otherCsrf: other.csrf };
    }

    /** A form sent without a token, and with a token of another session of the same user. */
    const forgeries = (otherCsrf: string): [string, Record<string, string>][] => [
      ['no token', {}],
      ["another session's token", { csrf: otherCsrf }],
    ];

    it('CSRF: "Change password" refuses a form without its session\'s token (403) and changes nothing', async () => {
      const password = 'correct horse battery staple';
      const user = await createPasswordUser(deps, 'cass', password);
      const { browser, otherCsrf } = await twoSessions(user);
      for (const [label, token] of forgeries(otherCsrf)) {
        const res = await browser.go('/my/security-info/password', {
          ...token,
          currentPassword: password,
          newPassword: 'a brand new passphrase',
          confirmPassword: 'a brand new passphrase',
        });
        assert.equal(res.status, 403, label);
        const stored = (await createUsersRepo(deps.db).findUserById(user.id))!;
        assert.ok(
          (await deps.hasher.verify(stored.passwordHash, password)).ok,
          `${label}: the password did not change`,
        );
      }
    });

    it('CSRF: "Sign out everywhere" refuses a form without its session\'s token (403) and ends nothing', async () => {
      const user = await userSince('sam');
      const { browser, otherCsrf } = await twoSessions(user);
      for (const [label, token] of forgeries(otherCsrf)) {
        const res = await browser.go('/my/security-info/sign-out-everywhere', token);
        assert.equal(res.status, 403, label);
        const stored = (await createUsersRepo(deps.db).findUserById(user.id))!;
        assert.equal(stored.sessionsValidFrom.getTime(), user.sessionsValidFrom.getTime(), `${label}: nothing revoked`);
        assert.equal(
          await createMySessionsRepo(deps.db).countSessionsOfUser(user.id),
          2,
          `${label}: both sessions remain`,
        );
        assert.equal((await browser.go('/my/security-info')).status, 200);
      }
    });

    it("CSRF: renaming a passkey refuses a form without its session's token (403) and renames nothing", async () => {
      const user = await createPasswordUser(deps, 'pia', 'correct horse battery staple');
      const keyId = await addPasskey(user, 'Laptop');
      const { browser, csrf, otherCsrf } = await twoSessions(user);
      const nameOf = async () =>
        (await createFido2MethodsRepo(deps.db).listOfUser(user.id)).find((k) => k.id === keyId)?.displayName;
      for (const [label, token] of forgeries(otherCsrf)) {
        const res = await browser.go(`/my/security-info/passkey/${keyId}/rename`, {
          ...token,
          displayName: 'Renamed by a forgery',
        });
        assert.equal(res.status, 403, label);
        assert.equal(await nameOf(), 'Laptop', `${label}: the name did not change`);
      }
      assert.equal(
        (await browser.go(`/my/security-info/passkey/${keyId}/rename`, { csrf, displayName: 'Work laptop' })).status,
        303,
        'the real form renames',
      );
      assert.equal(await nameOf(), 'Work laptop');
    });

    it('CSRF: "Sign in again" (/my/reauthenticate) refuses a form without its session\'s token (403) and starts no sign-in', async () => {
      const user = await createPasswordUser(deps, 'rex', 'correct horse battery staple');
      const { browser, csrf, otherCsrf } = await twoSessions(user);
      for (const [label, token] of forgeries(otherCsrf)) {
        const res = await browser.go('/my/reauthenticate', { ...token, returnTo: '/my/security-info' });
        assert.equal(res.status, 403, label);
        assert.equal(res.location, null, `${label}: no redirect to the authorize endpoint`);
        assert.ok(!res.setCookies.some((c) => c.startsWith('gp-my-tx=')), `${label}: no sign-in transaction`);
      }
      const real = await browser.go('/my/reauthenticate', { csrf, returnTo: '/my/security-info' });
      assert.equal(real.status, 303, 'the real form starts the step-up');
    });

    it('CSRF: "Sign out" (/my/signout) refuses a form without its session\'s token (403) and signs nothing out', async () => {
      const user = await createPasswordUser(deps, 'otto', 'correct horse battery staple');
      const { browser, csrf, otherCsrf } = await twoSessions(user);
      for (const [label, token] of forgeries(otherCsrf)) {
        const res = await browser.go('/my/signout', token);
        assert.equal(res.status, 403, label);
        assert.equal(
          await createMySessionsRepo(deps.db).countSessionsOfUser(user.id),
          2,
          `${label}: both sessions remain`,
        );
        assert.equal((await browser.go('/my/security-info')).status, 200, `${label}: still signed in`);
      }
      const real = await browser.go('/my/signout', { csrf });
      assert.equal(real.status, 303, 'the real form signs out');
      assert.equal(await createMySessionsRepo(deps.db).countSessionsOfUser(user.id), 1, 'only this session ended');
    });
  });
}
