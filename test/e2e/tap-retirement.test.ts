// Retiring a pass once it is no longer needed, in real Chromium on both stores (issue 14, item 2). Rita holds a set-up
// pass (multi-use) and opens two sessions with it; registering a passkey in one retires the pass: the page says so, the
// audit log records it with the passkey, the other browser's session ends, and the registering browser carries on as a
// normal session on the passkey — the app now gets its code by single sign-on, with amr swk + mfa.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import { enterPass, enterUsername, finishCodeFlow, startCodeFlow } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { startLocalhostBrowser, type LocalhostBrowser } from '../support/localhost-browser.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { withAuthenticator } from '../support/virtual-authenticator.js';

for (const dialect of dialects) {
  describe(`A pass retired once a passkey replaces it, in Chromium (${dialect})`, () => {
    let rig: LocalhostBrowser;
    let deps: Deps;
    let origin: string;
    let browser: Browser;
    let rp: client.Configuration;
    let redirectUri: string;

    before(async () => {
      rig = await startLocalhostBrowser(dialect);
      ({ deps, origin, browser, rp, redirectUri } = rig);
    });

    after(() => rig?.close());

    it('registering a passkey retires the pass, ends its other session, and the registering one goes on', async () => {
      const rita = await createUser(deps, cliContext(), {
        userPrincipalName: `rita@${deps.tenant.defaultDomain}`,
        displayName: 'Rita',
      });
      const issued = await issueTemporaryAccessPass(deps, cliContext(), rita.id, { isUsableOnce: false });
      assert.equal(issued.pass.purpose, 'setup');

      // Her other browser (a colleague's laptop, say) signed in to Security info with the same pass.
      const elsewhere = await browser.newContext();
      const other = await elsewhere.newPage();
      await other.goto(`${origin}/my/security-info`);
      await enterUsername(other, rita.userPrincipalName);
      await enterPass(other, issued.temporaryAccessPass);
      await other.waitForURL((u) => u.pathname === '/my/security-info');

      // Her own browser: the app refuses the set-up session; Security info opens in it.
      const mine = await browser.newContext();
      const { page } = await withAuthenticator(mine);
      await startCodeFlow(page, rp, redirectUri, 'openid profile');
      await enterUsername(page, rita.userPrincipalName);
      await enterPass(page, issued.temporaryAccessPass);
      await page.getByRole('link', { name: 'Go to Security info' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      await page.locator('#add-passkey').click();
      await page.getByLabel('Name', { exact: true }).fill('Rita phone');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      assert.match(
        await page.getByRole('status').innerText(),
        /Passkey added\..*Your Temporary Access Pass is no longer needed and has been removed\./s,
      );
      if (process.env.GATEPASS_TEST_SCREENSHOTS)
        await page.screenshot({ path: `${process.env.GATEPASS_TEST_SCREENSHOTS}/pass-retired-${dialect}.png` });
      assert.equal(await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(rita.id), undefined);
      const [retired] = (
        await auditRows(deps, { activity: 'Temporary Access Pass retired after registration' })
      ).filter((r) => r.targets[0]?.id === rita.id);
      assert.equal(retired?.result, 'success');
      assert.match(retired!.reason, /passkey "Rita phone"/);

      // The registering browser goes on: Security info without a sign-in, and the app by single sign-on.
      await page.goto(`${origin}/my/security-info`);
      assert.equal(new URL(page.url()).pathname, '/my/security-info');
      const flow = await startCodeFlow(page, rp, redirectUri, 'openid profile');
      const { payload } = await finishCodeFlow(page, rp, redirectUri, origin, flow);
      assert.equal(payload.sub, rita.id);
      assert.deepEqual(payload.amr, ['swk', 'mfa'], 'the session now rests on the passkey, not the pass');

      // The other browser's session, opened with the retired pass, has ended: Security info asks for a sign-in.
      await other.goto(`${origin}/my/security-info`);
      await other.waitForURL((u) => u.pathname.startsWith('/signin/'));
      await other.getByLabel('Email or username').waitFor();
      await elsewhere.close();
      await mine.close();
    });
  });
}
