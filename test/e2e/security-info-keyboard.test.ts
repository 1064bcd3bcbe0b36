// Security info with the keyboard alone, in headless Chromium: every control has an accessible name, Tab visits them
// in reading order, and a method is deleted (with its confirmation) without a pointer.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { newId } from '../../src/domain/ids.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { insertStoredPasskey } from '../support/stored-passkey.js';
import { dialects } from '../support/databases.js';
import { MY_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, launchChromium } from '../support/sign-in-fixtures.js';

/** The accessible name of the focused element, as a screen reader would announce it. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '';
    return (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
  });
}

async function tabOrder(page: Page, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    names.push(await focused(page));
  }
  return names;
}

for (const dialect of dialects) {
  describe(`Security info with the keyboard (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let browser: Browser | undefined;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      browser = await launchChromium();
    });
    // Without Chromium the launch fails: the server must still close, or the test process never ends.
    after(async () => {
      await browser?.close();
      await s.close();
    });

    /** A page signed in as `user` with a fresh multi-factor session (the cookie the /my callback would set). */
    async function signedIn(user: UserRecord): Promise<Page> {
      const { cookie } = await openMySession(deps, user.id, ['pwd', 'otp', 'mfa'], Math.floor(Date.now() / 1000));
      const context = await browser!.newContext();
      await context.addCookies([
        { name: MY_SESSION_COOKIE, value: cookie, url: s.url, httpOnly: true, sameSite: 'Lax' },
      ]);
      return context.newPage();
    }

    it('names every control, tabs through them in reading order, and deletes a method with confirmation by keyboard', async () => {
      const user = await createPasswordUser(deps, 'kim', 'correct horse battery staple');
      await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false });
      const appId = newId();
      await createAuthenticatorAppsRepo(deps.db).insert({
        id: appId,
        userId: user.id,
        secretCiphertext: deps.keyring.encrypt('secret-encryption', randomBytes(20), `totp:${user.id}:${appId}`),
        displayName: 'Work phone',
        createdAt: new Date(),
        lastUsedStep: null,
        lastUsedAt: null,
      });
      await insertStoredPasskey(deps, user.id, {
        displayName: 'Laptop',
        deviceType: 'multiDevice',
        backedUp: true,
        createdAt: new Date(),
      });
      const page = await signedIn(user);
      await page.goto(`${s.url}/my/security-info`);
      assert.equal(await page.locator('h1').innerText(), 'Security info');
      assert.equal(await page.getByRole('table', { name: 'Your sign-in methods' }).count(), 1);
      assert.equal(await page.getByRole('list', { name: 'Add sign-in method' }).count(), 1);

      // Every link and button has a name that says what it does to which method.
      const unnamed = await page.evaluate(
        () =>
          [...document.querySelectorAll('a, button, input:not([type=hidden])')].filter(
            (el) => !(el.getAttribute('aria-label') ?? el.textContent ?? '').trim() && !el.id,
          ).length,
      );
      assert.equal(unnamed, 0);

      assert.deepEqual(await tabOrder(page, 10), [
        'Authenticator app',
        'Passkey',
        'Email',
        'Change password',
        'Delete Temporary Access Pass',
        'Delete Work phone',
        'Rename Laptop',
        'Delete Laptop',
        'Sign out everywhere',
        'Back to my account',
      ]);

      // Back to "Delete Work phone" and press Enter: the confirmation page, its first control the Delete button.
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focused(page), 'Delete Work phone');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname.endsWith('/delete'));
      assert.equal(await page.locator('h1').innerText(), 'Delete sign-in method');
      assert.match(await page.locator('main').innerText(), /Work phone/);
      assert.deepEqual(await tabOrder(page, 2), ['Delete', 'Cancel']);
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      assert.equal(await page.locator(`#method-app-${appId}`).count(), 0, 'the app is gone');
      assert.equal(await page.locator('.method-passkey').count(), 1, 'the passkey stays');
      await page.context().close();
    });
  });
}
