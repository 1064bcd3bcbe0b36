// Directory services on both databases: users, groups, paging, and ending a user's sessions and tokens.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import type { RequestContext } from '../../src/services/deps.js';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  resetPassword,
  revokeSignInSessions,
  setAccountEnabled,
  updateUser,
} from '../../src/services/users.js';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  getGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
} from '../../src/services/groups.js';
import { toGraphUser } from '../../src/services/graph-shapes.js';
import { isAppError } from '../../src/domain/errors.js';
import { randomUUID } from 'node:crypto';
import { GLOBAL_ADMINISTRATOR } from '../../src/domain/roles.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';

const ctx: RequestContext = {
  actor: { kind: 'cli', osUser: 'tester' },
  correlationId: '11111111-1111-4111-8111-111111111111',
  ipAddress: null,
};

async function insertFakeOidcRows(t: TestRuntime, accountId: string | null, n: number, tag: string): Promise<void> {
  const models = ['Session', 'AccessToken', 'RefreshToken', 'AuthorizationCode', 'Grant', 'Interaction'];
  for (let i = 0; i < n; i++)
    await t.runtime.deps.db
      .insertInto('oidc_payloads')
      .values({
        model: models[i % models.length]!,
        id_hash: `${tag}-${i}`,
        payload: 'sealed',
        grant_id_hash: null,
        uid_hash: null,
        user_code_hash: null,
        account_id: accountId,
        expires_at: null,
        consumed_at: null,
      })
      .execute();
}

const oidcRowsOf = async (t: TestRuntime, accountId: string) =>
  (await t.runtime.deps.db.selectFrom('oidc_payloads').select('id_hash').where('account_id', '=', accountId).execute())
    .length;

const rejects = (code: string, target?: string) => (e: unknown) => {
  assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
  assert.equal(e.code, code);
  if (target !== undefined) assert.equal(e.target, target);
  return true;
};

