// Wrong passes are throttled like wrong passwords, but separately: counted before the hash, backed off per (user,
// address) and per user; a correct password does not reset the pass count (only a completed sign-in does); and a
// correct but already-used pass is not a guess. Runs the sign-in service on both databases.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { THROTTLE_RULES } from '../../src/domain/throttle.js';
import type { Deps } from '../../src/services/deps.js';
import {
  submitPassword,
  submitTap,
  submitUsername,
  type SignInRequest,
  type SignInView,
} from '../../src/services/sign-in/index.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { getThrottleState } from '../../src/services/throttle.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { ManualClock } from '../../src/domain/clock.js';
import { countingHasher, type CountingHasher } from '../support/counting-hasher.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext, createPasswordUser, signInRequest } from '../support/sign-in-fixtures.js';

const PASSWORD = 'a perfectly fine passphrase';

for (const dialect of dialects) {
  describe(`pass throttling (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    let hasher: CountingHasher;
    let paul: UserRecord;
    let pass: string;

    before(async () => {
      // A clock that stands still: the back-off windows cannot run out while a loaded machine works through the test.
      t = await openTestRuntime(dialect, {}, new ManualClock(new Date()));
      hasher = countingHasher(t.runtime.deps.hasher);
      deps = { ...t.runtime.deps, hasher };
      paul = await createPasswordUser(deps, 'paul', PASSWORD);
      pass = (await issueTemporaryAccessPass(deps, cliContext(), paul.id, { isUsableOnce: true })).temporaryAccessPass;
    });
    after(async () => t?.close());

    const request = signInRequest;

    /** Username and the right password: the interaction now stands at the pass page. */
    async function atPassPage(ip?: string): Promise<SignInRequest> {
      const req = request(ip);
      await submitUsername(deps, req, paul.userPrincipalName);
      const afterPassword = await submitPassword(deps, req, PASSWORD);
      assert.equal(afterPassword.kind, 'tap', 'security defaults ask for the pass after the password');
      return req;
    }

    async function passAttempt(entered: string, ip?: string): Promise<SignInView> {
      return submitTap(deps, await atPassPage(ip), entered);
    }

    it('counts wrong passes per factor: 30 parallel wrong passes check exactly the free failures + 1', async () => {
      const allowed = THROTTLE_RULES.pair.freeFailures + 1;
      // The password steps one after the other (parallel right passwords would be throttled too), then 30 passes at once.
      const requests: SignInRequest[] = [];
      for (let i = 0; i < 30; i++) requests.push(await atPassPage());
      hasher.verifies = 30;
      const results = await Promise.all(requests.map((req) => submitTap(deps, req, 'WRONGPAS')));
      // Each attempt spent one verify on the (right) password first.
      const passVerifies = hasher.verifies - 30;
      const wrong = results.filter(
        (r) => r.kind === 'password' && r.error?.includes('Temporary Access Pass is not correct'),
      );
      const throttled = results.filter((r) => r.kind === 'refused' && r.errorCode === 50053);
      assert.equal(wrong.length, allowed);
      assert.equal(throttled.length, 30 - allowed);
      assert.equal(passVerifies, allowed, 'a throttled pass attempt spends no hash');
      const state = await getThrottleState(deps, paul.id);
      assert.equal(state.temporaryAccessPass.failures, allowed);
      assert.equal(state.failures, 0, 'the password counter is separate, and its right answers were given back');
    });

    it('a correct password does not reset the pass count; the right pass is throttled too while backing off', async () => {
      const before = (await getThrottleState(deps, paul.id)).temporaryAccessPass.failures;
      const blocked = await passAttempt(pass);
      assert.equal(blocked.kind, 'refused');
      assert.equal(blocked.kind === 'refused' && blocked.errorCode, 50053);
      assert.equal(
        (await getThrottleState(deps, paul.id)).temporaryAccessPass.failures,
        before,
        'the correct passwords reset nothing',
      );
    });

    let waiting: SignInRequest;

    it('from another address the right pass completes the sign-in, which resets every counter', async () => {
      waiting = await atPassPage('2001:db8:7:8::1'); // a second sign-in that will type the same pass later
      const done = await passAttempt(pass, '2001:db8:7:7::1');
      assert.equal(done.kind, 'done');
      const state = await getThrottleState(deps, paul.id);
      assert.equal(state.temporaryAccessPass.failures, 0);
      assert.equal(state.failures, 0);
    });

    it('a correct but already-used pass is refused as used and not counted as a guess', async () => {
      const used = await submitTap(deps, waiting, pass);
      assert.equal(used.kind, 'refused');
      assert.equal(used.kind === 'refused' && used.errorCode, 90114);
      assert.match(used.kind === 'refused' ? used.message : '', /already been used/);
      assert.equal((await getThrottleState(deps, paul.id)).temporaryAccessPass.failures, 0);
    });
  });
}
