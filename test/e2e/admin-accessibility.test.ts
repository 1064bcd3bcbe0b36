// Every page of the admin center, in Chromium, on SQLite and PostgreSQL: axe-core finds no serious or critical
// violation, and in a narrow window (a phone's 375 pixels) the page itself never scrolls sideways (a wide table
// scrolls inside its own box). A Global Administrator opens each page, with one of everything to show.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { addAdministrativeUnitMember, createAdministrativeUnit } from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { addGroupMember, createGroup } from '../../src/services/groups.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { seriousViolations } from '../support/axe.js';
import { enterPass, enterPassword, enterUsername } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, launchChromium } from '../support/sign-in-fixtures.js';

for (const dialect of dialects) {
  describe(`every admin center page is accessible and fits a narrow window (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;
    let page: Page;
    const pages: string[] = [];

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      browser = await launchChromium();
      const ctx = cliContext();
      const chief = await createPasswordUser(deps, 'chief', 'the chief has a long passphrase');
      const amy = await createPasswordUser(deps, 'amy', 'amy has a long passphrase');
      const dana = await createPasswordUser(deps, 'dana', 'dana has a long passphrase');
      await createRoleAssignment(deps, ctx, {
        principalId: chief.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.globalAdministrator,
        directoryScopeId: '/',
      });
      const group = await createGroup(deps, ctx, { displayName: 'Pilots', mailNickname: 'pilots' });
      await addGroupMember(deps, ctx, group.id, amy.id);
      const unit = await createAdministrativeUnit(deps, ctx, { displayName: 'Site A' });
      await addAdministrativeUnitMember(deps, ctx, unit.id, amy.id);
      const assignment = await createRoleAssignment(deps, ctx, {
        principalId: dana.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.helpdeskAdministrator,
        directoryScopeId: `/administrativeUnits/${unit.id}`,
      });
      const pass = await issueTemporaryAccessPass(deps, ctx, amy.id, { lifetimeInMinutes: 60 });
      const chiefPass = await issueTemporaryAccessPass(deps, ctx, chief.id, { lifetimeInMinutes: 60 });

      const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'ja-JP' });
      page = await context.newPage();
      await page.goto(`${s.url}/admin`);
      await enterUsername(page, chief.userPrincipalName);
      await enterPassword(page, 'the chief has a long passphrase');
      await enterPass(page, chiefPass.temporaryAccessPass);
      await page.waitForURL((u) => u.pathname === '/admin');

      const audit = await deps.db.selectFrom('audit_events').select('id').limit(1).executeTakeFirstOrThrow();
      const [signIn] = await createSignInsRepo(deps.db).listRecentSignIns(1);
      const user = `/admin/users/${amy.id}`;
      const helpdesk = `/admin/roles/${ROLE_TEMPLATE_IDS.helpdeskAdministrator}`;
      pages.push(
        '/admin',
        '/admin/users',
        '/admin/users?search=am',
        '/admin/users/new',
        user,
        `${user}/authentication-methods`,
        `${user}/authentication-methods/add`,
        `${user}/authentication-methods/add?method=temporaryAccessPass`,
        `${user}/authentication-methods/delete?kind=temporaryAccessPass&id=${pass.pass.id}`,
        `${user}/pass-history`,
        '/admin/groups',
        '/admin/groups/new',
        `/admin/groups/${group.id}`,
        `/admin/groups/${group.id}/members`,
        `/admin/groups/${group.id}/members/${amy.id}/remove`,
        `/admin/groups/${group.id}/delete`,
        '/admin/administrative-units',
        `/admin/administrative-units/${unit.id}`,
        `/admin/administrative-units/${unit.id}/members`,
        '/admin/roles',
        '/admin/roles/new',
        helpdesk,
        `${helpdesk}/assignments/${assignment.id}/remove`,
        '/admin/authentication-methods',
        '/admin/authentication-methods/temporary-access-pass',
        '/admin/authentication-methods/temporary-access-pass/configure',
        '/admin/authentication-methods/temporary-access-pass/configure/edit',
        '/admin/properties',
        '/admin/audit-logs',
        `/admin/audit-logs/${audit.id}`,
        '/admin/sign-in-logs',
        `/admin/sign-in-logs/${signIn!.id}`,
      );
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    it('has no serious or critical axe-core violation on any page, wide or narrow, and never scrolls sideways', async () => {
      const problems: string[] = [];
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 800 });
        for (const path of pages) {
          const res = await page.goto(`${s.url}${path}`);
          if (res?.status() !== 200) problems.push(`${path}: status ${res?.status()}`);
          for (const v of await seriousViolations(page)) problems.push(`${path} (${width}px): ${v}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 1) problems.push(`${path} (${width}px): the page scrolls ${overflow}px sideways`);
        }
      }
      assert.deepEqual(problems, []);
    });
  });
}
