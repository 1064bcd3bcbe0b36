// Key rotation across two real server processes on one PostgreSQL database, as behind a load balancer:
// `gatepass keys rotate` run against the same DATABASE_URL (its own process) adds a signing key that both processes
// publish before either signs with it; a token signed before the rotation still verifies at both; after the activation
// delay both sign with the new key, and the old token still verifies at both. The same holds for the cookie keys: a
// sign-in's cookie set before the rotation is still accepted by both processes after it, and a cookie set after the
// activation is signed with the new cookie key. No restart anywhere.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createApplication } from '../../src/services/applications.js';
import { cookieKeySchedule } from '../../src/services/cookie-keys.js';
import { gatepass } from '../cli/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startRawFlow } from '../support/raw-sign-in.js';
import { freePort } from '../support/runtime.js';
import { killServer, spawnServer, waitReady, type ServerProcess } from '../support/server-process.js';
import { cliContext } from '../support/sign-in-fixtures.js';

/** Short, so the test stays bounded; each process then re-reads its keys every 1.5 s. */
const DELAY_SECONDS = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REDIRECT_URI = 'http://127.0.0.1/callback';
/** oidc-provider's interaction cookie over http (Gatepass names it; src/oidc/provider.ts). */
const INTERACTION_COOKIE = 'gp-interaction';

/** A cookie of a sign-in in progress and its signature, as a browser holds them. */
interface SignedCookie {
  name: string;
  value: string;
  sig: string;
  /** The sign-in page the cookie belongs to. */
  page: string;
}

/** The signature Koa's cookies (keygrip: HMAC-SHA1, base64url) give `name=value` under `key`. */
const keygripSignature = (key: string, data: string) => createHmac('sha1', key).update(data).digest('base64url');

