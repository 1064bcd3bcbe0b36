// Authenticator apps end to end in real Chromium with openid-client, on SQLite and PostgreSQL: a user signs in with
// password + pass, lands on Security info, registers an app by reading the key from the page and computing the code
// with the otpauth package (independent of Gatepass's own TOTP code), signs out, then signs in with password + code
// (amr pwd, otp, mfa; the sign-in log names 'OATH verification code'); a replayed and a wrong code are refused with
// their own messages. A password-only session and a stale one are asked to sign in again. The server runs on a clock
// the test moves (code steps, the method-change window); oidc-provider keeps real time.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { graphJsClient } from '../support/graph-js-client.js';
import * as client from 'openid-client';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ACR_MFA } from '../../src/domain/signin/factors.js';
import type { Deps } from '../../src/services/deps.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import {
  type CodeFlow,
  enterUsername as username,
  enterPassword as password,
  finishCodeFlow,
  startCodeFlow,
} from '../support/browser-sign-in.js';
import { auditRows } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import {
  createDaemonApp,
  createPasswordUser,
  createWebApp,
  launchChromium,
  securityDefaults,
} from '../support/sign-in-fixtures.js';
import { MovableClock } from '../support/movable-clock.js';

interface GraphTap {
  temporaryAccessPass: string;
}

