// Threat: session fixation. An attacker who can put a cookie into the victim's browser before the sign-in (a
// sibling host, plain http, a shared computer) or who read the session cookie of the signed-out browser must not
// find that value signed in afterwards. After every sign-in the provider's session cookie and the /my or /admin
// session cookie hold values this browser never held before: not a planted one, not the anonymous session's, not
// the previous sign-in's.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { FIRST_PARTY_APPS } from '../../src/domain/first-party-apps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { assignRole } from '../support/admin-console.js';
import { dialects } from '../support/databases.js';
import { Browser, csrfOf } from '../support/my-browser.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

const PASSWORD = 'correct horse battery staple';
const PROVIDER_SESSION = 'gp-session';

for (const dialect of dialects) {
  describe(`session fixation (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(async () => s?.close());

    for (const app of [FIRST_PARTY_APPS.my, FIRST_PARTY_APPS.admin]) {
      it(`${app.basePath}: the provider's and ${app.basePath}'s session cookies are new after each sign-in`, async () => {
        const deps = s.runtime.deps;
        const user = await createPasswordUser(deps, `fix-${app.key}`, PASSWORD);
        await assignRole(deps, user, ROLE_TEMPLATE_IDS.globalAdministrator);
        const pass = (await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false }))
          .temporaryAccessPass;
        const watched = [PROVIDER_SESSION, `gp-${app.key}`];
        const browser = new Browser(s.url);
        const seen = new Set<string>();
        const remember = () => {
          for (const name of watched) {
            const value = browser.cookies.get(name);
            if (value !== undefined) seen.add(`${name}=${value}`);
          }
        };

        /** A whole sign-in through the pages; `seen` holds every value held before its last factor was accepted. */
        async function signIn(start: () => Promise<Awaited<ReturnType<Browser['go']>>>): Promise<void> {
          let page = await start();
          remember();
          for (let hops = 0; page.location && !page.location.includes('/signin/'); hops += 1) {
            assert.ok(hops < 10);
            page = await browser.go(page.location);
            remember();
          }
          const uid = new URL(page.location ?? '', s.url).pathname.split('/').pop()!;
          page = await browser.go(`/signin/${uid}`);
          remember();
          const csrf = csrfOf(page.html);
          const post = (action: string, fields: Record<string, string>) =>
            browser.go(`/signin/${uid}`, { csrf, action, ...fields });
          await post('username', { username: user.userPrincipalName });
          remember();
          const named = await post('password', { password: PASSWORD });
          remember();
          assert.match(named.html, /Enter Temporary Access Pass/, named.html.slice(0, 300));
          const done = await post('tap', { tap: pass });
          assert.equal(done.status, 303, done.html.slice(0, 300));
          const landed = await browser.follow(done);
          assert.ok(landed.path.startsWith(app.basePath), `${landed.path} ${landed.html.slice(0, 200)}`);
          for (const name of watched) {
            const value = browser.cookies.get(name);
            assert.ok(value, `${name} is set after the sign-in`);
            assert.ok(!seen.has(`${name}=${value}`), `${name} holds a value this browser held before the sign-in`);
          }
          remember();
        }

        // The attacker's planted values, then a first sign-in.
        browser.cookies.set(PROVIDER_SESSION, 'planted-by-the-attacker');
        browser.cookies.set(`gp-${app.key}`, 'planted-by-the-attacker');
        await signIn(() => browser.go(app.basePath));
        // A second sign-in in the same browser (a step-up asks for the credentials again): new values once more.
        const home = await browser.follow(await browser.go(app.basePath));
        await signIn(() => browser.go(`${app.basePath}/reauthenticate`, { csrf: csrfOf(home.html) }));
      });
    }
  });
}
