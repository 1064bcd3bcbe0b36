// Passkeys end to end in real Chromium with the CDP virtual authenticator, on SQLite and PostgreSQL: a user signs in
// with password + pass, lands on Security info, registers a passkey (user verification, discoverable, a random user
// handle), cannot register the same authenticator twice, signs out, then signs in with the passkey alone from the
// first page (amr swk + mfa) and after the password; a cloned authenticator (an older counter) is refused and the
// sign-in log names the passkey; a passkey an administrator deleted is refused. (Chromium's virtual authenticator
// always counts, even from 0, so synced passkeys that stay at 0 are tested in test/store/passkeys.test.ts.)
// WebAuthn needs a domain: the server listens on 127.0.0.1, the browser and the
// issuer use http://localhost:PORT, so the relying party id is "localhost".

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { ACR_MFA } from '../../src/domain/signin/factors.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createFido2MethodsRepo } from '../../src/store/repos/fido2-methods.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import {
  type CodeFlow,
  enterUsername as username,
  enterPassword as password,
  finishCodeFlow,
  startCodeFlow,
} from '../support/browser-sign-in.js';
import { auditRows } from '../support/graph-http.js';
import { credentialsOf, withAuthenticator } from '../support/virtual-authenticator.js';
import { startLocalhostBrowser, type LocalhostBrowser } from '../support/localhost-browser.js';
import { cliContext, createDaemonApp, createPasswordUser } from '../support/sign-in-fixtures.js';