for (const dialect of dialects) {
  describe(`directory services on ${dialect}`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_DOMAINS: 'contoso.test,fabrikam.test' });
    });
    after(() => t.close());

    it('creates users with a normalised UPN, finds them by id or UPN, never shows a hash', async () => {
      const deps = t.runtime.deps;
      const alice = await createUser(deps, ctx, {
        userPrincipalName: '  Alice@Contoso.TEST ',
        displayName: 'Alice',
        password: 'correct horse battery',
      });
      assert.equal(alice.userPrincipalName, 'alice@contoso.test');
      assert.equal(alice.mailNickname, 'alice');
      assert.match(alice.passwordHash ?? '', /\$argon2id\$/);
      assert.equal((await getUser(deps, ctx, 'ALICE@contoso.test')).id, alice.id);
      assert.equal((await getUser(deps, ctx, alice.id.toUpperCase())).id, alice.id);
      const json = JSON.stringify(toGraphUser(alice));
      assert.doesNotMatch(json, /argon2|passwordHash/);
      assert.deepEqual(Object.keys(toGraphUser(alice, ['displayName', 'id'])), ['id', 'displayName']);
      await assert.rejects(
        createUser(deps, ctx, { userPrincipalName: 'alice@contoso.test', displayName: 'Again' }),
        rejects('upnTaken', 'userPrincipalName'),
      );
      await assert.rejects(
        createUser(deps, ctx, { userPrincipalName: 'bob@elsewhere.test', displayName: 'Bob' }),
        rejects('domainNotVerified', 'userPrincipalName'),
      );
      await assert.rejects(
        createUser(deps, ctx, { userPrincipalName: 'bob@contoso.test', displayName: 'Bob', password: 'password' }),
        rejects('passwordPolicy', 'passwordProfile.password'),
      );
      await assert.rejects(getUser(deps, ctx, 'nobody@contoso.test'), rejects('notFound'));
      const failures = await deps.db
        .selectFrom('audit_events')
        .select(['activity_display_name', 'result'])
        .where('result', '=', 'failure')
        .execute();
      assert.ok(failures.length >= 3 && failures.every((f) => f.activity_display_name === 'Add user'));
    });

    it('disabling a user deletes their oidc_payloads rows and bumps sessions_valid_from; others keep theirs', async () => {
      const deps = t.runtime.deps;
      const carol = await createUser(deps, ctx, { userPrincipalName: 'carol@contoso.test', displayName: 'Carol' });
      const dave = await createUser(deps, ctx, { userPrincipalName: 'dave@contoso.test', displayName: 'Dave' });
      await insertFakeOidcRows(t, carol.id, 6, `carol-${dialect}`);
      await insertFakeOidcRows(t, dave.id, 3, `dave-${dialect}`);
      const before = (await getUser(deps, ctx, carol.id)).sessionsValidFrom.getTime();
      await new Promise((r) => setImmediate(r));
      const disabled = await setAccountEnabled(deps, ctx, carol.id, false);
      assert.equal(disabled.accountEnabled, false);
      assert.equal(await oidcRowsOf(t, carol.id), 0);
      assert.equal(await oidcRowsOf(t, dave.id), 3);
      assert.ok(disabled.sessionsValidFrom.getTime() >= before);
      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Disable account')
        .execute();
      assert.equal(audit.length, 1);
      assert.match(audit[0]!.target_resources, /AccountEnabled/);

      // Revoking and resetting end sessions too; the password never reaches the audit log.
      await insertFakeOidcRows(t, dave.id, 2, `dave2-${dialect}`);
      await revokeSignInSessions(deps, ctx, 'dave@contoso.test');
      assert.equal(await oidcRowsOf(t, dave.id), 0);
      await insertFakeOidcRows(t, dave.id, 2, `dave3-${dialect}`);
      await resetPassword(deps, ctx, dave.id, 'a brand new passphrase');
      assert.equal(await oidcRowsOf(t, dave.id), 0);
      const all = JSON.stringify(await deps.db.selectFrom('audit_events').selectAll().execute());
      assert.doesNotMatch(all, /brand new passphrase/);
      await insertFakeOidcRows(t, dave.id, 2, `dave4-${dialect}`);
      await deleteUser(deps, ctx, dave.id);
      assert.equal(await oidcRowsOf(t, dave.id), 0);
    });

    it('PATCH-style updates merge and refuse to disable or delete the last Global Administrator', async () => {
      const deps = t.runtime.deps;
      const erin = await createUser(deps, ctx, {
        userPrincipalName: 'erin@contoso.test',
        displayName: 'Erin',
        jobTitle: 'Engineer',
      });
      const updated = await updateUser(deps, ctx, erin.id, { displayName: 'Erin E.' });
      assert.equal(updated.displayName, 'Erin E.');
      assert.equal(updated.jobTitle, 'Engineer');
      const admin = await getUser(deps, ctx, 'admin@contoso.test');
      await assert.rejects(setAccountEnabled(deps, ctx, admin.id, false), rejects('lastGlobalAdmin'));
      await assert.rejects(updateUser(deps, ctx, admin.id, { accountEnabled: false }), rejects('lastGlobalAdmin'));
      await assert.rejects(deleteUser(deps, ctx, admin.id), rejects('lastGlobalAdmin'));
      assert.equal((await getUser(deps, ctx, admin.id)).accountEnabled, true);
    });

    it('two concurrent disables of the only two Global Administrators: exactly one succeeds', async () => {
      const deps = t.runtime.deps;
      const admin = await getUser(deps, ctx, 'admin@contoso.test');
      const second = await createUser(deps, ctx, { userPrincipalName: 'ga2@contoso.test', displayName: 'Second GA' });
      await createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
        id: randomUUID(),
        principalId: second.id,
        roleDefinitionId: GLOBAL_ADMINISTRATOR,
        directoryScopeId: '/',
        createdAt: new Date(),
      });
      const results = await Promise.allSettled([
        setAccountEnabled(deps, ctx, admin.id, false),
        setAccountEnabled(deps, ctx, second.id, false),
      ]);
      assert.equal(
        results.filter((r) => r.status === 'fulfilled').length,
        1,
        JSON.stringify(results.map((r) => r.status)),
      );
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(rejects('lastGlobalAdmin')(refused.reason));
      assert.equal(await createRoleAssignmentsRepo(deps.db).countEnabledHoldersOf(GLOBAL_ADMINISTRATOR), 1);
      // Leave the tenant as found: both enabled again.
      await setAccountEnabled(deps, ctx, admin.id, true);
      await setAccountEnabled(deps, ctx, second.id, true);
    });

    it('lists users in keyset pages and filters through the allow-list', async () => {
      const deps = t.runtime.deps;
      for (let i = 0; i < 5; i++)
        await createUser(deps, ctx, { userPrincipalName: `page${i}@fabrikam.test`, displayName: `Page ${i}` });
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await listUsers(deps, ctx, {
          filter: "startswith(userPrincipalName,'PAGE')",
          top: 2,
          skipToken: token,
        });
        seen.push(...page.users.map((u) => u.userPrincipalName));
        token = page.nextSkipToken;
      } while (token);
      assert.deepEqual(seen.sort(), [
        'page0@fabrikam.test',
        'page1@fabrikam.test',
        'page2@fabrikam.test',
        'page3@fabrikam.test',
        'page4@fabrikam.test',
      ]);
      const exact = await listUsers(deps, ctx, { filter: "displayName eq 'page 3'", count: true });
      assert.deepEqual(
        exact.users.map((u) => u.userPrincipalName),
        ['page3@fabrikam.test'],
      );
      assert.equal(exact.count, 1);
      const literal = await listUsers(deps, ctx, { filter: "startswith(displayName,'Pag_')" });
      assert.equal(literal.users.length, 0, '_ is matched literally, not as a wildcard');
      await assert.rejects(
        listUsers(deps, ctx, { filter: "passwordHash eq 'x'" }),
        rejects('invalidFilter', '$filter'),
      );
      await assert.rejects(listUsers(deps, ctx, { top: 1000 }), rejects('invalidQuery', '$top'));
      await assert.rejects(listUsers(deps, ctx, { skipToken: 'garbage!' }), rejects('invalidQuery', '$skiptoken'));
    });

    it('groups: create, find by name, add/remove members, duplicates refused, delete', async () => {
      const deps = t.runtime.deps;
      const group = await createGroup(deps, ctx, { displayName: 'Site A', description: 'Staff of site A' });
      assert.equal(group.mailNickname, 'SiteA');
      assert.equal((await getGroup(deps, ctx, 'site a')).id, group.id);
      await addGroupMember(deps, ctx, 'Site A', 'alice@contoso.test');
      await assert.rejects(addGroupMember(deps, ctx, group.id, 'alice@contoso.test'), rejects('memberAlreadyExists'));
      const members = await listGroupMembers(deps, ctx, group.id);
      assert.deepEqual(
        members.members.map((m) => m.userPrincipalName),
        ['alice@contoso.test'],
      );
      await createGroup(deps, ctx, { displayName: 'site a' });
      await assert.rejects(getGroup(deps, ctx, 'Site A'), rejects('invalidRequest', 'group'));
      await removeGroupMember(deps, ctx, group.id, 'alice@contoso.test');
      await assert.rejects(removeGroupMember(deps, ctx, group.id, 'alice@contoso.test'), rejects('notFound'));
      assert.equal((await listGroups(deps, ctx, { filter: "startswith(displayName,'site')" })).groups.length, 2);
      await deleteGroup(deps, ctx, group.id);
      await assert.rejects(getGroup(deps, ctx, group.id), rejects('notFound'));
    });
  });
}
