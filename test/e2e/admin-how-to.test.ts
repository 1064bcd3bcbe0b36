// The how-to, start to finish, in the admin center in real Chromium, on SQLite and on PostgreSQL: the first-start
// administrator signs in with the printed pass and registers a passkey; with it they enable and configure the
// Temporary Access Pass policy, create the custom role "Tier 1 TAP issuer" and the units "Site A" and "Site B", and a
// helpdesk user holding that role on Site A. The helpdesk user signs in, finds a Site A user and issues a pass, shown
// once; they are refused with the rule's words for a Site B user and for themself. The user signs in with the pass and
// registers a passkey, and the audit log page shows each step. Each page is screenshotted and checked with axe-core.
// WebAuthn needs a domain: the server's public URL is http://localhost:PORT (relying party id "localhost").

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { errorCatalogue } from '../../src/domain/errors.js';
import {
  addAdministrativeUnitMember,
  findAdministrativeUnitByIdOrName,
} from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { getTapPolicy } from '../../src/services/tap-policy.js';
import { createFido2MethodsRepo } from '../../src/store/repos/fido2-methods.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { seriousViolations } from '../support/axe.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, launchChromium } from '../support/sign-in-fixtures.js';
import { withAuthenticator } from '../support/virtual-authenticator.js';

const SHOTS = new URL('../../.tmp/screenshots/', import.meta.url);
const HELPDESK_PASSWORD = 'hana starts with this long passphrase';
const HELPDESK_NEW_PASSWORD = 'hana then picks her own long passphrase';

