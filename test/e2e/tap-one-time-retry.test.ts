// A one-time pass tolerant of a failed first try, in real Chromium on both stores (issue 14, item 3), with the policy's
// gatepassOneTimeRetry on. Tia signs in, closes the browser before registering, signs in again with the same pass in a
// new browser (Security info counts down her window), and registers an authenticator app, which uses the pass up: a
// third sign-in is refused as already used (90114). Uma signs in once and lets the window run out: her second sign-in is
// refused with the window's own code (90117). Every use is audited; Graph's methodUsabilityReason says OneTimeUsed.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import type { Deps } from '../../src/services/deps.js';
import { updateTapPolicy } from '../../src/services/tap-policy.js';
import { issueTemporaryAccessPass, listTemporaryAccessPasses } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { enterPass, enterUsername } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, launchChromium } from '../support/sign-in-fixtures.js';
import { MovableClock } from '../support/movable-clock.js';

for (const dialect of dialects) {
  describe(`A one-time pass tolerant of a failed first try, in Chromium (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;
    const clock = new MovableClock();

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
      deps = s.runtime.deps;
      browser = await launchChromium();
      await updateTapPolicy(deps, cliContext(), {
        gatepassOneTimeRetry: true,
        gatepassRegistrationWindowInMinutes: 10,
      });
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    async function newcomer(local: string) {
      const user = await createUser(deps, cliContext(), {
        userPrincipalName: `${local}@${deps.tenant.defaultDomain}`,
        displayName: local,
      });
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: true });
      return { user, pass: issued.temporaryAccessPass };
    }

    /** A new browser signing in to Security info with the pass; the page it ends on. */
    async function signInToSecurityInfo(upn: string, pass: string): Promise<Page> {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${s.url}/my/security-info`);
      await enterUsername(page, upn);
      await enterPass(page, pass);
      return page;
    }

    const reasonOf = async (userId: string) =>
      (await listTemporaryAccessPasses(deps, cliContext(), userId))[0]?.usability.methodUsabilityReason;
    const lastSignInCode = async (userId: string) =>
      (await createSignInsRepo(deps.db).listRecentSignIns(50)).find((r) => r.userId === userId)?.errorCode;

    it('signs in again after a closed browser, is used up by a registration, then refused as used', async () => {
      const { user, pass } = await newcomer('tia');
      const first = await signInToSecurityInfo(user.userPrincipalName, pass);
      await first.waitForURL((u) => u.pathname === '/my/security-info');
      assert.match(
        await first.locator('#registration-window').innerText(),
        /You have 10 minutes left to finish setting up/,
      );
      await first.context().close(); // the browser crashed before anything was registered

      clock.advance(3 * 60);
      const second = await signInToSecurityInfo(user.userPrincipalName, pass);
      await second.waitForURL((u) => u.pathname === '/my/security-info');
      // The window counts from the first use: signing in again does not extend it.
      assert.match(
        await second.locator('#registration-window').innerText(),
        /You have 7 minutes left to finish setting up/,
      );
      assert.equal(await reasonOf(user.id), 'EnabledByPolicy');

      await second.getByRole('link', { name: 'Authenticator app' }).click();
      const key = (await second.locator('#authenticator-secret').innerText()).replace(/ /g, '');
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) }).generate({
        timestamp: clock.now().getTime(),
      });
      await second.getByLabel('Code', { exact: true }).fill(code);
      await second.getByRole('button', { name: 'Save' }).click();
      await second.waitForURL((u) => u.pathname === '/my/security-info');
      assert.equal((await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id)).length, 1);
      // An app alone cannot open Tia's sign-in (she has no password), so the pass stays, used up.
      assert.equal(await reasonOf(user.id), 'OneTimeUsed');
      await second.context().close();

      const third = await signInToSecurityInfo(user.userPrincipalName, pass);
      await third.locator('h1', { hasText: 'Temporary Access Pass already used' }).waitFor();
      assert.equal(await third.locator('#error-code').innerText(), 'AADSTS90114');
      assert.equal(await lastSignInCode(user.id), 90114);
      await third.context().close();

      const uses = (
        await auditRows(deps, { activity: 'Temporary Access Pass used in its registration window' })
      ).filter((r) => r.targets[0]?.id === user.id);
      assert.equal(uses.length, 2, 'each sign-in with the pass is audited');
    });

    it('once the window has ended, a second sign-in is refused with its own code and words', async () => {
      const { user, pass } = await newcomer('uma');
      const first = await signInToSecurityInfo(user.userPrincipalName, pass);
      await first.waitForURL((u) => u.pathname === '/my/security-info');
      await first.context().close();

      clock.advance(10 * 60);
      assert.equal(await reasonOf(user.id), 'OneTimeUsed');
      const again = await signInToSecurityInfo(user.userPrincipalName, pass);
      await again.locator('h1', { hasText: 'Temporary Access Pass already used' }).waitFor();
      assert.equal(await again.locator('#error-code').innerText(), 'AADSTS90117');
      assert.match(
        await again.locator('#error-message').innerText(),
        /This pass has already been used\. Contact your helpdesk for a new one\./,
      );
      assert.equal(await lastSignInCode(user.id), 90117);
      await again.context().close();
    });
  });
}
