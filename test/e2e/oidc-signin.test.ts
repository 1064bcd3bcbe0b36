// End to end in headless Chromium with openid-client: code + PKCE sign-in with a password, ID token verified,
// security-defaults refusal, one user per interaction, refresh rotation and reuse, a disabled user's refresh token, end-session.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { ACR_PASSWORD } from '../../src/domain/signin/factors.js';
import type { Deps } from '../../src/services/deps.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { enterPassword, enterUsername, startCodeFlow } from '../support/browser-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createApplication } from '../../src/services/applications.js';
import {
  cliContext,
  createPasswordUser,
  createWebApp,
  launchChromium,
  securityDefaults,
} from '../support/sign-in-fixtures.js';

const ALICE_PASSWORD = 'correct horse battery staple 1';
const BOB_PASSWORD = 'another long passphrase 2';

for (const dialect of dialects) {
  describe(`OIDC sign-in in Chromium (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;
    let config: client.Configuration;
    let alice: UserRecord;
    let bob: UserRecord;
    let redirectUri: string;

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      browser = await launchChromium();
      alice = await createPasswordUser(deps, 'alice', ALICE_PASSWORD);
      bob = await createPasswordUser(deps, 'bob', BOB_PASSWORD);
      redirectUri = `${s.url}/test-callback`;
      const { app, secret } = await createWebApp(deps, redirectUri);
      config = await client.discovery(new URL(s.url), app.appId, secret.secretText, undefined, {
        execute: [client.allowInsecureRequests],
      });
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    const startFlow = (page: Page, scope = 'openid profile offline_access') =>
      startCodeFlow(page, config, redirectUri, scope);

    async function enterCredentials(page: Page, upn: string, password: string) {
      await enterUsername(page, upn);
      await enterPassword(page, password);
    }

    async function signIn(page: Page, upn: string, password: string) {
      const { verifier, state } = await startFlow(page);
      await enterCredentials(page, upn, password);
      await page.waitForURL((u) => u.href.startsWith(redirectUri));
      return client.authorizationCodeGrant(config, new URL(page.url()), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
    }

    it('signs in with a password (security defaults off): ID token verified, claims as Entra', async () => {
      await securityDefaults(deps, false);
      const context = await browser.newContext();
      const page = await context.newPage();
      const tokens = await signIn(page, alice.userPrincipalName, ALICE_PASSWORD);
      await context.close();

      const jwks = createRemoteJWKSet(new URL(`${s.url}/discovery/v2.0/keys`));
      const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, {
        issuer: s.url,
        audience: config.clientMetadata().client_id,
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.sub, alice.id);
      assert.equal(payload.oid, alice.id);
      assert.equal(payload.tid, deps.tenant.id);
      assert.equal(payload.preferred_username, alice.userPrincipalName);
      assert.equal(payload.name, alice.displayName);
      assert.deepEqual(payload.amr, ['pwd']);
      assert.equal(payload.acr, ACR_PASSWORD);
      assert.equal(typeof payload.auth_time, 'number');
      assert.ok(tokens.refresh_token, 'a refresh token is issued');

      const info = await client.fetchUserInfo(config, tokens.access_token, alice.id);
      assert.equal(info.preferred_username, alice.userPrincipalName);

      const rows = (await createSignInsRepo(deps.db).listRecentSignIns(20)).filter(
        (r) => r.userId === alice.id && r.errorCode === 0,
      );
      assert.ok(rows.length >= 1, 'the successful sign-in is in the sign-in log');
      assert.deepEqual(rows[0]!.methods, [{ method: 'Password', succeeded: true }]);
    });

    it('asks for consent for an app created with requireConsent, then issues the code', async () => {
      await securityDefaults(deps, false);
      const consentRedirect = `${s.url}/consent-callback`;
      const { app, secret } = await createApplication(deps, cliContext(), {
        displayName: 'Third-party app',
        kind: 'web',
        redirectUris: [consentRedirect],
        requireConsent: true,
      });
      const thirdParty = await client.discovery(new URL(s.url), app.appId, secret.secretText, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      const verifier = client.randomPKCECodeVerifier();
      await page.goto(
        client.buildAuthorizationUrl(thirdParty, {
          redirect_uri: consentRedirect,
          scope: 'openid profile',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        }).href,
      );
      await enterCredentials(page, alice.userPrincipalName, ALICE_PASSWORD);
      assert.equal(await page.locator('h1').innerText(), 'Permissions requested');
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.waitForURL((u) => u.href.startsWith(consentRedirect));
      const tokens = await client.authorizationCodeGrant(thirdParty, new URL(page.url()), {
        pkceCodeVerifier: verifier,
      });
      assert.equal(tokens.claims()?.sub, alice.id);
      await context.close();
    });

    it('rotates refresh tokens; reusing a rotated one is refused and revokes the grant', async () => {
      await securityDefaults(deps, false);
      const context = await browser.newContext();
      const tokens = await signIn(await context.newPage(), alice.userPrincipalName, ALICE_PASSWORD);
      await context.close();
      const first = tokens.refresh_token!;
      const next = await client.refreshTokenGrant(config, first);
      assert.ok(next.refresh_token && next.refresh_token !== first, 'a new refresh token replaces the old one');
      await assert.rejects(
        client.refreshTokenGrant(config, first),
        (e: Error & { error?: string }) => e.error === 'invalid_grant',
      );
      // Reuse detection: the whole grant is gone, so the newest token is refused too.
      await assert.rejects(
        client.refreshTokenGrant(config, next.refresh_token!),
        (e: Error & { error?: string }) => e.error === 'invalid_grant',
      );
    });

    it("refuses a disabled user's refresh token", async () => {
      await securityDefaults(deps, false);
      const context = await browser.newContext();
      const tokens = await signIn(await context.newPage(), bob.userPrincipalName, BOB_PASSWORD);
      await context.close();
      const ok = await client.refreshTokenGrant(config, tokens.refresh_token!);
      await createUsersRepo(deps.db).updateUser(bob.id, { accountEnabled: false });
      try {
        await assert.rejects(
          client.refreshTokenGrant(config, ok.refresh_token!),
          (e: Error & { error?: string }) => e.error === 'invalid_grant',
        );
      } finally {
        await createUsersRepo(deps.db).updateUser(bob.id, { accountEnabled: true });
      }
    });

    // As in Entra, sign-out ends the browser session (SSO); refresh tokens already issued to apps stay until revoked.
    it('ends the session at /oauth2/v2.0/logout: the next sign-in asks for the username again', async () => {
      await securityDefaults(deps, false);
      const context = await browser.newContext();
      const page = await context.newPage();
      const tokens = await signIn(page, alice.userPrincipalName, ALICE_PASSWORD);
      const logout = client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: `${s.url}/`,
      });
      assert.ok(logout.pathname.endsWith('/oauth2/v2.0/logout'));
      assert.ok(
        (await context.cookies(s.url)).some((c) => c.name === 'gp-session'),
        'signed in: a session cookie is set',
      );
      await page.goto(logout.href);
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      // Back at the app's post-logout address, `/`, which sends a browser on to /my and so to a new sign-in.
      await page.waitForURL((u) => u.pathname.startsWith('/signin/'));
      assert.ok(await page.getByLabel('Email or username').isVisible(), 'signed out: /my asks who is signing in');
      const cookies = await context.cookies(s.url);
      assert.ok(!cookies.some((c) => c.name === 'gp-session'), 'the session cookie is gone');
      await startFlow(page);
      assert.ok(await page.getByLabel('Email or username').isVisible(), 'signed out: the username step is shown again');
      await context.close();
    });

    it('refuses a password alone while security defaults are on, with a helpdesk/TAP message and a logged correlation id', async () => {
      await securityDefaults(deps, true);
      const context = await browser.newContext();
      const page = await context.newPage();
      await startFlow(page);
      await enterCredentials(page, alice.userPrincipalName, ALICE_PASSWORD);
      const message = await page.getByRole('alert').innerText();
      assert.match(message, /second sign-in method/);
      assert.match(message, /helpdesk/);
      assert.match(message, /Temporary Access Pass/);
      assert.equal(await page.locator('#error-code').innerText(), 'AADSTS50079');
      const correlationId = await page.locator('#correlation-id').innerText();
      assert.match(await page.locator('#timestamp').innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      assert.ok(!page.url().startsWith(redirectUri), 'no code was issued');
      await context.close();
      const rows = await createSignInsRepo(deps.db).findSignInsByCorrelationId(correlationId);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.userId, alice.id);
      assert.equal(rows[0]!.errorCode, 50079);
      assert.match(rows[0]!.failureReason ?? '', /Temporary Access Pass/);
    });

    it("refuses bob's username in an interaction already bound to alice, and after alice's password", async () => {
      await securityDefaults(deps, true);
      const context = await browser.newContext();
      const page = await context.newPage();
      await startFlow(page);
      await page.getByLabel('Email or username').fill(alice.userPrincipalName);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).waitFor();
      const action = await page.locator('form:has(#password)').getAttribute('action');
      const csrf = await page.locator('form:has(#password) input[name=csrf]').getAttribute('value');
      const target = new URL(action!, s.url).href;

      const swap = await page.request.post(target, {
        form: { csrf: csrf!, action: 'username', username: bob.userPrincipalName },
        maxRedirects: 0,
      });
      assert.equal(swap.status(), 400);
      assert.match(await swap.text(), /started for another account/);
      const logged = (await createSignInsRepo(deps.db).listRecentSignIns(10)).find((r) => r.errorCode === 90100);
      assert.equal(logged?.userId, bob.id);

      // The interaction has ended: even the right password for either user no longer does anything.
      const after = await page.request.post(target, {
        form: { csrf: csrf!, action: 'password', password: BOB_PASSWORD },
        maxRedirects: 0,
      });
      assert.equal(after.status(), 400);
      assert.match(await after.text(), /This sign-in has ended/);

      // A fresh interaction: alice's correct password (refused by security defaults), then bob's username.
      await startFlow(page);
      await page.getByLabel('Email or username').fill(alice.userPrincipalName);
      await page.getByRole('button', { name: 'Next' }).click();
      const action2 = new URL((await page.locator('form:has(#password)').getAttribute('action'))!, s.url).href;
      const csrf2 = (await page.locator('form:has(#password) input[name=csrf]').getAttribute('value'))!;
      await page.getByLabel('Password', { exact: true }).fill(ALICE_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#correlation-id').waitFor();
      const bobAfterAlice = await page.request.post(action2, {
        form: { csrf: csrf2, action: 'username', username: bob.userPrincipalName },
        maxRedirects: 0,
      });
      assert.equal(bobAfterAlice.status(), 400);
      assert.match(await bobAfterAlice.text(), /This sign-in has ended/);
      const bobPassword = await page.request.post(action2, {
        form: { csrf: csrf2, action: 'password', password: BOB_PASSWORD },
        maxRedirects: 0,
      });
      assert.equal(bobPassword.status(), 400, 'no login for bob either');
      await context.close();
    });
  });
}