for (const dialect of dialects) {
  describe(`the how-to in the admin center (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let origin: string;
    let browser: Browser;
    let amy: UserRecord; // a Site A user
    let ben: UserRecord; // a Site B user
    const amyPassword = 'amy has a long passphrase of her own';
    /** The first administrator's browser: the tab holding the virtual authenticator with their passkey. */
    let admin: { context: BrowserContext; page: Page };
    let helpdeskUpn: string;
    let helpdeskPass = '';
    let amyPass = '';
    let step = 0;

    /** A screenshot of the step, and axe-core's check of the page: no serious or critical violation. */
    const shot = async (page: Page, name: string) => {
      step += 1;
      const file = `${dialect}-how-to-${String(step).padStart(2, '0')}-${name}.png`;
      await page.screenshot({ path: new URL(file, SHOTS).pathname, fullPage: true });
      assert.deepEqual(await seriousViolations(page), [], `accessibility of ${name}`);
    };
    const nav = (page: Page, blade: string) =>
      page.getByRole('navigation', { name: 'Admin center' }).getByRole('link', { name: blade, exact: true }).click();
    const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true, level: 1 }).waitFor();

    /** Answers the sign-in pages as `who` until the browser is back at a path starting with `landing`. */
    async function signIn(
      page: Page,
      landing: string,
      who: { upn: string; password?: string; pass?: string; newPassword?: string },
    ) {
      for (let pages = 0; pages < 8; pages++) {
        await page.waitForLoadState();
        if (new URL(page.url()).pathname.startsWith(landing)) return;
        const title = (await page.locator('h1').innerText()).trim();
        if (title === 'Sign in') {
          await page.getByLabel('Email or username').fill(who.upn);
          await page.getByRole('button', { name: 'Next' }).click();
        } else if (title === 'Enter password') {
          await page.getByLabel('Password', { exact: true }).fill(who.password ?? '');
          await page.getByRole('button', { name: 'Sign in' }).click();
        } else if (title === 'Enter Temporary Access Pass') {
          await page.getByLabel('Temporary Access Pass', { exact: true }).fill(who.pass ?? '');
          await page.getByRole('button', { name: 'Sign in' }).click();
        } else if (title === 'Update your password') {
          await page.getByLabel('New password', { exact: true }).fill(who.newPassword ?? '');
          await page.getByLabel('Confirm new password').fill(who.newPassword ?? '');
          await page.getByRole('button', { name: 'Sign in' }).click();
        } else assert.fail(`unexpected sign-in page "${title}"`);
        await page.waitForURL((u) => u.pathname.startsWith(landing) || u.pathname.startsWith('/signin'));
      }
      assert.fail(`never reached ${landing}`);
    }

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      s = await startTestServer(dialect, {}, undefined, { publicHost: 'localhost' });
      origin = s.publicUrl;
      deps = s.runtime.deps;
      browser = await launchChromium();
      helpdeskUpn = `hana@${deps.tenant.defaultDomain}`;
      amy = await createPasswordUser(deps, 'amy', amyPassword);
      ben = await createPasswordUser(deps, 'ben', 'ben has a long passphrase of his own');
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    it('1. the first-start administrator signs in with the printed pass and registers a passkey', async () => {
      const printed = s.runtime.firstAdminPass;
      assert.ok(printed, 'first start printed a pass');
      const context = await browser.newContext({ timezoneId: 'Europe/Paris', locale: 'en-GB' });
      const { page } = await withAuthenticator(context);
      admin = { context, page };
      await page.goto(`${origin}/my/security-info`);
      await signIn(page, '/my/security-info', { upn: printed.userPrincipalName, pass: printed.temporaryAccessPass });
      await shot(page, 'security-info-after-pass');
      await page.locator('#add-passkey').click();
      await page.getByLabel('Name', { exact: true }).fill('Admin laptop');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.locator('#security-info-outcome').waitFor();
      assert.match(await page.locator('#security-info-outcome').innerText(), /Passkey added/);
      assert.equal(await page.locator('#registration-window').count(), 0, 'no reminder once a kept method exists');
      await shot(page, 'passkey-added');

      // Signed out, the administrator comes back to the admin center with the passkey alone.
      await page.goto(`${origin}/my`);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/my/signed-out');
      await page.goto(`${origin}/admin`);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page
        .waitForURL((u) => u.pathname === '/admin', { timeout: 5000 })
        .catch(async (e) => {
          console.log(page.url(), await page.locator('body').innerText());
          throw e;
        });
      assert.match(await page.locator('#signed-in-as').innerText(), /roles Global Administrator/);
      await shot(page, 'admin-home');
    });

    it('2. they enable and configure the Temporary Access Pass policy', async () => {
      const { page } = admin;
      await nav(page, 'Authentication methods');
      await page.getByRole('link', { name: 'Temporary Access Pass' }).click();
      await page.getByRole('switch', { name: 'Enable' }).check();
      await shot(page, 'tap-policy-enable');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      await page.getByRole('link', { name: 'Configure' }).click();
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.getByLabel('Default lifetime (minutes)').fill('120');
      await shot(page, 'tap-policy-edit');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      const policy = await getTapPolicy(deps.db);
      assert.equal(policy.state, 'enabled');
      assert.equal(policy.defaultLifetimeInMinutes, 120);
    });

    it('3. they create the role "Tier 1 TAP issuer", the units Site A and Site B, and a helpdesk user with the role on Site A', async () => {
      const { page } = admin;
      await nav(page, 'Roles and administrators');
      await page.getByRole('link', { name: 'New custom role' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Tier 1 TAP issuer');
      await page.getByLabel('Description').fill('Issues Temporary Access Passes to the users of one site');
      await page.getByRole('checkbox', { name: /Create authentication methods for users/ }).check();
      await page
        .getByRole('checkbox', { name: /^Read standard properties of authentication methods microsoft/ })
        .check();
      await shot(page, 'new-custom-role');
      await page.getByRole('button', { name: 'Create' }).click();
      await heading(page, 'Tier 1 TAP issuer');
      const roleUrl = page.url();

      for (const name of ['Site A', 'Site B']) {
        await nav(page, 'Administrative units');
        await page.getByRole('link', { name: 'New administrative unit' }).click();
        await page.getByLabel('Name', { exact: true }).fill(name);
        if (name === 'Site A') await shot(page, 'new-administrative-unit');
        await page.getByRole('button', { name: 'Create' }).click();
        await heading(page, name);
      }
      // Amy joins Site A through the unit's Members; Ben is put in Site B by a script.
      await page.getByRole('link', { name: 'Site B' }).first().waitFor({ state: 'attached' });
      await nav(page, 'Administrative units');
      await page.getByRole('link', { name: 'Site A', exact: true }).click();
      await page.getByRole('link', { name: 'Members' }).click();
      await page.getByLabel('User principal name').fill(amy.userPrincipalName);
      await page.getByRole('button', { name: 'Add members' }).click();
      await page.getByRole('cell', { name: amy.userPrincipalName }).waitFor();
      await shot(page, 'unit-members');
      const siteB = await findAdministrativeUnitByIdOrName(deps.db, 'Site B');
      await addAdministrativeUnitMember(deps, cliContext(), siteB!.id, ben.id);

      await nav(page, 'Users');
      await page.getByRole('link', { name: 'New user' }).click();
      await page.getByLabel('User principal name').fill(helpdeskUpn);
      await page.getByLabel('Display name').fill('Hana');
      await page.getByRole('radio', { name: 'Let me create the password' }).check();
      await page.getByLabel('Password (when you create it)').fill(HELPDESK_PASSWORD);
      await page.getByLabel('Administrative unit').selectOption({ label: 'Site A' });
      await shot(page, 'new-user');
      await page.getByRole('button', { name: 'Create' }).click();
      await heading(page, 'Hana');

      await page.goto(roleUrl);
      await page.getByLabel('User', { exact: true }).fill(helpdeskUpn);
      await page.getByLabel('Scope').selectOption({ label: 'Site A' });
      await shot(page, 'add-assignment');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByText('The assignment was added.').waitFor();
      assert.match(await page.getByRole('table', { name: 'Assignments' }).innerText(), /Hana\s+hana@\S+\s+Site A/);

      // Hana's first pass, for her multi-factor sign-in, from her Authentication methods.
      await nav(page, 'Users');
      await page.getByLabel('Search users').fill('Hana');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Hana' }).click();
      await page.getByRole('link', { name: 'Authentication methods' }).last().click();
      await page.getByRole('link', { name: 'Add authentication method' }).click();
      await page.getByLabel('Choose method').selectOption({ label: 'Temporary Access Pass' });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Add' }).click();
      helpdeskPass = (await page.locator('#temporary-access-pass').innerText()).trim();
      assert.match(helpdeskPass, /^\S{8,48}$/);
    });

    it('4. the helpdesk user finds a Site A user and issues a pass, shown once; Site B and themself are refused', async () => {
      const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(`${origin}/admin`);
      await signIn(page, '/admin', {
        upn: helpdeskUpn,
        password: HELPDESK_PASSWORD,
        pass: helpdeskPass,
        newPassword: HELPDESK_NEW_PASSWORD,
      });
      await page.waitForURL((u) => u.pathname === '/admin/users');
      assert.match(await page.locator('#signed-in-as').innerText(), /roles Tier 1 TAP issuer/);
      await page.getByLabel('Search users').fill('Amy');
      await page.getByRole('button', { name: 'Search' }).click();
      await shot(page, 'helpdesk-user-search');
      await page.getByRole('link', { name: 'Amy' }).click();
      await page.getByRole('link', { name: 'Authentication methods' }).last().click();
      await page.getByRole('link', { name: 'Add authentication method' }).click();
      await page.getByLabel('Choose method').selectOption({ label: 'Temporary Access Pass' });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Add' }).click();
      amyPass = (await page.locator('#temporary-access-pass').innerText()).trim();
      assert.match(amyPass, /^\S{8,48}$/);
      assert.ok(await page.getByText('This pass is shown only once.').isVisible());
      await shot(page, 'helpdesk-pass-shown-once');
      await page.getByRole('link', { name: 'Done' }).click();
      assert.equal(await page.locator('#temporary-access-pass').count(), 0, 'shown once: only its details now');

      const ruleOf = async () => (await page.locator('#error-message').innerText()).trim();
      // Ben is in Site B: his methods are out of reach, with the rule that says why.
      await page.goto(`${origin}/admin/users/${ben.id}/authentication-methods`);
      assert.equal(await ruleOf(), errorCatalogue.deniedOutsideUnit.message);
      await shot(page, 'helpdesk-refused-site-b');
      // The pass form is not offered for him; posted anyway (with her own form token), it is refused with the same
      // rule, nothing is written, and — being an attempted change — the refusal is audited.
      const csrf = await page.locator('input[name="csrf"]').first().getAttribute('value');
      const forged = await page.request.post(
        `${origin}/admin/users/${ben.id}/authentication-methods/temporary-access-pass`,
        { form: { csrf: csrf ?? '', activation: 'now', durationMinutes: '60' } },
      );
      assert.equal(forged.status(), 403);
      const said = (await forged.text()).replace(/&#39;|&#x27;/g, "'");
      assert.ok(said.includes(errorCatalogue.deniedOutsideUnit.message), 'the rule in the refusal page');
      assert.equal(await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(ben.id), undefined);
      // Herself: "Add authentication method" is not offered; the pass form, opened anyway, is refused on Add.
      const self = await deps.db
        .selectFrom('users')
        .select('id')
        .where('user_principal_name', '=', helpdeskUpn)
        .executeTakeFirstOrThrow();
      await page.goto(`${origin}/admin/users/${self.id}/authentication-methods`);
      assert.equal(await page.getByRole('link', { name: 'Add authentication method' }).count(), 0);
      await page.goto(`${origin}/admin/users/${self.id}/authentication-methods/add?method=temporaryAccessPass`);
      await page.getByRole('button', { name: 'Add' }).click();
      assert.equal(await ruleOf(), errorCatalogue.deniedSelf.message);
      await shot(page, 'helpdesk-refused-self');
      await context.close();
    });

    it('5. the user signs in with the pass and registers a passkey', async () => {
      const context = await browser.newContext();
      const { page } = await withAuthenticator(context);
      await page.goto(`${origin}/my/security-info`);
      await signIn(page, '/my/security-info', { upn: amy.userPrincipalName, password: amyPassword, pass: amyPass });
      assert.match(await page.locator('#registration-window').innerText(), /Add a sign-in method you keep/);
      await page.locator('#add-passkey').click();
      await page.getByLabel('Name', { exact: true }).fill('Amy’s phone');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.locator('#security-info-outcome').waitFor();
      assert.equal(await page.locator('#registration-window').count(), 0);
      await shot(page, 'user-passkey-added');
      assert.equal((await createFido2MethodsRepo(deps.db).listOfUser(amy.id)).length, 1);
      await context.close();
    });

    it('6. the audit log page shows each step', async () => {
      const { page } = admin;
      await nav(page, 'Audit logs');
      await heading(page, 'Audit logs');
      const log = await page.locator('main').innerText();
      for (const activity of [
        'Add role definition',
        'Add administrative unit',
        'Add member to administrative unit',
        'Add user',
        'Add member to role',
        'Admin registered security info',
        'User registered security info',
      ])
        assert.ok(log.includes(activity), `"${activity}" is on the audit log page`);
      assert.match(log, /failure/i, 'the helpdesk refusals are there too');
      await shot(page, 'audit-logs');
      await page.getByLabel('Result').selectOption('failure');
      await page.getByRole('button', { name: 'Apply' }).click();
      const refusals = await page.locator('main').innerText();
      assert.ok(refusals.includes(errorCatalogue.deniedOutsideUnit.message), 'the Site B refusal, with its rule');
      assert.ok(refusals.includes(errorCatalogue.deniedSelf.message), 'the refusal for herself, with its rule');
      assert.doesNotMatch(refusals, /\tSuccess\t/, 'only failures once filtered');
      await shot(page, 'audit-logs-refusals');
    });
  });
}
