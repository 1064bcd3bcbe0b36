// Threat: a session cookie read or planted where it should not be: sent over plain http (no Secure), read by a
// script (no HttpOnly), sent along by another site's form or image (no SameSite), or set by a sibling host or a
// narrower path (no __Host- prefix). Under https every cookie Gatepass sets during a whole sign-in to /my and to
// /admin — the provider's session and interaction cookies, the device cookie, each app's sign-in transaction and
// session, and their deletions — is Secure, HttpOnly and SameSite, and named __Host- (Path=/, no Domain) or, for
// oidc-provider's path-scoped interaction cookies, __Secure-.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { assignRole } from '../support/admin-console.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';
import { makeSelfSignedCertificate } from '../support/tls.js';

const PASSWORD = 'correct horse battery staple';

describe('cookie flags under https', () => {
  const tls = makeSelfSignedCertificate();
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite', { GATEPASS_TLS_CERT: tls.cert, GATEPASS_TLS_KEY: tls.key });
  });
  after(async () => {
    await s?.close();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  /** A cookie jar over real https requests to the test server (its certificate is self-signed: not verified). */
  function jar() {
    const cookies = new Map<string, string>();
    const setCookies: string[] = [];
    function go(path: string, form?: Record<string, string>) {
      const url = new URL(path, s.url);
      const body = form ? new URLSearchParams(form).toString() : undefined;
      return new Promise<{ status: number; location: string | undefined; html: string }>((resolve, reject) => {
        const req = request(
          url,
          {
            method: form ? 'POST' : 'GET',
            rejectUnauthorized: false,
            headers: {
              accept: 'text/html',
              cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
              ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
            },
          },
          (res) => {
            for (const line of res.headers['set-cookie'] ?? []) {
              setCookies.push(line);
              const [pair] = line.split(';');
              const eq = pair!.indexOf('=');
              cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
            }
            let html = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              html += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, html }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
    async function follow(first: Awaited<ReturnType<typeof go>>) {
      let page = first;
      for (let hops = 0; page.location && hops < 15; hops += 1) page = await go(page.location);
      return page;
    }
    return { go, follow, setCookies };
  }

  it('every cookie of a sign-in to /my and to /admin, and of signing out', async () => {
    const deps = s.runtime.deps;
    const user = await createPasswordUser(deps, 'flags', PASSWORD);
    await assignRole(deps, user, ROLE_TEMPLATE_IDS.globalAdministrator);
    const pass = (await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false }))
      .temporaryAccessPass;
    const browser = jar();
    for (const base of ['/my', '/admin']) {
      let page = await browser.go(base);
      for (let hops = 0; hops < 10 && page.location && !page.location.includes('/signin/'); hops += 1)
        page = await browser.go(page.location);
      const uid = new URL(page.location ?? '', s.publicUrl).pathname.split('/').pop()!;
      page = await browser.go(`/signin/${uid}`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
      const post = (action: string, fields: Record<string, string>) =>
        browser.go(`/signin/${uid}`, { csrf, action, ...fields });
      // /admin finds the provider session of /my's sign-in and may ask for nothing more.
      if (/Enter password|Sign in/.test(page.html) && csrf) {
        await post('username', { username: user.userPrincipalName });
        await post('password', { password: PASSWORD });
        page = await post('tap', { tap: pass });
      }
      const landed = await browser.follow(page);
      assert.equal(landed.status, 200, landed.html.slice(0, 300));
      const formCsrf = /name="csrf" value="([^"]+)"/.exec(landed.html)?.[1];
      assert.ok(formCsrf, `${base}: a signed-in page`);
      await browser.follow(await browser.go(`${base}/signout`, { csrf: formCsrf }));
    }

    const names = new Set(browser.setCookies.map((l) => l.slice(0, l.indexOf('='))));
    for (const expected of [
      '__Host-gp-session',
      '__Secure-gp-interaction',
      '__Host-gp-device',
      '__Host-gp-my-tx',
      '__Host-gp-my',
      '__Host-gp-admin-tx',
      '__Host-gp-admin',
    ])
      assert.ok(names.has(expected), `${expected} among ${[...names].join(', ')}`);
    for (const line of browser.setCookies) {
      const name = line.slice(0, line.indexOf('='));
      const attributes = line
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase());
      assert.ok(attributes.includes('secure'), `Secure: ${line}`);
      assert.ok(attributes.includes('httponly'), `HttpOnly: ${line}`);
      assert.ok(
        attributes.some((a) => a === 'samesite=lax' || a === 'samesite=strict'),
        `SameSite: ${line}`,
      );
      assert.match(name, /^__(Host|Secure)-/, `prefixed: ${line}`);
      if (name.startsWith('__Host-')) {
        assert.ok(attributes.includes('path=/'), `__Host- needs Path=/: ${line}`);
        assert.ok(!attributes.some((a) => a.startsWith('domain=')), `__Host- allows no Domain: ${line}`);
      }
    }
  });
});
