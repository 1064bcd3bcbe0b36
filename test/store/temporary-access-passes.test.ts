// Issuing, replacing, revoking and redeeming passes through the services, on both databases: one pass per user even
// under concurrent issues, exactly one winner among concurrent redemptions, refusals audited, the pass never stored.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { createUser } from '../../src/services/users.js';
import { createGroup, addGroupMember } from '../../src/services/groups.js';
import {
  deleteTemporaryAccessPass,
  issueTemporaryAccessPass,
  listTemporaryAccessPasses,
  toGraphTap,
} from '../../src/services/temporary-access-passes.js';
import { getTapPolicy, updateTapPolicy } from '../../src/services/tap-policy.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import { isAppError } from '../../src/domain/errors.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const cli = { actor: { kind: 'cli' as const, osUser: 'helpdesk' }, correlationId: 'tap-test', ipAddress: null };

for (const dialect of dialects) {
  describe(`temporary access passes (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_DOMAINS: 'contoso.test' }, clock);
      deps = t.runtime.deps;
    });
    after(() => t.close());

    it('first start enables the policy with Entra defaults', async () => {
      const policy = await getTapPolicy(deps.db);
      assert.equal(policy.state, 'enabled');
      assert.equal(policy.defaultLifetimeInMinutes, 60);
      assert.equal(policy.minimumLifetimeInMinutes, 60);
      assert.equal(policy.maximumLifetimeInMinutes, 480);
      assert.equal(policy.defaultLength, 8);
      assert.equal(policy.isUsableOnce, false);
    });

    it('issues a pass shown once, stores only its argon2id hash, and replaces it with a delete and a create', async () => {
      const user = await createUser(deps, cli, { userPrincipalName: 'ivy@contoso.test', displayName: 'Ivy' });
      const first = await issueTemporaryAccessPass(deps, cli, user.userPrincipalName, {});
      assert.equal(first.temporaryAccessPass.length, 8);
      assert.equal(first.pass.lifetimeMinutes, 60);
      assert.equal(first.usability.methodUsabilityReason, 'EnabledByPolicy');
      const stored = await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id);
      assert.match(stored!.passHash, /\$argon2id\$/);
      assert.ok(!stored!.passHash.includes(first.temporaryAccessPass));
      assert.equal((await deps.hasher.verify(stored!.passHash, first.temporaryAccessPass)).ok, true);

      const [listed] = await listTemporaryAccessPasses(deps, cli, user.id);
      assert.equal(toGraphTap(listed!).temporaryAccessPass, null, 'never returned again');

      const second = await issueTemporaryAccessPass(deps, cli, user.id, { lifetimeInMinutes: 120, isUsableOnce: true });
      assert.equal(second.replaced?.id, first.pass.id);
      assert.equal(second.replaced?.issuedBy.displayName, 'helpdesk (gatepass CLI)');
      assert.equal((await listTemporaryAccessPasses(deps, cli, user.id)).length, 1);
      const audit = await deps.db
        .selectFrom('audit_events')
        .select(['activity_display_name', 'result', 'target_resources'])
        .where('correlation_id', '=', 'tap-test')
        .where('activity_display_name', 'like', 'Admin%')
        .execute();
      const names = audit.map((a) => `${a.activity_display_name}:${a.result}`).sort();
      assert.deepEqual(names, [
        'Admin deleted security info:success',
        'Admin registered security info:success',
        'Admin registered security info:success',
      ]);
      for (const a of audit) {
        assert.ok(
          !a.target_resources.includes(first.temporaryAccessPass) &&
            !a.target_resources.includes(second.temporaryAccessPass),
        );
      }
    });

    it('refuses, with Graph errors naming the field, and audits each refusal', async () => {
      const user = await createUser(deps, cli, { userPrincipalName: 'jon@contoso.test', displayName: 'Jon' });
      const refusals: [object, string | undefined, RegExp][] = [
        [{ lifetimeInMinutes: 30 }, 'lifetimeInMinutes', /valid range between 60 and 480/],
        [{ lifetimeInMinutes: 481 }, 'lifetimeInMinutes', /valid range between 60 and 480/],
        [{ startDateTime: 'tomorrow' }, 'startDateTime', /StartDateTime/],
        [{ isUsableOnce: 'yes' }, 'isUsableOnce', /IsUsableOnce/],
      ];
      for (const [request, target, message] of refusals) {
        await assert.rejects(issueTemporaryAccessPass(deps, cli, user.id, request), (e: unknown) => {
          assert.ok(isAppError(e));
          assert.equal(e.status, 400);
          assert.equal(e.target, target);
          assert.match(e.message, message);
          return true;
        });
      }
      await updateTapPolicy(deps, cli, { state: 'disabled' });
      await assert.rejects(issueTemporaryAccessPass(deps, cli, user.id, {}), /Converged UserCredentialPolicy/);
      const group = await createGroup(deps, cli, { displayName: 'TAP pilots' });
      await updateTapPolicy(deps, cli, {
        state: 'enabled',
        includeTargets: [{ targetType: 'group', id: group.id, isRegistrationRequired: false }],
      });
      await assert.rejects(issueTemporaryAccessPass(deps, cli, user.id, {}), /Converged UserCredentialPolicy/);
      await addGroupMember(deps, cli, group.id, user.id);
      await issueTemporaryAccessPass(deps, cli, user.id, {});
      await updateTapPolicy(deps, cli, { excludeTargets: [{ targetType: 'group', id: group.id }] });
      await assert.rejects(issueTemporaryAccessPass(deps, cli, user.id, {}), /Converged UserCredentialPolicy/);
      await updateTapPolicy(deps, cli, {
        includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
        excludeTargets: [],
      });
      const failures = await deps.db
        .selectFrom('audit_events')
        .select('result_reason')
        .where('activity_display_name', '=', 'Admin registered security info')
        .where('result', '=', 'failure')
        .execute();
      assert.ok(failures.length >= refusals.length + 3, `refusals audited (${failures.length})`);
      await assert.rejects(issueTemporaryAccessPass(deps, cli, 'nobody@contoso.test', {}), /does not exist/);
    });

    it('keeps exactly one pass when 20 issues for one user race, and never fails with a fault', async () => {
      const user = await createUser(deps, cli, { userPrincipalName: 'kim@contoso.test', displayName: 'Kim' });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => issueTemporaryAccessPass(deps, cli, user.id, {})),
      );
      const faults = results.filter((r) => r.status === 'rejected' && !isAppError(r.reason));
      assert.deepEqual(faults, []);
      const rows = await deps.db
        .selectFrom('temporary_access_passes')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(rows.length, 1);
    });

    it('lets exactly one of 50 concurrent redemptions consume a one-time pass, and none of a replaced pass', async () => {
      const user = await createUser(deps, cli, { userPrincipalName: 'lea@contoso.test', displayName: 'Lea' });
      const issued = await issueTemporaryAccessPass(deps, cli, user.id, { isUsableOnce: true });
      const repo = createTemporaryAccessPassesRepo(deps.db);
      const now = clock.now().getTime();
      const wins = await Promise.all(Array.from({ length: 50 }, () => repo.consumePass(issued.pass.id, now)));
      assert.equal(wins.filter(Boolean).length, 1);
      const [view] = await listTemporaryAccessPasses(deps, cli, user.id);
      assert.equal(view!.usability.methodUsabilityReason, 'OneTimeUsed');
      const replacement = await issueTemporaryAccessPass(deps, cli, user.id, { isUsableOnce: true });
      assert.equal(await repo.consumePass(issued.pass.id, now), false, 'a replaced pass can never be redeemed');
      clock.advance(61 * 60);
      assert.equal(
        await repo.consumePass(replacement.pass.id, clock.now().getTime()),
        false,
        'an expired pass cannot be consumed',
      );
      const [expired] = await listTemporaryAccessPasses(deps, cli, user.id);
      assert.equal(expired!.usability.methodUsabilityReason, 'Expired');
    });

    it('a disputed pass: marked once, never consumed (even multi-use), and Graph reports Expired', async () => {
      const user = await createUser(deps, cli, { userPrincipalName: 'dina@contoso.test', displayName: 'Dina' });
      const issued = await issueTemporaryAccessPass(deps, cli, user.id, { isUsableOnce: false });
      const repo = createTemporaryAccessPassesRepo(deps.db);
      const at = clock.now();
      assert.equal(await repo.markPassDisputed(issued.pass.id, 'someone-else', at), false, "another user's pass");
      assert.equal(await repo.markPassDisputed(issued.pass.id, user.id, at), true);
      clock.advance(1);
      assert.equal(await repo.markPassDisputed(issued.pass.id, user.id, clock.now()), false, 'the first report stays');
      assert.deepEqual((await repo.findPassOfUser(user.id))?.disputedAt, at);
      // The store's own guard: a redemption that checked the pass just before the report still loses.
      assert.equal(await repo.consumePass(issued.pass.id, clock.now().getTime()), false);
      const [view] = await listTemporaryAccessPasses(deps, cli, user.id);
      assert.deepEqual(view!.usability, { isUsable: false, methodUsabilityReason: 'Expired' });
    });

    it('deletes a pass and ends the sessions it started, leaving the others', async () => {
      const user = await createUser(deps, cli, { userPrincipalName: 'max@contoso.test', displayName: 'Max' });
      const issued = await issueTemporaryAccessPass(deps, cli, user.id, {});
      const row = (id: string, via: number, grant: string | null, model = 'Session') => ({
        model,
        id_hash: id,
        payload: 'sealed',
        grant_id_hash: grant,
        uid_hash: null,
        user_code_hash: null,
        account_id: user.id,
        expires_at: null,
        consumed_at: null,
        via_tap: via,
      });
      await deps.db
        .insertInto('oidc_payloads')
        .values([
          row('tap-session', 1, null),
          row('tap-refresh', 1, 'g1', 'RefreshToken'),
          { ...row('tap-access', 0, 'g1', 'AccessToken'), account_id: user.id },
          row('g1', 0, null, 'Grant'),
          row('pwd-session', 0, null),
          row('pwd-refresh', 0, 'g2', 'RefreshToken'),
        ])
        .execute();
      await deleteTemporaryAccessPass(deps, cli, user.id, issued.pass.id);
      const left = await deps.db
        .selectFrom('oidc_payloads')
        .select('id_hash')
        .where('account_id', '=', user.id)
        .orderBy('id_hash')
        .execute();
      assert.deepEqual(
        left.map((r) => r.id_hash),
        ['pwd-refresh', 'pwd-session'],
      );
      assert.equal((await listTemporaryAccessPasses(deps, cli, user.id)).length, 0);
      await assert.rejects(deleteTemporaryAccessPass(deps, cli, user.id, issued.pass.id), /does not exist/);
    });
  });
}
