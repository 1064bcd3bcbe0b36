// Threat: a /my cookie sent over plain http or planted by a sibling host. Under https the session and transaction
// cookies are __Host- prefixed, Secure, HttpOnly, host-only with Path=/ (a browser refuses a __Host- cookie that is
// not), checked in headless Chromium through a real sign-in with a pass, on both databases; Sign out ends the
// provider's (__Host-) session there too.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createMySessionsRepo } from '../../src/store/repos/my-sessions.js';
import { enterPass, enterPassword, enterUsername } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, launchChromium } from '../support/sign-in-fixtures.js';
import { makeSelfSignedCertificate } from '../support/tls.js';

for (const dialect of dialects) {
  describe(`/my cookies under https (${dialect})`, () => {
    const tls = makeSelfSignedCertificate();
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;

    before(async () => {
      s = await startTestServer(dialect, { GATEPASS_TLS_CERT: tls.cert, GATEPASS_TLS_KEY: tls.key });
      deps = s.runtime.deps;
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await s?.close();
      rmSync(tls.dir, { recursive: true, force: true });
    });

    it('the transaction and session cookies are __Host-, Secure, HttpOnly, SameSite=Lax, Path=/ and host-only; Sign out ends both sessions', async () => {
      const user = await createPasswordUser(deps, 'hana', 'correct horse battery staple');
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false });
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const page = await context.newPage();
        const setCookies: string[] = [];
        page.on('response', async (res) => {
          if (new URL(res.url()).pathname.startsWith('/my'))
            for (const h of await res.headersArray())
              if (h.name.toLowerCase() === 'set-cookie') setCookies.push(h.value);
        });
        await page.goto(`${s.url}/my`);
        const during = await context.cookies(s.url);
        const tx = during.find((c) => c.name === '__Host-gp-my-tx');
        assert.ok(tx, `the transaction cookie is kept by the browser: ${during.map((c) => c.name).join(', ')}`);
        assert.deepEqual([tx.secure, tx.httpOnly, tx.path, tx.sameSite], [true, true, '/', 'Lax']);

        await enterUsername(page, user.userPrincipalName);
        await enterPassword(page, 'correct horse battery staple');
        await enterPass(page, issued.temporaryAccessPass);
        await page.waitForURL((u) => u.pathname === '/my/security-info');
        const cookies = await context.cookies(s.url);
        const session = cookies.find((c) => c.name === '__Host-gp-my');
        assert.ok(session, `the session cookie is kept by the browser: ${cookies.map((c) => c.name).join(', ')}`);
        assert.deepEqual(
          [session.secure, session.httpOnly, session.path, session.sameSite, session.domain],
          [true, true, '/', 'Lax', '127.0.0.1'],
        );
        assert.ok(!cookies.some((c) => c.name === 'gp-my' || c.name === 'gp-my-tx'), 'no unprefixed cookie');
        // As sent: no Domain attribute (host-only), Secure, and the value is an id the store knows only by its hash.
        const sent = setCookies.find((c) => c.startsWith('__Host-gp-my='));
        assert.ok(sent, 'the callback set the session cookie');
        assert.match(sent, /; Secure/i);
        assert.doesNotMatch(sent, /; Domain=/i);
        assert.equal(await createMySessionsRepo(deps.db).countSessionsOfUser(user.id), 1);
        assert.equal(
          await createMySessionsRepo(deps.db).findSession([session.value], deps.clock.now()),
          undefined,
          'the cookie value is not the stored key',
        );

        // Sign out over https: one click ends the /my session and the provider's (its __Host- cookie is signed).
        await page.goto(`${s.url}/my`);
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL((u) => u.pathname === '/my/signed-out');
        assert.ok(
          !(await context.cookies(s.url)).some((c) => c.name === '__Host-gp-my'),
          'the session cookie is cleared',
        );
        assert.equal(await createMySessionsRepo(deps.db).countSessionsOfUser(user.id), 0);
        await page.goto(`${s.url}/my`);
        assert.ok(await page.getByLabel('Email or username').isVisible(), 'the next sign-in asks for the user again');
      } finally {
        await context.close();
      }
    });
  });
}