for (const dialect of dialects) {
  describe(`Authenticator app in Chromium (${dialect})`, () => {
    const clock = new MovableClock();
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;
    let rp: client.Configuration;
    let graph: Client;
    let redirectUri: string;
    let nora: UserRecord;
    const noraPassword = 'nora has a long passphrase';
    /** The key nora's authenticator app holds, as read from the page. */
    let noraKey = '';

    before(async () => {
      s = await startTestServer(dialect, {}, clock);
      deps = s.runtime.deps;
      browser = await launchChromium();
      redirectUri = `${s.url}/rp-callback`;
      const web = await createWebApp(deps, redirectUri);
      rp = await client.discovery(new URL(s.url), web.app.appId, web.secret.secretText, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const daemon = await createDaemonApp(deps, [
        'User.Read.All',
        'UserAuthenticationMethod.ReadWrite.All',
        'AuditLog.Read.All',
      ]);
      const automation = await client.discovery(new URL(s.url), daemon.app.appId, daemon.secret.secretText, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const { access_token } = await client.clientCredentialsGrant(automation, {
        scope: 'https://graph.microsoft.com/.default',
      });
      graph = graphJsClient(s.url, access_token);
      nora = await createPasswordUser(deps, 'nora', noraPassword);
      clock.nextStep();
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    /** What an authenticator app holding `key` shows now (on the server's clock). */
    const appCode = (key: string) =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
        timestamp: clock.now().getTime(),
      });

    async function fresh(): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext();
      return { context, page: await context.newPage() };
    }

    const startFlow = (page: Page) => startCodeFlow(page, rp, redirectUri, 'openid profile');

    const finish = async (page: Page, flow: CodeFlow) =>
      (await finishCodeFlow(page, rp, redirectUri, s.url, flow)).payload;

    async function code(page: Page, value: string) {
      assert.equal(await page.locator('h1').innerText(), 'Enter code');
      await page.getByLabel('Code', { exact: true }).fill(value);
      await page.getByRole('button', { name: 'Verify' }).click();
    }

    it('password + pass → Security info → registers an authenticator app from the key on the page', async () => {
      const issued = (await graph
        .api(`/users/${nora.id}/authentication/temporaryAccessPassMethods`)
        .post({ isUsableOnce: true })) as GraphTap;
      const { context, page } = await fresh();
      await page.goto(`${s.url}/my`);
      await username(page, nora.userPrincipalName);
      await password(page, noraPassword);
      await page.getByLabel('Temporary Access Pass', { exact: true }).fill(issued.temporaryAccessPass);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');

      await page.getByRole('link', { name: 'Authenticator app' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info/authenticator-app');
      assert.equal(await page.locator('h1').innerText(), 'Set up your authenticator app');
      assert.ok(
        await page.getByRole('img', { name: /QR code/ }).isVisible(),
        'the QR code is shown with its text alternative',
      );
      const shown = await page.locator('#authenticator-secret').innerText();
      assert.match(shown, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
      noraKey = shown.replace(/ /g, '');

      // A wrong code first: the same page, the error announced, the same key.
      const right = appCode(noraKey);
      await page.getByLabel('Code', { exact: true }).fill(String((Number(right) + 1) % 1_000_000).padStart(6, '0'));
      await page.getByRole('button', { name: 'Save' }).click();
      assert.match(await page.getByRole('alert').innerText(), /That code is not correct/);
      assert.equal((await page.locator('#authenticator-secret').innerText()).replace(/ /g, ''), noraKey);

      await page.getByLabel('Name', { exact: true }).fill("Nora's phone");
      await page.getByLabel('Code', { exact: true }).fill(appCode(noraKey));
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      const [app] = await createAuthenticatorAppsRepo(deps.db).listOfUser(nora.id);
      assert.equal(app?.displayName, "Nora's phone");
      assert.match(await page.locator(`#method-app-${app!.id}`).innerText(), /Nora's phone/);

      const row = await deps.db
        .selectFrom('software_oath_methods')
        .selectAll()
        .where('user_id', '=', nora.id)
        .executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(noraKey), 'the key is not in clear in the database');
      const registered = (await auditRows(deps, { activity: 'User registered security info' })).filter(
        (r) => r.targets[0]?.id === nora.id && r.result === 'success',
      );
      assert.deepEqual(
        registered.map((r) => r.reason),
        ['User registered Software Oath Token method'],
      );

      // Sign out of /my and of the provider session.
      await page.goto(`${s.url}/my`);
      // One click: /my ends its own session and the provider's, with no confirmation page.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/my/signed-out');
      await context.close();
    });

    it('signs in with password + code: amr pwd, otp, mfa, and the sign-in log names the OATH verification code', async () => {
      assert.ok(noraKey, 'the app was registered');
      // The registration spent its code's step: sign in on the next one.
      clock.nextStep();
      const { context, page } = await fresh();
      const flow = await startFlow(page);
      await username(page, nora.userPrincipalName);
      await password(page, noraPassword);
      await code(page, appCode(noraKey));
      const payload = await finish(page, flow);
      await context.close();
      assert.equal(payload.sub, nora.id);
      assert.deepEqual(payload.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(payload.acr, ACR_MFA);

      const logs = (await graph.api('/auditLogs/signIns').filter(`userId eq '${nora.id}'`).get()) as {
        value: {
          status: { errorCode: number };
          authenticationMethodsUsed: string[];
          authenticationDetails: { authenticationMethod: string; succeeded: boolean }[];
        }[];
      };
      const ok = logs.value.filter((l) => l.status.errorCode === 0);
      assert.deepEqual(ok[0]?.authenticationMethodsUsed, ['Password', 'OATH verification code']);
    });

    it('a replayed code and a wrong code are refused, each with its own message; the next code then signs in', async () => {
      // A first sign-in uses this step's code…
      clock.nextStep();
      const used = appCode(noraKey);
      {
        const { context, page } = await fresh();
        const flow = await startFlow(page);
        await username(page, nora.userPrincipalName);
        await password(page, noraPassword);
        await code(page, used);
        await finish(page, flow);
        await context.close();
      }
      // …and the same code typed again in a new sign-in within the same step is a replay.
      const { context, page } = await fresh();
      const flow = await startFlow(page);
      await username(page, nora.userPrincipalName);
      await password(page, noraPassword);
      await code(page, used);
      assert.match(
        await page.getByRole('alert').innerText(),
        /That code was already used\. Wait until your authenticator app shows a new code/,
      );
      assert.equal(await page.locator('#otp').getAttribute('aria-invalid'), 'true');

      await code(page, String((Number(used) + 500_000) % 1_000_000).padStart(6, '0'));
      assert.match(await page.getByRole('alert').innerText(), /That code is not correct/);

      const logs = (await graph.api('/auditLogs/signIns').filter(`userId eq '${nora.id}'`).get()) as {
        value: { status: { errorCode: number; failureReason: string } }[];
      };
      const codes = logs.value.map((l) => l.status.errorCode);
      assert.ok(codes.includes(90121), 'the replay is in the sign-in log');
      assert.ok(codes.includes(90120), 'the wrong code is in the sign-in log');

      // The password is still proved: the next step's code completes this very sign-in.
      clock.nextStep();
      await code(page, appCode(noraKey));
      const payload = await finish(page, flow);
      await context.close();
      assert.deepEqual(payload.amr, ['pwd', 'otp', 'mfa']);
    });

    it('a stale session is asked to sign in again, and the step-up with password + code opens the page again', async () => {
      clock.nextStep();
      const { context, page } = await fresh();
      await page.goto(`${s.url}/my/security-info/authenticator-app`);
      await username(page, nora.userPrincipalName);
      await password(page, noraPassword);
      await code(page, appCode(noraKey));
      await page.waitForURL((u) => u.pathname === '/my/security-info/authenticator-app');
      assert.equal(await page.locator('h1').innerText(), 'Set up your authenticator app');

      clock.advance((deps.config.methodChangeWindowMinutes + 1) * 60);
      const response = await page.goto(`${s.url}/my/security-info/authenticator-app`);
      assert.equal(response?.status(), 403);
      assert.equal(await page.locator('h1').innerText(), 'Sign in again');
      assert.match(
        await page.locator('#reauthenticate-reason').innerText(),
        new RegExp(`in the last ${deps.config.methodChangeWindowMinutes} minutes`),
      );
      assert.equal(await page.locator('#authenticator-secret').count(), 0);

      clock.nextStep();
      await page.getByRole('button', { name: 'Sign in again' }).click();
      // prompt=login: a new sign-in from the username, then the password and the code (acr mfa).
      await username(page, nora.userPrincipalName);
      await password(page, noraPassword);
      await code(page, appCode(noraKey));
      await page.waitForURL((u) => u.pathname === '/my/security-info/authenticator-app');
      assert.match(await page.locator('#authenticator-secret').innerText(), /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
      await context.close();
    });

    it('a password-only session (security defaults off) gets "Sign in again" and no key', async () => {
      const omar = await createPasswordUser(deps, 'omar', 'omar has a long passphrase');
      await securityDefaults(deps, false);
      try {
        const { context, page } = await fresh();
        await page.goto(`${s.url}/my`);
        await username(page, omar.userPrincipalName);
        await password(page, 'omar has a long passphrase');
        await page.waitForURL((u) => u.pathname === '/my');
        const response = await page.goto(`${s.url}/my/security-info/authenticator-app`);
        assert.equal(response?.status(), 403);
        assert.match(await page.locator('#reauthenticate-reason').innerText(), /You signed in with your password only/);
        assert.equal(await page.locator('#authenticator-secret').count(), 0);
        await context.close();
      } finally {
        await securityDefaults(deps, true);
      }
      assert.equal((await createAuthenticatorAppsRepo(deps.db).listOfUser(omar.id)).length, 0);
    });
  });
}