for (const dialect of dialects) {
  describe(`Passkeys in Chromium (${dialect})`, () => {
    let rig: LocalhostBrowser;
    let deps: Deps;
    let origin: string;
    let browser: Browser;
    let rp: client.Configuration;
    let redirectUri: string;
    let pat: UserRecord;
    const patPassword = 'pat has a long passphrase';
    /** Pat's browser: the tab holding the virtual authenticator with pat's passkey. */
    let mine: { context: BrowserContext; page: Page; cdp: CDPSession; authenticatorId: string };

    before(async () => {
      rig = await startLocalhostBrowser(dialect);
      ({ deps, origin, browser, rp, redirectUri } = rig);
      assert.equal(deps.config.rpId, 'localhost');
      pat = await createPasswordUser(deps, 'pat', patPassword);
      const context = await browser.newContext();
      mine = { context, ...(await withAuthenticator(context)) };
    });

    after(() => rig?.close());

    const startFlow = (page: Page) => startCodeFlow(page, rp, redirectUri, 'openid profile');

    const finish = async (page: Page, flow: CodeFlow) =>
      (await finishCodeFlow(page, rp, redirectUri, origin, flow)).payload;

    async function signOutOfMy(page: Page) {
      await page.goto(`${origin}/my`);
      // One click: /my ends its own session and the provider's, with no confirmation page.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/my/signed-out');
    }

    const lastSignIn = async (userId: string) =>
      (await createSignInsRepo(deps.db).listRecentSignIns(50)).find((r) => r.userId === userId);

    it('password + pass → Security info → registers a passkey (random user handle, rpID, counter, audit)', async () => {
      const { page, cdp, authenticatorId } = mine;
      const issued = await issueTemporaryAccessPass(deps, cliContext(), pat.id, { isUsableOnce: true });
      await page.goto(`${origin}/my/security-info`);
      await username(page, pat.userPrincipalName);
      await password(page, patPassword);
      assert.equal(await page.locator('h1').innerText(), 'Enter Temporary Access Pass');
      await page.getByLabel('Temporary Access Pass', { exact: true }).fill(issued.temporaryAccessPass);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');

      await page.locator('#add-passkey').click();
      await page.waitForURL((u) => u.pathname === '/my/security-info/passkey');
      assert.equal(await page.locator('h1').innerText(), 'Add a passkey');
      await page.getByLabel('Name', { exact: true }).fill('Laptop');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      // The name can be edited from the list.
      await page.getByRole('link', { name: 'Rename Laptop' }).click();
      await page.waitForURL((u) => u.pathname.endsWith('/rename'));
      await page.getByLabel('Name', { exact: true }).fill('Work laptop');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL((u) => u.pathname === '/my/security-info');
      assert.match(await page.locator('.method-passkey').innerText(), /Work laptop/);

      const stored = await createFido2MethodsRepo(deps.db).listOfUser(pat.id);
      assert.equal(stored.length, 1);
      const [passkey] = stored;
      assert.equal(passkey!.displayName, 'Work laptop');
      assert.equal(passkey!.rpId, 'localhost');
      assert.equal(passkey!.attestationLevel, 'notAttested', "attestation 'none': nothing proves hardware");
      assert.ok(passkey!.transports.includes('internal'));

      const [held] = await credentialsOf(cdp, authenticatorId);
      assert.ok(held, 'the authenticator holds the passkey');
      assert.equal(held.isResidentCredential, true, 'a discoverable credential');
      assert.equal(held.rpId, 'localhost');
      assert.equal(Buffer.from(held.credentialId, 'base64').toString('base64url'), passkey!.credentialId);
      const handle = Buffer.from(held.userHandle, 'base64');
      assert.equal(handle.length, 32, 'the user handle is 32 random bytes');
      assert.ok(!handle.toString('utf8').includes('pat'), 'never the UPN');
      assert.equal((await createUsersRepo(deps.db).findUserByWebauthnHandle(handle.toString('base64url')))?.id, pat.id);
      assert.equal(passkey!.signCount, held.signCount);

      const registered = (await auditRows(deps, { activity: 'User registered security info' })).filter(
        (r) => r.reason === 'User registered Fido2 Authentication Method',
      );
      assert.equal(registered.length, 1);
      assert.equal(registered[0]!.result, 'success');
      assert.equal(registered[0]!.targets[0]!.id, pat.id);
    });

    it('the same authenticator cannot register twice (excludeCredentials)', async () => {
      const { page } = mine;
      await page.goto(`${origin}/my/security-info/passkey`);
      await page.getByLabel('Name', { exact: true }).fill('Again');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      const error = page.locator('#passkey-error');
      await error.waitFor({ state: 'visible' });
      assert.match(await error.innerText(), /already holds a passkey for your account/);
      assert.equal((await createFido2MethodsRepo(deps.db).listOfUser(pat.id)).length, 1);
    });

    it('signs out, then signs in with the passkey alone from the first page: amr swk + mfa, logged as Passkey', async () => {
      const { page } = mine;
      await signOutOfMy(page);
      const flow = await startFlow(page);
      assert.equal(await page.locator('h1').innerText(), 'Sign in');
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      const payload = await finish(page, flow);
      assert.equal(payload.sub, pat.id);
      assert.deepEqual(payload.amr, ['swk', 'mfa']);
      assert.equal(payload.acr, ACR_MFA);
      const log = await lastSignIn(pat.id);
      assert.equal(log?.errorCode, 0);
      assert.deepEqual(
        log?.methods.map((m) => m.method),
        ['Passkey'],
      );
      assert.ok((await createFido2MethodsRepo(deps.db).listOfUser(pat.id))[0]!.lastUsedAt, 'the use is recorded');
    });

    it('after the username: password, then the passkey step (the user has no other second factor)', async () => {
      // The provider session of the previous sign-in belongs to the app's tab; a new context has the authenticator's
      // tab only in pat's context, so start a fresh sign-in there with prompt-free flow after clearing the cookies.
      await mine.context.clearCookies();
      const flow = await startFlow(mine.page);
      await username(mine.page, pat.userPrincipalName);
      await password(mine.page, patPassword);
      assert.equal(await mine.page.locator('h1').innerText(), 'Sign in with a passkey');
      assert.match(await mine.page.locator('#login-name').innerText(), /pat@/);
      await mine.page.getByRole('button', { name: 'Use my passkey' }).click();
      const payload = await finish(mine.page, flow);
      assert.deepEqual(payload.amr, ['pwd', 'swk', 'mfa']);
      const log = await lastSignIn(pat.id);
      assert.deepEqual(
        log?.methods.map((m) => m.method),
        ['Password', 'Passkey'],
      );
    });

    it('a cloned authenticator (an older counter) is refused and logged; the real one keeps working', async () => {
      const { cdp, authenticatorId } = mine;
      const [held] = await credentialsOf(cdp, authenticatorId);
      const before = (await createFido2MethodsRepo(deps.db).listOfUser(pat.id))[0]!;
      assert.ok(before.signCount > 1, `the counter moved (${before.signCount})`);

      // The clone: the same key in another browser's authenticator, with a counter from an earlier copy.
      const other = await browser.newContext();
      const clone = await withAuthenticator(other);
      await clone.cdp.send('WebAuthn.addCredential', {
        authenticatorId: clone.authenticatorId,
        credential: { ...held!, signCount: 0 },
      });
      const flow = await startFlow(clone.page);
      await clone.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      // The form posts once the authenticator answered: wait for the page it leads to.
      await clone.page.getByRole('heading', { name: 'Passkey refused' }).waitFor();
      assert.match(await clone.page.locator('body').innerText(), /may have been copied/);
      assert.match(await clone.page.locator('body').innerText(), /90133/);
      await other.close();
      const log = await lastSignIn(pat.id);
      assert.equal(log?.errorCode, 90133);
      assert.deepEqual(
        log?.methods.map((m) => [m.method, m.succeeded]),
        [['Passkey', false]],
      );
      assert.equal(
        (await createFido2MethodsRepo(deps.db).listOfUser(pat.id))[0]!.signCount,
        before.signCount,
        'the stored counter did not go back',
      );
      void flow;

      // The genuine authenticator is ahead of the stored counter: it still signs in.
      await mine.context.clearCookies();
      const again = await startFlow(mine.page);
      await mine.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      assert.deepEqual((await finish(mine.page, again)).amr, ['swk', 'mfa']);
    });

    it('the options endpoints answer JSON refusals naming the field; a bad registration answer re-shows the page with its error', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await startFlow(page);
      const url = new URL(page.url());
      const csrf = await page.locator('#passkey-form input[name="csrf"]').getAttribute('value');
      const options = (data: object) => page.request.post(`${origin}${url.pathname}/passkey/options`, { data });
      const badCsrf = await options({ csrf: 'nope', mode: 'discoverable' });
      assert.equal(badCsrf.status(), 403);
      assert.equal((await badCsrf.json()).target, 'csrf');
      const badMode = await options({ csrf, mode: 'sideways' });
      assert.equal(badMode.status(), 400);
      assert.equal((await badMode.json()).target, 'mode');
      const tooEarly = await options({ csrf, mode: 'user' });
      assert.equal(tooEarly.status(), 409, 'no username yet');
      const ok = await options({ csrf, mode: 'discoverable' });
      assert.equal(ok.status(), 200);
      const body = (await ok.json()) as {
        challenge: string;
        rpId: string;
        userVerification: string;
        allowCredentials?: unknown;
      };
      assert.equal(body.rpId, 'localhost');
      assert.equal(body.userVerification, 'required');
      assert.equal(body.allowCredentials, undefined);
      const otherInteraction = await context.request.post(`${origin}/signin/not-this-one/passkey/options`, {
        data: { csrf, mode: 'discoverable' },
      });
      assert.equal(otherInteraction.status(), 400);

      const signedOut = await page.request.post(`${origin}/my/security-info/passkey/options`, { data: { csrf: 'x' } });
      assert.equal(signedOut.status(), 401);
      await context.close();

      // Pat's session (a pass sign-in a few minutes ago) may still add methods: a forged answer is refused on the page.
      await mine.context.clearCookies();
      const issued = await issueTemporaryAccessPass(deps, cliContext(), pat.id, { isUsableOnce: true });
      await mine.page.goto(`${origin}/my/security-info/passkey`);
      await username(mine.page, pat.userPrincipalName);
      await password(mine.page, patPassword);
      assert.equal(
        await mine.page.locator('h1').innerText(),
        'Enter Temporary Access Pass',
        'a live pass is asked before the passkey',
      );
      await mine.page.getByLabel('Temporary Access Pass', { exact: true }).fill(issued.temporaryAccessPass);
      await mine.page.getByRole('button', { name: 'Sign in' }).click();
      await mine.page.waitForURL((u) => u.pathname === '/my/security-info/passkey');
      const myCsrf = await mine.page.locator('#passkey-form input[name="csrf"]').getAttribute('value');
      const wrongCsrf = await mine.page.request.post(`${origin}/my/security-info/passkey/options`, {
        data: { csrf: 'x' },
      });
      assert.equal(wrongCsrf.status(), 403);
      assert.equal((await wrongCsrf.json()).target, 'csrf');
      const forged = await mine.page.request.post(`${origin}/my/security-info/passkey`, {
        form: { csrf: myCsrf!, displayName: 'Forged', credential: '{"id":"x"}' },
      });
      assert.equal(forged.status(), 400);
      assert.match(await forged.text(), /passkey answer is missing or not valid/);
      const longName = await mine.page.request.post(`${origin}/my/security-info/passkey`, {
        form: { csrf: myCsrf!, displayName: 'n'.repeat(201), credential: '' },
      });
      assert.equal(longName.status(), 400);
      assert.match(await longName.text(), /at most 200 characters/);
      assert.equal((await createFido2MethodsRepo(deps.db).listOfUser(pat.id)).length, 1);
    });

    it('a passkey an administrator deleted through Graph stops working at the next sign-in', async () => {
      const daemon = await createDaemonApp(deps, ['UserAuthenticationMethod.ReadWrite.All']);
      const automation = await client.discovery(
        new URL(origin),
        daemon.app.appId,
        daemon.secret.secretText,
        undefined,
        { execute: [client.allowInsecureRequests] },
      );
      const { access_token } = await client.clientCredentialsGrant(automation, {
        scope: 'https://graph.microsoft.com/.default',
      });
      const [passkey] = await createFido2MethodsRepo(deps.db).listOfUser(pat.id);
      const res = await fetch(`${origin}/v1.0/users/${pat.id}/authentication/fido2Methods/${passkey!.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${access_token}` },
      });
      assert.equal(res.status, 204);

      await mine.context.clearCookies();
      await startFlow(mine.page);
      await mine.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await mine.page.locator('#error-summary').waitFor();
      assert.match(await mine.page.locator('#error-summary').innerText(), /not registered here/);
      assert.equal(await mine.page.locator('h1').innerText(), 'Sign in', 'back on the first page');
      const log = (await createSignInsRepo(deps.db).listRecentSignIns(50)).find((r) => r.errorCode === 90131);
      assert.equal(log?.userId, null, 'nobody is named by an unknown passkey');
      assert.deepEqual(
        log?.methods.map((m) => [m.method, m.succeeded]),
        [['Passkey', false]],
      );
    });
  });
}