describe('signing-key and cookie-key rotation across two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let runtime: Runtime;
  let env: Record<string, string>;
  let client: { appId: string; secret: string; userId: string };
  let webAppId: string;

  before(async () => {
    database = await createTestDatabase('postgres');
    env = { ...database.env, GATEPASS_KEY_ACTIVATION_DELAY_SECONDS: String(DELAY_SECONDS) };
    const ports = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${ports[0]}`;
    servers = [spawnServer(env, ports[0]!, publicUrl)];
    await waitReady(servers[0]!);
    servers.push(spawnServer(env, ports[1]!, publicUrl));
    await waitReady(servers[1]!);
    runtime = await openRuntime({ config: loadConfig({ ...env, GATEPASS_LOG_LEVEL: 'silent' }) });
    const { app, secret } = await createApplication(runtime.deps, cliContext(), {
      displayName: 'Reader',
      kind: 'daemon',
      permissions: ['User.Read.All'],
    });
    webAppId = (
      await createApplication(runtime.deps, cliContext(), {
        displayName: 'Web',
        kind: 'web',
        redirectUris: [REDIRECT_URI],
      })
    ).app.appId;
    const [admin] = await runtime.deps.db.selectFrom('users').select('id').execute();
    client = { appId: app.appId, secret: secret.secretText, userId: admin!.id };
  });

  after(async () => {
    await Promise.all(servers.map((s) => killServer(s, 'SIGTERM')));
    await runtime?.close();
    await database?.drop();
  });

  const tokenFrom = async (origin: string): Promise<string> => {
    const res = await fetch(`${origin}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.appId,
        client_secret: client.secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const kidOf = (token: string) => decodeProtectedHeader(token).kid;
  const publishedAt = async (origin: string): Promise<string[]> => {
    const res = await fetch(`${origin}/discovery/v2.0/keys`);
    return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  };
  const graphStatus = async (origin: string, token: string): Promise<number> =>
    (await fetch(`${origin}/v1.0/users/${client.userId}`, { headers: { authorization: `Bearer ${token}` } })).status;

  /** Starts a sign-in at `origin`: the interaction cookie it sets, with its signature. */
  const startSignIn = async (origin: string): Promise<SignedCookie> => {
    const flow = await startRawFlow([origin], webAppId, REDIRECT_URI);
    const [value, sig] = [flow.cookies.get(INTERACTION_COOKIE), flow.cookies.get(`${INTERACTION_COOKIE}.sig`)];
    assert.ok(value && sig, 'the interaction cookie is set, signed');
    return { name: INTERACTION_COOKIE, value, sig, page: `/signin/${flow.uid}` };
  };
  /** The sign-in page's status when `cookie` is presented to `origin`: 200 only when the signature verifies. */
  const pageStatus = async (origin: string, cookie: SignedCookie): Promise<number> => {
    const res = await fetch(`${origin}${cookie.page}`, {
      headers: { cookie: `${cookie.name}=${cookie.value}; ${cookie.name}.sig=${cookie.sig}` },
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return res.status;
  };
  /** The stored cookie key whose signature `cookie` carries. */
  const signerOf = async (cookie: SignedCookie): Promise<string | undefined> => {
    const { published } = await cookieKeySchedule(runtime.deps);
    return published.find((k) => keygripSignature(k.value, `${cookie.name}=${cookie.value}`) === cookie.sig)?.kid;
  };

  it('publishes a rotated key at both processes before either signs with it, then both switch to it', async () => {
    const origins = servers.map((s) => s.origin);
    const oldToken = await tokenFrom(origins[0]!);
    const oldKid = kidOf(oldToken);
    for (const origin of origins) assert.deepEqual(await publishedAt(origin), [oldKid]);

    const before = await startSignIn(origins[0]!);
    const oldCookieKid = await signerOf(before);
    assert.ok(oldCookieKid, 'the cookie is signed with a stored cookie key');
    for (const origin of origins) assert.equal(await pageStatus(origin, before), 200, `${origin} accepts the cookie`);
    const forged = { ...before, sig: keygripSignature('not a stored key', `${before.name}=${before.value}`) };
    assert.notEqual(await pageStatus(origins[1]!, forged), 200, 'a cookie signed with another key is refused');

    const rotated = await gatepass(env, ['keys', 'rotate', '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const {
      kid: newKid,
      retiringKids,
      cookieKey,
    } = JSON.parse(rotated.stdout) as {
      kid: string;
      retiringKids: string[];
      cookieKey: { kid: string; retiringKids: string[] };
    };
    assert.deepEqual(retiringKids, [oldKid]);
    assert.deepEqual(cookieKey.retiringKids, [oldCookieKid]);

    // Both processes publish the new key (polled, bounded) …
    for (let i = 0; ; i++) {
      const sets = await Promise.all(origins.map(publishedAt));
      if (sets.every((kids) => kids.includes(newKid))) break;
      assert.ok(i < 100, 'both processes publish the new key within the polling bound');
      await sleep(100);
    }
    // … while both still sign with the old one, and the old key is still published first.
    for (const origin of origins) {
      assert.equal(kidOf(await tokenFrom(origin)), oldKid, `${origin} does not sign with the next key yet`);
      assert.deepEqual(await publishedAt(origin), [oldKid, newKid]);
      assert.equal(await graphStatus(origin, oldToken), 200);
    }

    // After the activation delay both sign with the new key (polled, bounded: no wall-clock assertion).
    for (const origin of origins)
      for (let i = 0; ; i++) {
        if (kidOf(await tokenFrom(origin)) === newKid) break;
        assert.ok(i < 200, `${origin} signs with the new key after the delay`);
        await sleep(100);
      }
    for (const origin of origins) {
      const fresh = await tokenFrom(origin);
      assert.equal(kidOf(fresh), newKid);
      assert.equal(await graphStatus(origin, fresh), 200);
      // The retired key is still published and still verifies the token it signed before the rotation.
      assert.deepEqual(await publishedAt(origin), [newKid, oldKid]);
      assert.equal(await graphStatus(origin, oldToken), 200, `${origin} accepts a token signed before the rotation`);
    }
    // Cookies: one set before the rotation is still accepted by both; one set now is signed with the new cookie key
    // by whichever process set it, and accepted by the other.
    for (const origin of origins) assert.equal(await pageStatus(origin, before), 200, `${origin} still accepts it`);
    for (const [i, origin] of origins.entries()) {
      const after = await startSignIn(origin);
      assert.equal(await signerOf(after), cookieKey.kid, `${origin} signs cookies with the new cookie key`);
      assert.equal(await pageStatus(origins[1 - i]!, after), 200, 'and the other process accepts them');
    }
    const rows = await runtime.deps.db.selectFrom('signing_keys').select(['kid', 'retired_at']).execute();
    assert.equal(rows.find((r) => r.kid === oldKid)?.retired_at !== null, true, 'the old key is retired');
  });
});
