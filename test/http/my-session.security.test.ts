// Threat: a /my session outliving what issued it. A cookie copied before "Sign out" (or a stolen one) keeps opening
// Security info; a session started with a Temporary Access Pass survives the pass being deleted, replaced or over; a
// signed-out browser is signed straight back in by the provider's own session; the session never expires while
// renewed; /my/callback shows text chosen by whoever crafted the link, or accepts a response meant for another
// transaction. Every session here comes from a real sign-in through the pages (raw HTTP), on both databases.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { deleteTemporaryAccessPass, issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createMySessionsRepo } from '../../src/store/repos/my-sessions.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { Browser, csrfOf, signInToMyWithPass } from '../support/my-browser.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

const IDLE_MINUTES = 30;
const MAX_MINUTES = 120;
const PASSWORD = 'correct horse battery staple';
const TX_COOKIE = 'gp-my-tx';

for (const dialect of dialects) {
  describe(`/my session security (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      s = await startTestServer(
        dialect,
        { GATEPASS_SESSION_IDLE_MINUTES: String(IDLE_MINUTES), GATEPASS_SESSION_MAX_MINUTES: String(MAX_MINUTES) },
        clock,
      );
      deps = s.runtime.deps;
    });
    after(async () => s.close());

    /** A user holding a multi-use pass of `lifetimeInMinutes`, and the pass's text. */
    async function passUser(local: string, lifetimeInMinutes = 480): Promise<{ user: UserRecord; pass: string }> {
      const user = await createPasswordUser(deps, local, PASSWORD);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        isUsableOnce: false,
        lifetimeInMinutes,
      });
      return { user, pass: issued.temporaryAccessPass };
    }

    /** A browser signed in to /my with the user's pass, on Security info. */
    async function signedIn(who: { user: UserRecord; pass: string }): Promise<{ browser: Browser; csrf: string }> {
      const browser = new Browser(s.url);
      const landed = await signInToMyWithPass(browser, who.user.userPrincipalName, who.pass, { password: PASSWORD });
      assert.equal(landed.status, 200, landed.html.slice(0, 300));
      assert.equal(landed.path, '/my/security-info');
      return { browser, csrf: csrfOf(landed.html) };
    }

    /** The page asks for a sign-in: a redirect to the authorize endpoint. */
    async function assertSignedOut(browser: Browser, why: string) {
      const page = await browser.go('/my/security-info');
      assert.equal(page.status, 303, why);
      assert.match(page.location ?? '', /\/oauth2\/v2\.0\/authorize\?/, why);
    }

    const rowsOf = (user: UserRecord) => createMySessionsRepo(deps.db).countSessionsOfUser(user.id);

    it('Sign out: one POST ends this session for every copy of the cookie and the provider session, with no confirmation page', async () => {
      const who = await passUser('sol');
      const { browser, csrf } = await signedIn(who);
      const thief = browser.copy();
      assert.equal(
        (await thief.go('/my/security-info')).status,
        200,
        'a copy of the cookies opens the session while it lives',
      );
      assert.equal(await rowsOf(who.user), 1);

      const out = await browser.go('/my/signout', { csrf });
      assert.equal(out.status, 303);
      assert.equal(
        out.location,
        '/my/signed-out',
        'straight to the signed-out page: no "Do you want to sign out?" step',
      );
      const done = await browser.follow(out);
      assert.equal(done.status, 200);
      assert.match(done.html, /You have signed out/);
      assert.equal(await rowsOf(who.user), 0, 'the row is gone');

      await assertSignedOut(thief, 'the copied cookie is dead');
      // Both browsers still hold the provider's session cookie: the next authorization request must ask again.
      for (const b of [browser, thief]) {
        const again = await b.follow(await b.go('/my'));
        assert.match(again.path, /^\/signin\//, `a sign-in page, not a silent sign-in back to ${again.path}`);
        assert.match(again.html, /Email or username/);
      }
    });

    it('a session started with a pass ends when the pass is deleted', async () => {
      const who = await passUser('della');
      const { browser } = await signedIn(who);
      await deleteTemporaryAccessPass(deps, cliContext(), who.user.id);
      await assertSignedOut(browser, 'the pass that started the session is deleted');
      assert.equal(await rowsOf(who.user), 0, 'the dead session was deleted');
    });

    it('a session started with a pass ends when the pass is replaced, even within the same second', async () => {
      const who = await passUser('rene');
      const { browser } = await signedIn(who);
      // The clock has not moved: only the recorded pass id tells the new pass from the one used.
      await issueTemporaryAccessPass(deps, cliContext(), who.user.id, { isUsableOnce: false });
      await assertSignedOut(browser, 'the pass that started the session was replaced');
    });

    it("a session started with a pass ends at the pass's end", async () => {
      const who = await passUser('enid', 60);
      const { browser } = await signedIn(who);
      clock.advance(25 * 60);
      assert.equal((await browser.go('/my/security-info')).status, 200, 'the pass still runs');
      clock.advance(25 * 60);
      assert.equal((await browser.go('/my/security-info')).status, 200);
      clock.advance(11 * 60);
      await assertSignedOut(browser, 'the pass ended (60 minutes) while the session was in use');
    });

    it('the session ends after the idle lifetime without a visit, and at the absolute lifetime however active', async () => {
      const idle = await signedIn(await passUser('ida'));
      for (let i = 0; i < 3; i += 1) {
        clock.advance((IDLE_MINUTES - 1) * 60);
        assert.equal((await idle.browser.go('/my/security-info')).status, 200, 'each visit renews the idle lifetime');
      }
      clock.advance((IDLE_MINUTES + 1) * 60);
      await assertSignedOut(idle.browser, 'idle for longer than the idle lifetime');

      const busy = await signedIn(await passUser('max'));
      let elapsed = 0;
      while (elapsed + IDLE_MINUTES - 1 < MAX_MINUTES) {
        clock.advance((IDLE_MINUTES - 1) * 60);
        elapsed += IDLE_MINUTES - 1;
        assert.equal((await busy.browser.go('/my/security-info')).status, 200, `still open after ${elapsed} minutes`);
      }
      clock.advance((IDLE_MINUTES - 1) * 60);
      await assertSignedOut(busy.browser, `past the absolute lifetime (${MAX_MINUTES} minutes) despite visits`);
    });

    it('/my/callback refuses a response for another transaction (wrong state), an expired transaction and a wrong nonce', async () => {
      const wrongState = await passUser('stan');
      const browser = new Browser(s.url);
      // A second /my in the same browser (another tab) starts another transaction; the first one's answer is refused.
      const refused = await signInToMyWithPass(browser, wrongState.user.userPrincipalName, wrongState.pass, {
        password: PASSWORD,
        beforeCallback: () => browser.go('/my'),
      });
      assert.equal(refused.status, 400);
      assert.match(refused.html, /does not belong to this browser or has expired/);
      assert.equal(await rowsOf(wrongState.user), 0, 'no session');

      const late = await passUser('lara');
      const slow = new Browser(s.url);
      const expired = await signInToMyWithPass(slow, late.user.userPrincipalName, late.pass, {
        password: PASSWORD,
        beforeCallback: () => clock.advance(601),
      });
      assert.equal(expired.status, 400, 'a transaction lives 10 minutes');
      assert.match(expired.html, /does not belong to this browser or has expired/);
      assert.equal(await rowsOf(late.user), 0);

      const nonce = await passUser('nora');
      const forged = new Browser(s.url);
      const wrongNonce = await signInToMyWithPass(forged, nonce.user.userPrincipalName, nonce.pass, {
        password: PASSWORD,
        beforeCallback: () => {
          // The same transaction (state, verifier) with another nonce: the ID token's nonce no longer matches.
          const sealed = decodeURIComponent(forged.cookies.get(TX_COOKIE)!);
          const tx = JSON.parse(deps.keyring.decryptText('secret-encryption', sealed, 'my-tx')) as { nonce: string };
          forged.cookies.set(
            TX_COOKIE,
            encodeURIComponent(
              deps.keyring.encrypt('secret-encryption', JSON.stringify({ ...tx, nonce: 'another-nonce' }), 'my-tx'),
            ),
          );
        },
      });
      assert.equal(wrongNonce.status, 400);
      assert.match(wrongNonce.html, /The sign-in response was not valid/);
      assert.equal(await rowsOf(nonce.user), 0);
    });

    it('/my/callback shows our own words for an error code, never the error_description it is given', async () => {
      const hostile = [
        '<script>alert(1)</script><img src=x onerror=alert(2)>',
        'Your account is locked. Call +1 555 0100 and read out your password to unlock it.',
      ];
      for (const description of hostile) {
        for (const [error, expected] of [
          ['access_denied', /The sign-in was cancelled or refused\./],
          ['temporarily_unavailable', /The sign-in service is busy\./],
          ['<b>made_up</b>', /The sign-in did not complete\./],
        ] as const) {
          const page = await new Browser(s.url).go(
            `/my/callback?${new URLSearchParams({ error, error_description: description, state: 'x' })}`,
          );
          assert.equal(page.status, 400);
          assert.match(page.html, expected);
          assert.doesNotMatch(
            page.html,
            /alert\(|onerror|&lt;script|<script|555 0100|read out your password/,
            'nothing of the description, escaped or not',
          );
          assert.doesNotMatch(page.html, /made_up/, 'an unknown code is not repeated either');
        }
      }
    });

    it('returnTo: only plain /my paths survive, from "Sign in again" and in the callback', async () => {
      const who = await passUser('ruth');
      const { browser, csrf } = await signedIn(who);
      const hostile = [
        'https://evil.example/my',
        '//evil.example',
        '/\\evil.example',
        '/my/../../evil',
        '/my%2f%2fevil.example',
        '/%2F%2Fevil.example',
        '/my//evil.example',
        '/my?x=//evil',
        ' /my',
        '/mystery',
      ];
      const returnToOf = (b: Browser) =>
        (
          JSON.parse(
            deps.keyring.decryptText('secret-encryption', decodeURIComponent(b.cookies.get(TX_COOKIE)!), 'my-tx'),
          ) as { returnTo?: string }
        ).returnTo;
      for (const returnTo of hostile) {
        const start = await browser.go('/my/reauthenticate', { csrf, returnTo });
        assert.equal(start.status, 303, returnTo);
        assert.equal(returnToOf(browser), '/my/security-info', `${returnTo} is replaced by the default`);
      }
      await browser.go('/my/reauthenticate', { csrf, returnTo: '/my/security-info/password' });
      assert.equal(returnToOf(browser), '/my/security-info/password', 'a /my page is kept');

      // A transaction carrying a hostile returnTo (as if the check at the start were missed) still lands on /my.
      for (const returnTo of ['//evil.example', '/\\evil.example', 'https://evil.example/']) {
        const fresh = new Browser(s.url);
        const landed = await signInToMyWithPass(fresh, who.user.userPrincipalName, who.pass, {
          password: PASSWORD,
          beforeCallback: () => {
            const tx = JSON.parse(
              deps.keyring.decryptText('secret-encryption', decodeURIComponent(fresh.cookies.get(TX_COOKIE)!), 'my-tx'),
            ) as object;
            fresh.cookies.set(
              TX_COOKIE,
              encodeURIComponent(
                deps.keyring.encrypt('secret-encryption', JSON.stringify({ ...tx, returnTo }), 'my-tx'),
              ),
            );
          },
        });
        assert.equal(landed.path, '/my/security-info', `${returnTo}: back on our own page`);
      }
    });
  });
}
