// A pass's purpose in real Chromium, on both stores (issue 14, item 1). A set-up pass (the default for a user without
// a password) signs in, but an app gets no code: the page says "Finish setting up a sign-in method first", the sign-in
// log records code 90150, and the same session opens Security info without signing in again and registers a passkey.
// An access pass signs in to the app as in Entra. WebAuthn needs a domain: the browser and issuer use localhost.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createFido2MethodsRepo } from '../../src/store/repos/fido2-methods.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { seriousViolations } from '../support/axe.js';
import { enterPass, enterUsername, finishCodeFlow, startCodeFlow } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { startLocalhostBrowser, type LocalhostBrowser } from '../support/localhost-browser.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { withAuthenticator } from '../support/virtual-authenticator.js';

for (const dialect of dialects) {
  describe(`A pass's purpose in Chromium (${dialect})`, () => {
    let rig: LocalhostBrowser;
    let deps: Deps;
    let origin: string;
    let browser: Browser;
    let rp: client.Configuration;
    let redirectUri: string;
    let appName: string;

    before(async () => {
      rig = await startLocalhostBrowser(dialect);
      ({ deps, origin, browser, rp, redirectUri, appName } = rig);
    });

    after(() => rig?.close());

    /** A user without a password, and a pass issued with `purpose` (undefined: the default). */
    async function newcomer(local: string, purpose?: 'setup' | 'access') {
      const user = await createUser(deps, cliContext(), {
        userPrincipalName: `${local}@${deps.tenant.domains[0]!.name}`,
        displayName: local,
      });
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, purpose ? { purpose } : {});
      return { user, pass: issued.temporaryAccessPass, purpose: issued.pass.purpose };
    }

    const signInsOf = async (userId: string) =>
      (await createSignInsRepo(deps.db).listRecentSignIns(100)).filter((r) => r.userId === userId);

    async function signInAtApp(page: Page, upn: string, pass: string) {
      const flow = await startCodeFlow(page, rp, redirectUri, 'openid profile');
      await enterUsername(page, upn);
      await enterPass(page, pass);
      return flow;
    }

    it('a set-up pass signs in, the app gets no code, and Security info opens in the same session to add a passkey', async () => {
      const { user, pass, purpose } = await newcomer('nia');
      assert.equal(purpose, 'setup', 'a user without a password gets a set-up pass by default');
      const context = await browser.newContext();
      const { page } = await withAuthenticator(context);
      let reachedApp = false;
      page.on('request', (r) => {
        if (r.url().startsWith(redirectUri)) reachedApp = true;
      });

      await signInAtApp(page, user.userPrincipalName, pass);
      await page.locator('h1', { hasText: 'Finish setting up a sign-in method first' }).waitFor();
      assert.equal(await page.locator('#error-code').innerText(), 'AADSTS90150');
      assert.deepEqual(await seriousViolations(page), [], 'axe-core: no serious or critical violation');
      if (process.env.GATEPASS_TEST_SCREENSHOTS)
        await page.screenshot({ path: `${process.env.GATEPASS_TEST_SCREENSHOTS}/setup-only-${dialect}.png` });
      assert.equal(reachedApp, false, 'the browser was never sent back to the app');
      const [refused] = await signInsOf(user.id);
      assert.equal(refused?.errorCode, 90150);
      assert.equal(refused?.appDisplayName, appName);
      assert.deepEqual(
        refused?.methods.map((m) => m.method),
        ['Temporary Access Pass'],
      );
      assert.equal((await signInsOf(user.id)).length, 1, 'one entry: the sign-in was not also logged as a success');

      // The same provider session opens Security info: no second sign-in, so a one-time pass would not be needed again.
      await page.getByRole('link', { name: 'Go to Security info' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      assert.match(await page.locator('#setup-only').innerText(), /your other apps open once you have added/);
      await page.locator('#add-passkey').click();
      await page.waitForURL((u) => u.pathname === '/my/security-info/passkey');
      await page.getByLabel('Name', { exact: true }).fill('Phone');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      assert.equal((await createFido2MethodsRepo(deps.db).listOfUser(user.id)).length, 1);
      await context.close();
    });

    it('an existing set-up session asking for another app is refused again, each refusal logged', async () => {
      const { user, pass } = await newcomer('noor', 'setup');
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${origin}/my/security-info`);
      await enterUsername(page, user.userPrincipalName);
      await enterPass(page, pass);
      await page.waitForURL((u) => u.pathname === '/my/security-info');

      // Single sign-on to the app from the same browser: no sign-in page, straight to the refusal.
      await startCodeFlow(page, rp, redirectUri, 'openid profile');
      await page.locator('h1', { hasText: 'Finish setting up a sign-in method first' }).waitFor();
      const refusals = (await signInsOf(user.id)).filter((r) => r.errorCode === 90150);
      assert.equal(refusals.length, 1);
      // The admin center is another app too.
      await page.goto(`${origin}/admin`);
      await page.locator('h1', { hasText: 'Finish setting up a sign-in method first' }).waitFor();
      assert.equal((await signInsOf(user.id)).filter((r) => r.errorCode === 90150).length, 2);
      await context.close();
    });

    it('an access pass signs in to the app, as in Entra', async () => {
      const { user, pass, purpose } = await newcomer('omar', 'access');
      assert.equal(purpose, 'access');
      const context = await browser.newContext();
      const page = await context.newPage();
      const flow = await signInAtApp(page, user.userPrincipalName, pass);
      const { payload } = await finishCodeFlow(page, rp, redirectUri, origin, flow);
      assert.equal(payload.sub, user.id);
      assert.deepEqual(payload.amr, ['tap', 'mfa']);
      assert.equal((await signInsOf(user.id))[0]?.errorCode, 0);
      await context.close();
    });
  });
}
