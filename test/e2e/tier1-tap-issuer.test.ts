// The how-to's closing advice, followed end to end: "scope this permission to a Custom Role so that your Helpdesk
// or Tier 1 staff can generate these codes". A Global Administrator's script (the Microsoft Graph JS client, with a
// delegated token from a real Chromium sign-in) creates the custom role "Tier 1 TAP issuer", the units "Site A" and
// "Site B", and assigns the role to a helpdesk agent on Site A. The agent signs in with password and pass, issues a
// pass to a Site A user (who then signs in with it), and is refused, each time by the rule that applies, for a
// Site B user, for a Site A user holding an admin role, for themself, for deleting a pass and for changing the
// policy. The audit log, read by the administrator's script, shows every step. On SQLite and on PostgreSQL.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/permissions.js';
import { errorCatalogue } from '../../src/domain/errors.js';
import type { Deps } from '../../src/services/deps.js';
import { grantDelegatedPermissions } from '../../src/services/permission-grants.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { enterPass, enterPassword, enterUsername, finishCodeFlow, startCodeFlow } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { graphJsClient } from '../support/graph-js-client.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import {
  cliContext,
  createPasswordUser,
  createWebApp,
  launchChromium,
  securityDefaults,
} from '../support/sign-in-fixtures.js';

const GRAPH = 'https://graph.microsoft.com';
// Every scope here is one only an administrator may grant: the operator grants them to the app for all users
// (`gatepass app grant`), and what each person may then do is decided by their directory roles alone.
const GRANTED = [
  'User.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'AdministrativeUnit.ReadWrite.All',
  'Policy.ReadWrite.AuthenticationMethod',
  'AuditLog.Read.All',
];
const SCOPE = ['openid', 'profile', ...GRANTED.map((name) => `${GRAPH}/${name}`)].join(' ');
const TAP_POLICY = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass';

interface Person {
  user: UserRecord;
  password: string;
}

