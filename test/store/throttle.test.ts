// Password-failure throttling through the sign-in service on both databases: 30 parallel wrong passwords let
// exactly the allowed number of hashes through (the increment happens before the hash, atomically).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { THROTTLE_RULES } from '../../src/domain/throttle.js';
import type { Deps } from '../../src/services/deps.js';
import { submitPassword, submitUsername } from '../../src/services/sign-in/index.js';
import { clearThrottle, getThrottleState } from '../../src/services/throttle.js';
import { createAuditEventsRepo } from '../../src/store/repos/audit-events.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { ManualClock } from '../../src/domain/clock.js';
import { countingHasher, type CountingHasher } from '../support/counting-hasher.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext, createPasswordUser, securityDefaults, signInRequest } from '../support/sign-in-fixtures.js';

const PASSWORD = 'a perfectly fine passphrase';

for (const dialect of dialects) {
  describe(`sign-in throttling (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    let hasher: CountingHasher;
    let alice: UserRecord;

    before(async () => {
      // A clock that stands still: the back-off windows cannot run out while a loaded machine works through the test.
      t = await openTestRuntime(dialect, {}, new ManualClock(new Date()));
      hasher = countingHasher(t.runtime.deps.hasher);
      deps = { ...t.runtime.deps, hasher };
      await securityDefaults(deps, false);
      alice = await createPasswordUser(deps, 'alice', PASSWORD);
    });
    after(async () => t?.close());

    const request = signInRequest;

    async function attempt(password: string, ip?: string) {
      const req = request(ip);
      const named = await submitUsername(deps, req, alice.userPrincipalName);
      assert.equal(named.kind, 'password');
      return { req, view: await submitPassword(deps, req, password) };
    }

    it('30 parallel wrong passwords: exactly the free failures + 1 are checked, the rest throttled without a hash', async () => {
      hasher.verifies = 0;
      const allowed = THROTTLE_RULES.pair.freeFailures + 1;
      const results = await Promise.all(Array.from({ length: 30 }, () => attempt('wrong password guess')));
      const checked = results.filter((r) => r.view.kind === 'password' && r.view.error);
      const throttled = results.filter((r) => r.view.kind === 'refused' && r.view.errorCode === 50053);
      assert.equal(checked.length, allowed, 'wrong-password answers');
      assert.equal(throttled.length, 30 - allowed, 'throttled answers');
      assert.equal(hasher.verifies, allowed, 'hashes spent');
      for (const r of throttled) assert.ok(r.view.kind === 'refused' && (r.view.retryAfterSeconds ?? 0) >= 1);

      const log = await createSignInsRepo(deps.db).listRecentSignIns(100);
      const mine = log.filter((row) => row.userId === alice.id);
      assert.equal(mine.filter((row) => row.errorCode === 50126).length, allowed);
      assert.equal(mine.filter((row) => row.errorCode === 50053).length, 30 - allowed);

      const state = await getThrottleState(deps, alice.userPrincipalName);
      assert.equal(state.failures, allowed, 'refused attempts were given back');
      assert.equal(state.addresses.length, 1);
      assert.equal(state.addresses[0]!.failures, allowed);
      assert.ok(state.addresses[0]!.retryAfterSeconds >= 1);
    });

    it('while throttled even the right password spends no hash; another address is not blocked by this one', async () => {
      hasher.verifies = 0;
      const blocked = await attempt(PASSWORD);
      assert.equal(blocked.view.kind, 'refused');
      assert.equal(hasher.verifies, 0);
      // The per-user limit is softer: a different /64 still gets its own free failures.
      const elsewhere = await attempt(PASSWORD, '2001:db8:1:2::5');
      assert.equal(elsewhere.view.kind, 'done');
      assert.equal(hasher.verifies, 1);
    });

    it('a completed sign-in resets the counters; clearThrottle clears them and is audited', async () => {
      const state = await getThrottleState(deps, alice.id);
      assert.equal(state.failures, 0, 'the completed sign-in reset every counter of the user');
      await attempt('wrong again');
      await attempt('wrong again');
      assert.equal((await getThrottleState(deps, alice.id)).failures, 2);
      const ctx = cliContext();
      await clearThrottle(deps, ctx, alice.userPrincipalName);
      assert.equal((await getThrottleState(deps, alice.id)).failures, 0);
      const events = await createAuditEventsRepo(deps.db).listRecentAuditEvents(5);
      const unlock = events.find((e) => e.correlationId === ctx.correlationId);
      assert.equal(unlock?.activityDisplayName, 'Unlock user sign-in');
      assert.equal(unlock?.result, 'success');
      await assert.rejects(
        clearThrottle(deps, cliContext(), 'nobody@gatepass.local'),
        (e: Error & { code?: string }) => e.code === 'notFound',
      );
    });

    it('an unknown name is counted and throttled alike (timing tells nothing), and answers like a wrong password', async () => {
      hasher.verifies = 0;
      const results = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const req = request('198.51.100.9');
          await submitUsername(deps, req, 'nobody@gatepass.local');
          return submitPassword(deps, req, 'guess');
        }),
      );
      assert.equal(
        results.filter((v) => v.kind === 'password' && v.error).length,
        THROTTLE_RULES.pair.freeFailures + 1,
      );
      assert.equal(
        hasher.verifies,
        THROTTLE_RULES.pair.freeFailures + 1,
        'a dummy hash is spent for each checked attempt',
      );
    });
  });
}
