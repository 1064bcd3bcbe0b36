// A relying party's authorization-code + PKCE flow driven in a real browser page (openid-client on the RP side),
// and the steps a person takes on Gatepass's sign-in pages, labelled as a screen reader finds them.

import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import type { Page } from 'playwright-core';

export interface CodeFlow {
  verifier: string;
  state: string;
}

/** Sends `page` to the authorization endpoint, as the relying party `rp` would. */
export async function startCodeFlow(
  page: Page,
  rp: client.Configuration,
  redirectUri: string,
  scope: string,
): Promise<CodeFlow> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  await page.goto(url.href);
  return { verifier, state };
}

/** Waits for the redirect back to the relying party, redeems the code and verifies the ID token against `issuer`'s keys. */
export async function finishCodeFlow(
  page: Page,
  rp: client.Configuration,
  redirectUri: string,
  issuer: string,
  flow: CodeFlow,
): Promise<{ tokens: client.TokenEndpointResponse; payload: JWTPayload }> {
  await page.waitForURL((u) => u.href.startsWith(redirectUri));
  const tokens = await client.authorizationCodeGrant(rp, new URL(page.url()), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
  });
  const jwks = createRemoteJWKSet(new URL(`${issuer}/discovery/v2.0/keys`));
  const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer, audience: rp.clientMetadata().client_id });
  return { tokens, payload };
}

export async function enterUsername(page: Page, upn: string): Promise<void> {
  await page.getByLabel('Email or username').fill(upn);
  await page.getByRole('button', { name: 'Next' }).click();
}

export async function enterPassword(page: Page, value: string): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function enterPass(page: Page, value: string): Promise<void> {
  await page.getByLabel('Temporary Access Pass', { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
