// What a user is told about a pass that cannot be used, on both databases, with a clock moved explicitly: a pass not
// yet valid and an expired pass each get their own message — after the typed pass was verified, never before.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { submitPassword, submitTap, submitUsername, type SignInRequest } from '../../src/services/sign-in/index.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

for (const dialect of dialects) {
  describe(`messages for passes that cannot be used (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      t = await openTestRuntime(dialect, {}, clock);
      deps = t.runtime.deps;
    });
    after(async () => t?.close());

    const request = (): SignInRequest => ({
      uid: randomUUID(),
      correlationId: randomUUID(),
      ipAddress: '203.0.113.9',
      userAgent: 'test',
      app: { appId: 'a', displayName: 'App' },
    });

    it('a passwordless user with a pass not yet valid gets the pass page, then the start time once the pass is verified', async () => {
      const user = await createUser(deps, cliContext(), {
        userPrincipalName: `fay@${deps.tenant.defaultDomain}`,
        displayName: 'Fay',
      });
      const start = new Date(clock.now().getTime() + 2 * 3600_000);
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
        startDateTime: start.toISOString(),
      });
      const req = request();
      const page = await submitUsername(deps, req, user.userPrincipalName);
      assert.equal(page.kind, 'tap');
      const wrong = await submitTap(deps, req, 'XXXXXXXX');
      assert.equal(wrong.kind, 'tap', 'a wrong pass learns nothing about the real one');
      assert.match(wrong.kind === 'tap' ? (wrong.error ?? '') : '', /not correct/);
      const early = await submitTap(deps, req, issued.temporaryAccessPass);
      assert.equal(early.kind, 'refused');
      assert.equal(early.kind === 'refused' && early.errorCode, 90112);
      assert.match(early.kind === 'refused' ? early.message : '', /not valid yet\. You can use it from/);

      clock.set(new Date(start.getTime() + 60_000));
      const req2 = request();
      await submitUsername(deps, req2, user.userPrincipalName);
      const done = await submitTap(deps, req2, issued.temporaryAccessPass);
      assert.equal(done.kind, 'done');
      assert.deepEqual(done.kind === 'done' && [...done.login.amr].sort(), ['mfa', 'tap']);
    });

    it('a disputed pass ("This wasn\'t me"): once verified, its own message and sign-in log code 90116', async () => {
      const user = await createUser(deps, cliContext(), {
        userPrincipalName: `dee@${deps.tenant.defaultDomain}`,
        displayName: 'Dee',
      });
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {});
      assert.ok(await createTemporaryAccessPassesRepo(deps.db).markPassDisputed(issued.pass.id, user.id, clock.now()));
      const req = request();
      assert.equal((await submitUsername(deps, req, user.userPrincipalName)).kind, 'tap');
      const refused = await submitTap(deps, req, issued.temporaryAccessPass);
      assert.equal(refused.kind === 'refused' && refused.errorCode, 90116);
      assert.match(refused.kind === 'refused' ? refused.message : '', /reported as not requested by you.*helpdesk/);
    });

    it('an expired pass: its own message for a passwordless user, and a note after the password for a user with one', async () => {
      const user = await createUser(deps, cliContext(), {
        userPrincipalName: `gus@${deps.tenant.defaultDomain}`,
        displayName: 'Gus',
      });
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { lifetimeInMinutes: 60 });
      const withPassword = await createPasswordUser(deps, 'hal', 'hal has a long passphrase');
      await issueTemporaryAccessPass(deps, cliContext(), withPassword.id, { lifetimeInMinutes: 60 });
      clock.advance(3601);

      const req = request();
      assert.equal((await submitUsername(deps, req, user.userPrincipalName)).kind, 'tap');
      const expired = await submitTap(deps, req, issued.temporaryAccessPass);
      assert.equal(expired.kind === 'refused' && expired.errorCode, 90113);
      assert.match(expired.kind === 'refused' ? expired.message : '', /has expired\. Ask your helpdesk/);

      const req2 = request();
      assert.equal(
        (await submitUsername(deps, req2, withPassword.userPrincipalName)).kind,
        'password',
        'nothing is revealed before the password',
      );
      const refused = await submitPassword(deps, req2, 'hal has a long passphrase');
      assert.equal(refused.kind, 'refused');
      assert.match(refused.kind === 'refused' ? refused.message : '', /expired/i);
    });
  });
}
