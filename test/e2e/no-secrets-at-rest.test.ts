// Threat: a stolen database (SQLite file with its -wal, or PostgreSQL rows) must give no password, session id or
// cookie value, authorization code, refresh or access token, client secret, private key or authenticator-app secret.
// Runs real flows first.

import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { userActor } from '../../src/domain/audit.js';
import { cookieKeySchedule } from '../../src/services/cookie-keys.js';
import { createKeysRepo } from '../../src/store/repos/keys.js';
import { enrolAuthenticatorApp } from '../support/authenticator-app.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import {
  cliContext,
  createDaemonApp,
  createPasswordUser,
  createWebApp,
  launchChromium,
  securityDefaults,
} from '../support/sign-in-fixtures.js';

const PASSWORD = 'stolen-db-should-not-reveal-this-9';

async function dumpDatabase(s: TestServer): Promise<string> {
  const { store } = s.runtime.deps;
  if (store.dialect === 'sqlite') {
    const file = store.sqliteFile!;
    const parts = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
    assert.ok(parts.length >= 1);
    return parts.join('\n');
  }
  const conn = new pg.Client({ connectionString: s.database.databaseUrl });
  await conn.connect();
  try {
    const tables = await conn.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public'",
    );
    const out: string[] = [];
    for (const { tablename } of tables.rows) {
      const rows = await conn.query<{ t: string }>(`select row_to_json(x)::text as t from "${tablename}" x`);
      out.push(...rows.rows.map((r) => r.t));
    }
    return out.join('\n');
  } finally {
    await conn.end();
  }
}

for (const dialect of dialects) {
  describe(`no secrets at rest (${dialect})`, () => {
    let s: TestServer;
    let browser: Browser;
    const secrets = new Map<string, string>();
    const remember = (name: string, value: string | undefined) => {
      assert.ok(value && value.length >= 8, `${name} was captured`);
      secrets.set(`${name} #${secrets.size}`, value);
    };

    before(async () => {
      s = await startTestServer(dialect);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await s?.close();
    });

    it('holds none of the secrets the flows handled', async () => {
      const deps = s.runtime.deps;
      await securityDefaults(deps, false);
      const alice = await createPasswordUser(deps, 'alice', PASSWORD);
      remember('password', PASSWORD);

      // Client credentials.
      const daemon = await createDaemonApp(deps);
      remember('daemon client secret', daemon.secret.secretText);
      const cc = await fetch(`${s.url}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'https://graph.microsoft.com/.default',
          client_id: daemon.app.appId,
          client_secret: daemon.secret.secretText,
        }),
      });
      assert.equal(cc.status, 200);
      remember('app access token', ((await cc.json()) as { access_token: string }).access_token);

      // Browser sign-in: code + PKCE, refresh, userinfo access token, session and interaction cookies.
      const redirectUri = `${s.url}/test-callback`;
      const web = await createWebApp(deps, redirectUri);
      remember('web client secret', web.secret.secretText);
      const config = await client.discovery(new URL(s.url), web.app.appId, web.secret.secretText, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      const verifier = client.randomPKCECodeVerifier();
      remember('PKCE verifier', verifier);
      const state = client.randomState();
      await page.goto(
        client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid profile offline_access',
          state,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        }).href,
      );
      await page.getByLabel('Email or username').fill(alice.userPrincipalName);
      await page.getByRole('button', { name: 'Next' }).click();
      for (const c of await context.cookies(`${s.url}${new URL(page.url()).pathname}`))
        remember(`cookie ${c.name}`, c.value);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.href.startsWith(redirectUri));
      const callback = new URL(page.url());
      remember('authorization code', callback.searchParams.get('code') ?? undefined);
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      remember('refresh token', tokens.refresh_token);
      remember('access token', tokens.access_token);
      remember('id token', tokens.id_token);
      const rotated = await client.refreshTokenGrant(config, tokens.refresh_token!);
      remember('rotated refresh token', rotated.refresh_token);
      remember('rotated access token', rotated.access_token);
      for (const c of await context.cookies(s.url)) remember(`cookie ${c.name}`, c.value);

      // The /my first-party client signs in through the same session and keeps its own cookie.
      await page.goto(`${s.url}/my`);
      await page.locator('#upn').waitFor();
      assert.equal(await page.locator('#upn').innerText(), alice.userPrincipalName);
      for (const c of await context.cookies(s.url)) remember(`cookie ${c.name}`, c.value);
      await context.close();

      // Temporary Access Passes: the first admin's (printed at first start), and a pass issued and used for a sign-in
      // with password + pass under security defaults.
      remember('first admin pass', s.runtime.firstAdminPass?.temporaryAccessPass);
      await securityDefaults(deps, true);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), alice.id, { isUsableOnce: true });
      remember('temporary access pass', issued.temporaryAccessPass);
      const tapContext = await browser.newContext();
      const tapPage = await tapContext.newPage();
      const tapVerifier = client.randomPKCECodeVerifier();
      await tapPage.goto(
        client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid offline_access',
          code_challenge: await client.calculatePKCECodeChallenge(tapVerifier),
          code_challenge_method: 'S256',
        }).href,
      );
      await tapPage.getByLabel('Email or username').fill(alice.userPrincipalName);
      await tapPage.getByRole('button', { name: 'Next' }).click();
      await tapPage.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await tapPage.getByRole('button', { name: 'Sign in' }).click();
      await tapPage.getByLabel('Temporary Access Pass', { exact: true }).fill(issued.temporaryAccessPass);
      await tapPage.getByRole('button', { name: 'Sign in' }).click();
      await tapPage.waitForURL((u) => u.href.startsWith(redirectUri));
      const tapTokens = await client.authorizationCodeGrant(config, new URL(tapPage.url()), {
        pkceCodeVerifier: tapVerifier,
      });
      assert.ok(((tapTokens.claims()?.amr ?? []) as string[]).includes('tap'));
      remember('pass sign-in refresh token', tapTokens.refresh_token);
      for (const c of await tapContext.cookies(s.url)) remember(`cookie ${c.name}`, c.value);
      await tapContext.close();

      // An authenticator app's secret, in every form a thief could use (base32 as typed, hex, base64).
      const userCtx = { ...cliContext(), actor: userActor(alice, null) };
      const { totp, secretBase32 } = await enrolAuthenticatorApp(deps, userCtx, alice);
      const raw = Buffer.from(totp.secret.bytes);
      remember('TOTP secret (base32)', secretBase32);
      remember('TOTP secret (hex)', raw.toString('hex'));
      remember('TOTP secret (base64)', raw.toString('base64'));
      remember('TOTP secret (base64url)', raw.toString('base64url'));

      // Key material: the private signing key's `d` and the cookie keys.
      const keys = createKeysRepo(deps.db);
      for (const row of await keys.listActiveSigningKeys()) {
        const jwk = JSON.parse(
          deps.keyring.decryptText('secret-encryption', row.privateJwkSealed, `signing-key:${row.kid}`),
        ) as Record<string, string>;
        for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) remember(`signing key ${part}`, jwk[part]);
      }
      for (const k of (await cookieKeySchedule(deps)).published) remember('cookie key', k.value);

      const dump = await dumpDatabase(s);
      assert.ok(dump.includes(alice.userPrincipalName), 'the dump is readable (sanity check)');
      const leaked = [...secrets].filter(([, value]) => dump.includes(value)).map(([name]) => name);
      assert.deepEqual(leaked, [], `found in clear: ${leaked.join(', ')}`);
    });
  });
}
