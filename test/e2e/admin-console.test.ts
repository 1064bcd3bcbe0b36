// The admin center in real Chromium, on SQLite and PostgreSQL: who gets in (a directory role and a multi-factor
// sign-in; anyone else is told why, with the way to /my), the how-to's portal steps (Users → a user →
// Authentication methods → Add authentication method → Temporary Access Pass → Add, the pass shown once), a unit-scoped
// helpdesk agent whose first screen is the user search and who is refused with the rule's words, and the pass working.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { errorCatalogue } from '../../src/domain/errors.js';
import { addAdministrativeUnitMember, createAdministrativeUnit } from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import { createRoleDefinition } from '../../src/services/role-definitions.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { getTapPolicy } from '../../src/services/tap-policy.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { enterPass, enterPassword, enterUsername } from '../support/browser-sign-in.js';
import { seriousViolations } from '../support/axe.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, launchChromium, securityDefaults } from '../support/sign-in-fixtures.js';

const SHOTS = new URL('../../.tmp/screenshots/', import.meta.url);

interface Person {
  user: UserRecord;
  password: string;
}

for (const dialect of dialects) {
  describe(`admin center in Chromium (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;
    let gail: Person; // Global Administrator
    let dana: Person; // "Tier 1 TAP issuer" on Site A
    let amy: Person; // Site A user
    let ben: Person; // Site B user
    let ivy: Person; // no role

    async function person(name: string): Promise<Person> {
      const password = `${name} keeps a long unusual passphrase`;
      return { user: await createPasswordUser(deps, name, password), password };
    }

    const operatorPass = async (who: Person) =>
      (await issueTemporaryAccessPass(deps, cliContext(), who.user.id, { lifetimeInMinutes: 60, isUsableOnce: true }))
        .temporaryAccessPass;

    /** A fresh browser that opens `path` and signs in as `who` (password, then the pass when given). */
    async function signedIn(who: Person, path: string, pass?: string): Promise<Page> {
      const context = await browser.newContext({ timezoneId: 'Europe/Paris', locale: 'en-GB' });
      const page = await context.newPage();
      await page.goto(`${s.url}${path}`);
      await enterUsername(page, who.user.userPrincipalName);
      await enterPassword(page, who.password);
      if (pass) await enterPass(page, pass);
      await page.waitForURL((u) => u.pathname.startsWith('/admin'));
      return page;
    }

    const readPolicy = () => getTapPolicy(deps.db);

    /** A screenshot of the step, and axe-core's check of the page: no serious or critical violation. */
    const shot = async (page: Page, name: string) => {
      await page.screenshot({ path: new URL(`${dialect}-${name}.png`, SHOTS).pathname, fullPage: true });
      assert.deepEqual(await seriousViolations(page), [], `accessibility of ${name}`);
    };

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      browser = await launchChromium();
      gail = await person('gail');
      dana = await person('dana');
      amy = await person('amy');
      ben = await person('ben');
      ivy = await person('ivy');
      const ctx = cliContext();
      await createRoleAssignment(deps, ctx, {
        principalId: gail.user.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.globalAdministrator,
        directoryScopeId: '/',
      });
      const tier1 = await createRoleDefinition(deps, ctx, {
        displayName: 'Tier 1 TAP issuer',
        allowedResourceActions: [
          'microsoft.directory/users/authenticationMethods/create',
          'microsoft.directory/users/authenticationMethods/standard/read',
        ],
      });
      const siteA = await createAdministrativeUnit(deps, ctx, { displayName: 'Site A' });
      const siteB = await createAdministrativeUnit(deps, ctx, { displayName: 'Site B' });
      await addAdministrativeUnitMember(deps, ctx, siteA.id, amy.user.id);
      await addAdministrativeUnitMember(deps, ctx, siteB.id, ben.user.id);
      await createRoleAssignment(deps, ctx, {
        principalId: dana.user.id,
        roleDefinitionId: tier1.id,
        directoryScopeId: `/administrativeUnits/${siteA.id}`,
      });
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    it('refuses a user without a directory role, with the way to /my', async () => {
      await securityDefaults(deps, true);
      const page = await signedIn(ivy, '/admin', await operatorPass(ivy));
      await page.getByRole('heading', { name: 'You need an administrator role' }).waitFor();
      assert.ok(await page.getByRole('link', { name: 'Go to My account' }).isVisible());
      await page.context().close();
    });

    it('refuses an administrator signed in with a password alone, offering "Sign in again"', async () => {
      await securityDefaults(deps, false);
      try {
        const page = await signedIn(gail, '/admin');
        await page.getByRole('heading', { name: 'Sign in with multi-factor authentication' }).waitFor();
        assert.ok(await page.getByRole('button', { name: 'Sign in again' }).isVisible());
        await page.context().close();
      } finally {
        await securityDefaults(deps, true);
      }
    });

    it('follows the how-to: Users → the user → Authentication methods → Add → Temporary Access Pass, shown once', async () => {
      const page = await signedIn(gail, '/admin', await operatorPass(gail));
      await page.getByRole('heading', { name: 'Home' }).waitFor();
      assert.match(
        (await page.locator('#signed-in-as').textContent()) ?? '',
        /Signed in as Gail \(gail@[^)]+\) · roles Global Administrator/,
      );
      await shot(page, 'admin-home');
      await page.getByRole('navigation', { name: 'Admin center' }).getByRole('link', { name: 'Users' }).click();
      await page.getByLabel('Search users').fill('am');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Amy' }).click();
      await page.getByRole('link', { name: 'Authentication methods' }).last().click();
      await page.getByRole('link', { name: 'Add authentication method' }).click();
      await page.getByLabel('Choose method').selectOption({ label: 'Temporary Access Pass' });
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Duration (minutes)').fill('120');
      await page.getByRole('radio', { name: 'Yes' }).check();
      await shot(page, 'add-temporary-access-pass');
      await page.getByRole('button', { name: 'Add' }).click();
      const passText = (await page.locator('#temporary-access-pass').textContent())?.trim() ?? '';
      assert.match(passText, /^\S{8,48}$/);
      assert.ok(await page.getByText('This pass is shown only once.').isVisible());
      assert.ok(await page.getByRole('button', { name: 'Copy' }).isVisible(), 'the script offers the copy button');
      // Times show in the viewer's zone (Paris here), not as UTC strings.
      assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /UTC/);
      await shot(page, 'pass-shown-once');
      const stored = await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(amy.user.id);
      assert.equal(stored?.lifetimeMinutes, 120);
      assert.equal(stored?.isUsableOnce, true);

      // Afterwards only its metadata; a second pass says what it replaces.
      await page.getByRole('link', { name: 'Done' }).click();
      assert.equal(await page.locator('#temporary-access-pass').count(), 0);
      assert.ok(await page.getByRole('heading', { name: 'Temporary Access Pass details' }).isVisible());
      await page.getByRole('link', { name: 'Add authentication method' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      assert.match(
        (await page.locator('#replaces').textContent()) ?? '',
        /This replaces the pass issued by gail@\S+ at \d/,
      );
      await page.context().close();
    });

    it("enables and configures the Temporary Access Pass policy with the API's validation messages, and shows security defaults under Properties", async () => {
      const page = await signedIn(gail, '/admin/authentication-methods', await operatorPass(gail));
      await page.getByRole('link', { name: 'Temporary Access Pass' }).click();
      const enable = page.getByRole('switch', { name: 'Enable' });
      assert.equal(await enable.isChecked(), true, 'enabled by default, as in a new Entra tenant');
      await enable.uncheck();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      assert.equal((await readPolicy()).state, 'disabled');
      await page.getByRole('switch', { name: 'Enable' }).check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      assert.equal((await readPolicy()).state, 'enabled');

      await page.getByRole('link', { name: 'Configure' }).click();
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.getByLabel('Minimum lifetime (minutes)').fill('5');
      await page.getByRole('button', { name: 'Save' }).click();
      const message = (await page.locator('#error-message').textContent())?.trim() ?? '';
      assert.match(message, /minimumLifetimeInMinutes/, `the API's message names the property: ${message}`);
      assert.equal(await page.getByLabel('Minimum lifetime (minutes)').getAttribute('aria-invalid'), 'true');
      await shot(page, 'tap-policy-edit-refused');
      await page.getByLabel('Minimum lifetime (minutes)').fill('30');
      await page.getByLabel('Default lifetime (minutes)').fill('90');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      assert.equal((await page.locator('#minimum').textContent())?.trim(), '30 minutes');
      const policy = await readPolicy();
      assert.equal(policy.minimumLifetimeInMinutes, 30);
      assert.equal(policy.defaultLifetimeInMinutes, 90);
      await shot(page, 'tap-policy-configure');

      await page.getByRole('navigation', { name: 'Admin center' }).getByRole('link', { name: 'Properties' }).click();
      assert.equal(await page.getByRole('switch', { name: 'Security defaults' }).isChecked(), true);
      await page.context().close();
    });

    it("a unit-scoped helpdesk agent starts at the user search, issues on their site, and is refused elsewhere with the rule's words", async () => {
      const page = await signedIn(dana, '/admin', await operatorPass(dana));
      await page.waitForURL((u) => u.pathname === '/admin/users');
      assert.equal(
        await page
          .getByRole('navigation', { name: 'Admin center' })
          .getByRole('link', { name: 'Authentication methods' })
          .count(),
        0,
        'the policy blade is not offered to someone who may not read it',
      );
      // Outside the unit: the add page refuses with the rule that applies.
      await page.goto(`${s.url}/admin/users/${ben.user.id}/authentication-methods`);
      assert.equal(
        (await page.locator('#error-message').textContent())?.trim(),
        errorCatalogue.deniedOutsideUnit.message,
      );
      await shot(page, 'helpdesk-refused-outside-unit');
      // Themself: not offered, and refused if posted anyway.
      await page.goto(`${s.url}/admin/users/${dana.user.id}/authentication-methods`);
      assert.equal(await page.getByRole('link', { name: 'Add authentication method' }).count(), 0);

      await page.goto(`${s.url}/admin/users`);
      await page.getByLabel('Search users').fill('Amy');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Amy' }).click();
      await page.getByRole('link', { name: 'Authentication methods' }).last().click();
      assert.equal(await page.getByRole('link', { name: /^Delete/ }).count(), 0, 'no delete without the permission');
      await page.getByRole('link', { name: 'Add authentication method' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Add' }).click();
      const passText = (await page.locator('#temporary-access-pass').textContent())?.trim() ?? '';
      assert.match(passText, /^\S{8,48}$/);
      await page.context().close();

      // The user signs in with it, as the how-to promises.
      const user = await browser.newContext();
      const mine = await user.newPage();
      await mine.goto(`${s.url}/my`);
      await enterUsername(mine, amy.user.userPrincipalName);
      await enterPassword(mine, amy.password);
      await enterPass(mine, passText);
      await mine.waitForURL((u) => u.pathname === '/my/security-info');
      await user.close();
    });

    it('issues a pass with the keyboard alone: Tab to each control, Enter or Space to use it', async () => {
      const page = await signedIn(gail, '/admin/users', await operatorPass(gail));
      /** Presses Tab until the focused element's text or label is `name`, as a keyboard user moves through the page. */
      const tabTo = async (name: string, hrefPart = '') => {
        for (let presses = 0; presses < 40; presses++) {
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            if (!el) return { name: '', href: '' };
            const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
            const name = (el.getAttribute('aria-label') ?? label ?? el.textContent ?? '').trim();
            return { name, href: el.getAttribute('href') ?? '' };
          });
          if (focused.name === name && focused.href.includes(hrefPart)) return;
        }
        assert.fail(`Tab never reached "${name}"`);
      };
      // The search box takes the focus when the page has loaded (autofocus); typing earlier loses keys (seen under load).
      await page.waitForFunction(() => document.activeElement?.id === 'search');
      await page.keyboard.type('Amy');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('search') === 'Amy');
      await tabTo('Amy');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => /\/admin\/users\/[0-9a-f-]+$/.test(u.pathname));
      // The user's tab, not the navigation's blade of the same name.
      await tabTo('Authentication methods', '/admin/users/');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => /\/admin\/users\/.+\/authentication-methods$/.test(u.pathname));
      await tabTo('Add authentication method');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname.endsWith('/authentication-methods/add') && !u.search);
      await tabTo('Next');
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('method') === 'temporaryAccessPass');
      await tabTo('Add');
      await page.keyboard.press('Enter');
      await page.locator('#temporary-access-pass').waitFor();
      const passText = (await page.locator('#temporary-access-pass').textContent())?.trim() ?? '';
      assert.match(passText, /^\S{8,48}$/);
      await tabTo('Copy');
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.keyboard.press('Space');
      await page.getByText('Copied to the clipboard.').waitFor();
      await page.context().close();
    });

    it("reads the logs: the filter form sends the viewer's zone, entries open in full, a pass history, all accessible", async () => {
      const page = await signedIn(gail, '/admin/audit-logs', await operatorPass(gail));
      await page.locator('table[aria-label="Audit log entries"]').waitFor();
      await shot(page, 'audit-logs');
      await page.fill('#f-from', '2000-01-01');
      await page.fill('#f-to', '2000-01-02');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL((u) => u.searchParams.get('from') === '2000-01-01');
      // Paris is one or two hours east of UTC: getTimezoneOffset is -60 or -120.
      assert.match(new URL(page.url()).searchParams.get('tzOffset') ?? '', /^-(60|120)$/);
      await page.getByText('No entries match these filters.').waitFor();
      await page.goto(`${s.url}/admin/audit-logs`);
      await page.locator('table[aria-label="Audit log entries"] tbody a').first().click();
      await page.waitForURL((u) => /\/admin\/audit-logs\/[0-9a-f-]{36}$/.test(u.pathname));
      await shot(page, 'audit-log-entry');
      await page.goto(`${s.url}/admin/sign-in-logs`);
      await page.locator('table[aria-label="Sign-in log entries"]').waitFor();
      await shot(page, 'sign-in-logs');
      await page.locator('table[aria-label="Sign-in log entries"] tbody a').first().click();
      await page.waitForURL((u) => /\/admin\/sign-in-logs\/[0-9a-f-]{36}$/.test(u.pathname));
      await shot(page, 'sign-in-log-entry');
      await page.goto(`${s.url}/admin/users/${gail.user.id}/pass-history`);
      await page.getByText('Used to sign in').first().waitFor();
      await shot(page, 'pass-history');
      await page.context().close();
    });
  });
}
