// The authenticator-app page of Security info over HTTP on both databases: who may open it (the method-change gate),
// what it shows (QR code as a data: image, the key in groups of four, labelled fields), how a wrong code, a wrong
// name, a missing CSRF token, an expired setup and a form sent twice are answered, and what is stored.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { Browser } from '../support/my-browser.js';
import { MY_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser } from '../support/sign-in-fixtures.js';

const PATH = '/my/security-info/authenticator-app';

const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? assert.fail(`no ${name} field`);
const keyOf = (html: string) =>
  (/id="authenticator-secret">([A-Z2-7 ]+)</.exec(html)?.[1] ?? assert.fail('no key on the page')).replace(/ /g, '');
const codeFor = (key: string, at: Date) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at.getTime(),
  });
const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

for (const dialect of dialects) {
  describe(`Security info › authenticator app (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000));

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
      deps = s.runtime.deps;
    });
    after(async () => s?.close());

    async function user(local: string): Promise<UserRecord> {
      const u = await createPasswordUser(deps, local, 'correct horse battery staple');
      await createUsersRepo(deps.db).updateUser(u.id, {
        sessionsValidFrom: new Date(clock.now().getTime() - 3_600_000),
      });
      return (await createUsersRepo(deps.db).findUserById(u.id))!;
    }

    /** A browser holding a /my session as the callback stores it. */
    async function sessionFor(
      u: UserRecord,
      amr: string[],
      signedInSecondsAgo = 0,
    ): Promise<{ browser: Browser; csrf: string }> {
      const { cookie, csrf } = await openMySession(
        deps,
        u.id,
        amr,
        Math.floor(clock.now().getTime() / 1000) - signedInSecondsAgo,
      );
      const browser = new Browser(s.url);
      browser.cookies.set(MY_SESSION_COOKIE, cookie);
      return { browser, csrf };
    }

    const apps = (u: UserRecord) => createAuthenticatorAppsRepo(deps.db).listOfUser(u.id);

    it('shows the QR code, the key in groups of four, labelled Code and Name fields, and no inline script or style', async () => {
      const u = await user('amira');
      const { browser, csrf } = await sessionFor(u, ['pwd', 'otp', 'mfa']);
      const page = await browser.go(PATH);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.match(
        page.html,
        /<img id="authenticator-qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="200" height="200" alt="QR code[^"]+">/,
      );
      assert.match(page.html, /id="authenticator-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</);
      assert.match(
        page.html,
        /<label for="code">Code<\/label>[\s\S]*?<input type="text" id="code" name="code"[^>]*autocomplete="one-time-code"/,
      );
      assert.match(
        page.html,
        /<label for="displayName">Name<\/label>[\s\S]*?id="displayName" name="displayName"[^>]*value="Authenticator app"/,
      );
      assert.equal(field(page.html, 'csrf'), csrf);
      const pending = decode(field(page.html, 'pending'));
      assert.ok(!pending.includes(keyOf(page.html)), 'the form carries the key only sealed');
      assert.doesNotMatch(page.html, /<script|style=/);
      assert.match(page.headers.get('content-security-policy') ?? '', /img-src 'self' data:/);
      assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /unsafe-inline/);
      assert.match(page.html, new RegExp(`id="authenticator-account">${u.userPrincipalName.replace('.', '\\.')}<`));
    });

    it('says how long is left to finish in minutes, never a clock time in a zone the viewer may not be in', async () => {
      const u = await user('chiara');
      const { browser, csrf } = await sessionFor(u, ['pwd', 'otp', 'mfa']);
      const page = await browser.go(PATH);
      assert.match(page.html, /id="authenticator-time-left">[^<]*finish within 10 minutes\.</);
      assert.doesNotMatch(page.html, /\d\d:\d\d UTC/);
      clock.advance(270);
      const right = codeFor(keyOf(page.html), clock.now());
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      const pending = decode(field(page.html, 'pending'));
      const refused = await browser.go(PATH, { csrf, pending, code: wrong, displayName: 'Phone' });
      assert.equal(refused.status, 400);
      assert.match(
        refused.html,
        /id="authenticator-time-left">[^<]*finish within 6 minutes\.</,
        '330 s left, rounded up',
      );
    });

    it('a wrong code: 400, the error announced and linked to the field, the same key again; then the right code saves the app', async () => {
      const u = await user('bruno');
      const { browser, csrf } = await sessionFor(u, ['pwd', 'otp', 'mfa']);
      const first = await browser.go(PATH);
      const key = keyOf(first.html);
      const pending = decode(field(first.html, 'pending'));
      const right = codeFor(key, clock.now());
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');

      const refused = await browser.go(PATH, { csrf, pending, code: wrong, displayName: 'Work phone' });
      assert.equal(refused.status, 400);
      assert.match(
        refused.html,
        /<div class="error-summary" role="alert" id="error-summary"><p>That code is not correct[^<]*<a href="#code">Fix it<\/a>/,
      );
      assert.match(
        refused.html,
        /id="code" name="code"[^>]*autofocus aria-invalid="true" aria-describedby="error-summary code-hint"/,
      );
      assert.equal(keyOf(refused.html), key, 'the same key: the app the user set up stays right');
      assert.match(refused.html, /value="Work phone"/);
      assert.equal((await apps(u)).length, 0);

      const bad = await browser.go(PATH, { csrf, pending, code: '12', displayName: 'Work phone' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /Enter the 6-digit code/);
      const noName = await browser.go(PATH, { csrf, pending, code: right, displayName: '   ' });
      assert.equal(noName.status, 400);
      assert.match(noName.html, /Enter a name for the app[^<]*<a href="#displayName">/);
      assert.match(noName.html, /id="displayName" name="displayName"[^>]*aria-invalid="true"/);

      const saved = await browser.go(PATH, { csrf, pending, code: right, displayName: 'Work phone' });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, '/my/security-info?done=authenticator-app-added');
      assert.match(
        (await browser.go(saved.location)).html,
        /role="status" id="security-info-outcome"><p>Authenticator app added/,
      );
      const stored = await apps(u);
      assert.deepEqual(
        stored.map((a) => a.displayName),
        ['Work phone'],
      );

      // The same form again (a double submit): nothing more is stored, the user lands on Security info.
      const again = await browser.go(PATH, { csrf, pending, code: right, displayName: 'Work phone' });
      assert.equal(again.status, 303);
      assert.equal((await apps(u)).length, 1);

      const list = await browser.go('/my/security-info');
      assert.match(list.html, new RegExp(`id="method-app-${stored[0]!.id}"[\\s\\S]*?Work phone`));
    });

    it('refuses a form without the session CSRF token (403) and a setup sealed for another user', async () => {
      const u = await user('carla');
      const other = await user('dmitri');
      const { browser } = await sessionFor(u, ['pwd', 'otp', 'mfa']);
      const page = await browser.go(PATH);
      const pending = decode(field(page.html, 'pending'));
      const code = codeFor(keyOf(page.html), clock.now());
      assert.equal((await browser.go(PATH, { pending, code, displayName: 'x' })).status, 403);
      assert.equal((await browser.go(PATH, { csrf: 'forged', pending, code, displayName: 'x' })).status, 403);

      const thief = await sessionFor(other, ['pwd', 'otp', 'mfa']);
      const stolen = await thief.browser.go(PATH, { csrf: thief.csrf, pending, code, displayName: 'x' });
      assert.equal(stolen.status, 400);
      assert.match(stolen.html, /This setup has expired/);
      assert.notEqual(keyOf(stolen.html), keyOf(page.html), 'a new key is offered');
      assert.equal((await apps(u)).length + (await apps(other)).length, 0);
    });

    it('an expired setup starts again with a new key', async () => {
      const u = await user('elif');
      const before = (await sessionFor(u, ['pwd', 'otp', 'mfa'])).browser;
      const page = await before.go(PATH);
      clock.advance(11 * 60);
      const { browser, csrf } = await sessionFor(u, ['pwd', 'otp', 'mfa']);
      const late = await browser.go(PATH, {
        csrf,
        pending: decode(field(page.html, 'pending')),
        code: codeFor(keyOf(page.html), clock.now()),
        displayName: 'x',
      });
      assert.equal(late.status, 400);
      assert.match(late.html, /role="alert"[^>]*><p>This setup has expired/);
      assert.notEqual(keyOf(late.html), keyOf(page.html));
      assert.equal((await apps(u)).length, 0);
    });

    it('a password-only session and a stale multi-factor one get "Sign in again" (403), for the page and the form', async () => {
      const u = await user('farid');
      const fresh = await sessionFor(u, ['pwd', 'otp', 'mfa']);
      const page = await fresh.browser.go(PATH);
      const form = {
        pending: decode(field(page.html, 'pending')),
        code: codeFor(keyOf(page.html), clock.now()),
        displayName: 'x',
      };

      const pwdOnly = await sessionFor(u, ['pwd']);
      const shown = await pwdOnly.browser.go(PATH);
      assert.equal(shown.status, 403);
      assert.match(shown.html, /id="reauthenticate-reason">You signed in with your password only/);
      assert.doesNotMatch(shown.html, /authenticator-secret/);
      assert.equal((await pwdOnly.browser.go(PATH, { ...form, csrf: pwdOnly.csrf })).status, 403);

      const window = deps.config.methodChangeWindowMinutes * 60;
      const stale = await sessionFor(u, ['pwd', 'otp', 'mfa'], window + 1);
      const staleShown = await stale.browser.go(PATH);
      assert.equal(staleShown.status, 403);
      assert.match(
        staleShown.html,
        new RegExp(`id="reauthenticate-reason">[^<]*in the last ${deps.config.methodChangeWindowMinutes} minutes`),
      );
      assert.equal((await stale.browser.go(PATH, { ...form, csrf: stale.csrf })).status, 403);
      assert.equal((await apps(u)).length, 0, 'nothing was stored by the refused forms');
    });

    it('without a session the page starts a sign-in that comes back to it', async () => {
      const res = await new Browser(s.url).go(PATH);
      assert.equal(res.status, 303);
      assert.match(res.location ?? '', /\/oauth2\/v2\.0\/authorize\?/);
    });
  });
}
