// Test tokens for the Graph API, signed exactly as our token endpoint signs them: the store's active RS256 key
// (decrypted with the keyring), the claims of MICROSOFT-CLIENTS.md §1 for client credentials.

import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import type { Deps } from '../../src/services/deps.js';
import { createApplication } from '../../src/services/applications.js';
import { createKeysRepo } from '../../src/store/repos/keys.js';

export const GRAPH = 'https://graph.microsoft.com';

export async function activeSigningKey(
  deps: Deps,
): Promise<{ kid: string; key: Awaited<ReturnType<typeof importJWK>> }> {
  const [row] = await createKeysRepo(deps.db).listActiveSigningKeys();
  if (!row) throw new Error('no active signing key');
  const jwk = JSON.parse(
    deps.keyring.decryptText('secret-encryption', row.privateJwkSealed, `signing-key:${row.kid}`),
  ) as Record<string, unknown>;
  return { kid: row.kid, key: await importJWK(jwk, 'RS256') };
}

export interface MintOptions {
  /** Seconds since the epoch; defaults to now. */
  iat?: number;
  /** Lifetime in seconds (negative for an expired token). */
  lifetime?: number;
  kid?: string;
  key?: Awaited<ReturnType<typeof importJWK>>;
}

export async function mintToken(deps: Deps, claims: JWTPayload, options: MintOptions = {}): Promise<string> {
  const signing = options.key ? { kid: options.kid ?? 'other', key: options.key } : await activeSigningKey(deps);
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: deps.config.issuer, aud: GRAPH, ...claims, iat, exp: iat + (options.lifetime ?? 3600) })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? signing.kid })
    .sign(signing.key);
}

export interface TestApp {
  appId: string;
  servicePrincipalId: string;
  token: string;
  /** Signs another token for this app, e.g. with different claims or lifetime. */
  mint(claims?: JWTPayload, options?: MintOptions): Promise<string>;
}

/** A daemon application holding `permissions`, registered through the applications service, with a fresh token. */
export async function createTestApp(
  deps: Deps,
  permissions: string[],
  displayName = `test app ${randomUUID().slice(0, 8)}`,
): Promise<TestApp> {
  const { app } = await createApplication(
    deps,
    { actor: { kind: 'cli', osUser: 'test' }, correlationId: randomUUID(), ipAddress: null },
    {
      displayName,
      kind: 'daemon',
      permissions,
    },
  );
  const mint = (claims: JWTPayload = {}, options: MintOptions = {}) =>
    mintToken(
      deps,
      {
        roles: permissions,
        tid: deps.tenant.id,
        appid: app.appId,
        azp: app.appId,
        oid: app.servicePrincipalId,
        sub: app.servicePrincipalId,
        idtyp: 'app',
        ver: '1.0',
        jti: randomUUID(),
        scope: `${GRAPH}/.default`,
        client_id: app.appId,
        ...claims,
      },
      options,
    );
  return { appId: app.appId, servicePrincipalId: app.servicePrincipalId, token: await mint(), mint };
}

/** A delegated token for a signed-in user with the given Graph scopes (`scp`). */
export async function userToken(
  deps: Deps,
  userId: string,
  scopes: string[],
  options: MintOptions = {},
): Promise<string> {
  return mintToken(
    deps,
    {
      oid: userId,
      sub: userId,
      tid: deps.tenant.id,
      scp: scopes.join(' '),
      azp: 'a7d3c1e2-5b4f-4c6d-9e8f-0a1b2c3d4e5f',
      ver: '2.0',
      jti: randomUUID(),
      // A fresh multi-factor sign-in, as real user tokens record it: /me method changes require one (step-up).
      amr: ['pwd', 'mfa'],
      auth_time: Math.floor(deps.clock.now().getTime() / 1000),
    },
    options,
  );
}

/** A Graph app token from a running server's token endpoint (client credentials, the app's secret in the body). */
export async function fetchAppToken(origin: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${origin}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: `${GRAPH}/.default`,
    }),
  });
  if (!res.ok) throw new Error(`the token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