interface GraphFailure {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** The SDK's GraphError for a refusal by `rule`: Graph's 403 code, and the message that names the rule. */
const refusedBy = (rule: keyof typeof errorCatalogue) => (e: GraphFailure) => {
  assert.equal(e.statusCode, 403, `expected 403 (${rule}), got ${e.statusCode}: ${e.message}`);
  assert.equal(e.code, 'Authorization_RequestDenied');
  assert.equal(e.message, errorCatalogue[rule].message);
  return true;
};

for (const dialect of dialects) {
  describe(`the how-to's "Tier 1 TAP issuer" custom role, end to end (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let browser: Browser;
    let rp: client.Configuration;
    let redirectUri: string;
    let gail: Person; // Global Administrator, runs the script
    let dana: Person; // the helpdesk agent
    let amy: Person; // a Site A user
    let ben: Person; // a Site B user
    let hank: Person; // a Site A user who holds an admin role
    let admin: Client;
    let unitA: string;
    let tier1RoleId: string;

    async function person(name: string): Promise<Person> {
      const password = `${name} keeps a long unusual passphrase`;
      return { user: await createPasswordUser(deps, name, password), password };
    }

    /** `who` signs in in Chromium with password then `pass` (security defaults on), and gets a Graph token. */
    async function signIn(who: Person, pass: string): Promise<string> {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const flow = await startCodeFlow(page, rp, redirectUri, SCOPE);
        await enterUsername(page, who.user.userPrincipalName);
        await enterPassword(page, who.password);
        await enterPass(page, pass);
        const { tokens } = await finishCodeFlow(page, rp, redirectUri, s.url, flow);
        return tokens.access_token;
      } finally {
        await context.close();
      }
    }

    /** A pass issued by the operator's CLI, as the first administrators get theirs. */
    async function operatorPass(who: Person): Promise<string> {
      const issued = await issueTemporaryAccessPass(deps, cliContext(), who.user.id, {
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      });
      return issued.temporaryAccessPass;
    }

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, true);
      browser = await launchChromium();
      redirectUri = `${s.url}/rp-callback`;
      const web = await createWebApp(deps, redirectUri);
      await grantDelegatedPermissions(deps, cliContext(), web.app.appId, GRANTED);
      rp = await client.discovery(new URL(s.url), web.app.appId, web.secret!.secretText, undefined, {
        execute: [client.allowInsecureRequests],
      });
      gail = await person('gail');
      dana = await person('dana');
      amy = await person('amy');
      ben = await person('ben');
      hank = await person('hank');
      // The tenant's first Global Administrator, as `gatepass init` makes one.
      await createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
        id: crypto.randomUUID(),
        principalId: gail.user.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.globalAdministrator,
        directoryScopeId: '/',
        createdAt: deps.clock.now(),
      });
      admin = graphJsClient(s.url, await signIn(gail, await operatorPass(gail)));
    });

    after(async () => {
      await browser?.close();
      await s?.close();
    });

    it("the administrator's script creates the role and the units, and assigns the role on Site A", async () => {
      const role = (await admin.api('/roleManagement/directory/roleDefinitions').post({
        displayName: 'Tier 1 TAP issuer',
        description: 'Issues Temporary Access Passes to the users of their site.',
        isEnabled: true,
        rolePermissions: [
          {
            allowedResourceActions: [
              'microsoft.directory/users/authenticationMethods/create',
              'microsoft.directory/users/authenticationMethods/standard/read',
            ],
          },
        ],
      })) as { id: string; isBuiltIn: boolean };
      assert.equal(role.isBuiltIn, false);
      tier1RoleId = role.id;

      const siteA = (await admin.api('/directory/administrativeUnits').post({ displayName: 'Site A' })) as {
        id: string;
      };
      const siteB = (await admin.api('/directory/administrativeUnits').post({ displayName: 'Site B' })) as {
        id: string;
      };
      unitA = siteA.id;
      const addMember = (unit: string, who: Person) =>
        admin
          .api(`/directory/administrativeUnits/${unit}/members/$ref`)
          .post({ '@odata.id': `${GRAPH}/v1.0/directoryObjects/${who.user.id}` });
      await addMember(siteA.id, amy);
      await addMember(siteA.id, hank);
      await addMember(siteB.id, ben);

      await admin.api('/roleManagement/directory/roleAssignments').post({
        principalId: hank.user.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.helpdeskAdministrator,
        directoryScopeId: '/',
      });
      const assignment = (await admin.api('/roleManagement/directory/roleAssignments').post({
        principalId: dana.user.id,
        roleDefinitionId: tier1RoleId,
        directoryScopeId: `/administrativeUnits/${unitA}`,
      })) as { id: string; directoryScopeId: string };
      assert.equal(assignment.directoryScopeId, `/administrativeUnits/${unitA}`);

      const danaRoles = (await admin
        .api('/roleManagement/directory/roleAssignments')
        .filter(`principalId eq '${dana.user.id}'`)
        .expand('roleDefinition')
        .get()) as { value: { roleDefinition: { displayName: string }; directoryScopeId: string }[] };
      assert.deepEqual(
        danaRoles.value.map((a) => [a.roleDefinition.displayName, a.directoryScopeId]),
        [['Tier 1 TAP issuer', `/administrativeUnits/${unitA}`]],
      );
      const amyUnits = (await admin.api(`/users/${amy.user.id}/memberOf`).get()) as {
        value: { '@odata.type': string; displayName: string }[];
      };
      assert.deepEqual(
        amyUnits.value.map((o) => [o['@odata.type'], o.displayName]),
        [['#microsoft.graph.administrativeUnit', 'Site A']],
      );
    });

    it('the helpdesk agent signs in with password and pass and issues a pass to a Site A user, who signs in with it', async () => {
      assert.ok(tier1RoleId, 'the script ran first');
      const helpdesk = graphJsClient(s.url, await signIn(dana, await operatorPass(dana)));
      const me = (await helpdesk.api('/me').get()) as { id: string };
      assert.equal(me.id, dana.user.id);

      // Every member may read the directory's users: that is how the agent finds the caller.
      const found = (await helpdesk.api(`/users/${amy.user.userPrincipalName}`).get()) as { id: string };
      assert.equal(found.id, amy.user.id);

      const issued = (await helpdesk.api(`/users/${amy.user.id}/authentication/temporaryAccessPassMethods`).post({
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      })) as { id: string; temporaryAccessPass: string; isUsable: boolean };
      assert.match(issued.temporaryAccessPass, /^\S{8,48}$/);
      const listed = (await helpdesk.api(`/users/${amy.user.id}/authentication/temporaryAccessPassMethods`).get()) as {
        value: { id: string; temporaryAccessPass: string | null }[];
      };
      assert.deepEqual(
        listed.value.map((p) => [p.id, p.temporaryAccessPass]),
        [[issued.id, null]],
        'standard/read shows the metadata, never the pass again',
      );

      // Refused, each by its own rule, and nothing is written.
      const passOf = async (who: Person) =>
        (await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(who.user.id))?.id;
      const before = { ben: await passOf(ben), hank: await passOf(hank), dana: await passOf(dana) };
      const issue = (who: Person) =>
        helpdesk.api(`/users/${who.user.id}/authentication/temporaryAccessPassMethods`).post({ lifetimeInMinutes: 60 });
      await assert.rejects(issue(ben), refusedBy('deniedOutsideUnit'));
      await assert.rejects(issue(hank), refusedBy('deniedTargetRole'));
      await assert.rejects(issue(dana), refusedBy('deniedSelf'));
      await assert.rejects(
        helpdesk.api(`/users/${amy.user.id}/authentication/temporaryAccessPassMethods/${issued.id}`).delete(),
        refusedBy('deniedRoleMissing'),
      );
      await assert.rejects(
        helpdesk.api(TAP_POLICY).patch({
          '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
          defaultLifetimeInMinutes: 480,
        }),
        refusedBy('deniedRoleMissing'),
      );
      assert.deepEqual(
        { ben: await passOf(ben), hank: await passOf(hank), dana: await passOf(dana) },
        before,
        'no refused call wrote a pass',
      );
      assert.equal(await passOf(amy), issued.id, 'the refused delete left the pass');
      const policy = (await admin.api(TAP_POLICY).get()) as { defaultLifetimeInMinutes: number };
      assert.notEqual(policy.defaultLifetimeInMinutes, 480, 'the refused PATCH changed nothing');

      // The how-to's purpose: the user signs in with the pass the helpdesk read out to them.
      const amyToken = await signIn(amy, issued.temporaryAccessPass);
      assert.equal(((await graphJsClient(s.url, amyToken).api('/me').get()) as { id: string }).id, amy.user.id);
    });

    it('the audit log shows every step, each refusal with the rule that refused it', async () => {
      interface Audit {
        activityDisplayName: string;
        category: string;
        result: string;
        resultReason: string;
        initiatedBy: { user: { id: string } | null };
        targetResources: { id: string }[];
      }
      const byGail = (await admin
        .api('/auditLogs/directoryAudits')
        .filter(`initiatedBy/user/id eq '${gail.user.id}'`)
        .top(100)
        .get()) as { value: Audit[] };
      const steps = byGail.value.map((a) => `${a.category}: ${a.activityDisplayName} (${a.result})`).sort();
      for (const step of [
        'RoleManagement: Add role definition (success)',
        'AdministrativeUnit: Add administrative unit (success)',
        'AdministrativeUnit: Add member to administrative unit (success)',
        'RoleManagement: Add member to role (success)',
      ])
        assert.ok(steps.includes(step), `${step} in ${steps.join('; ')}`);
      assert.equal(steps.filter((x) => x.includes('Add member to administrative unit')).length, 3);
      assert.equal(steps.filter((x) => x.includes('Add member to role')).length, 2);

      const byDana = (await admin
        .api('/auditLogs/directoryAudits')
        .filter(`initiatedBy/user/id eq '${dana.user.id}'`)
        .top(100)
        .get()) as { value: Audit[] };
      const target = (a: Audit) => a.targetResources[0]?.id;
      const issuedToAmy = byDana.value.filter((a) => a.result === 'success' && target(a) === amy.user.id);
      assert.equal(issuedToAmy.length, 1, 'one success: the pass for the Site A user');
      assert.match(issuedToAmy[0]!.activityDisplayName, /registered security info/);
      const refusals = byDana.value
        .filter((a) => a.result === 'failure')
        .map((a) => [target(a), a.resultReason])
        .sort();
      const expected = [
        [ben.user.id, errorCatalogue.deniedOutsideUnit.message],
        [hank.user.id, errorCatalogue.deniedTargetRole.message],
        [dana.user.id, errorCatalogue.deniedSelf.message],
        [amy.user.id, errorCatalogue.deniedRoleMissing.message],
      ];
      for (const row of expected)
        assert.ok(
          refusals.some(([id, reason]) => id === row[0] && reason === row[1]),
          `refusal ${row.join(': ')} in ${JSON.stringify(refusals)}`,
        );
      assert.equal(refusals.length, 5, `five refusals, the policy change the fifth: ${JSON.stringify(refusals)}`);
      assert.equal(
        refusals.filter(([, reason]) => reason === errorCatalogue.deniedRoleMissing.message).length,
        2,
        'deleting the pass and changing the policy: no role of theirs allows either',
      );
    });
  });
}
