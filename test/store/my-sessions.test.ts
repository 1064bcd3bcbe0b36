// /my sessions in the store, on both databases: only a keyed hash of the cookie's id is kept; idle and absolute
// expiry; the sweeper removes expired rows; an administrator's revoke, password reset and disable delete the
// user's rows (endUserSessions), as "Sign out everywhere" does.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import { mySessionLifetime } from '../../src/domain/my-session-lifetime.js';
import type { Deps } from '../../src/services/deps.js';
import {
  csrfTokenOf,
  endMySession,
  isCsrfTokenOf,
  resumeMySession,
  startMySession,
} from '../../src/services/my-sessions.js';
import { revokeSignInSessions } from '../../src/services/sessions.js';
import { sweepExpired } from '../../src/services/sweeper.js';
import { resetPassword, setAccountEnabled } from '../../src/services/users.js';
import { createMySessionsRepo } from '../../src/store/repos/my-sessions.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

describe('mySessionLifetime', () => {
  it('renews the idle expiry from now, never past the absolute one counted from the sign-in', () => {
    const authTime = 1_000_000;
    const early = mySessionLifetime(authTime, new Date(authTime * 1000 + 60_000), 30, 120);
    assert.equal(early.idleExpiresAt.getTime(), authTime * 1000 + 31 * 60_000);
    assert.equal(early.absoluteExpiresAt.getTime(), authTime * 1000 + 120 * 60_000);
    const late = mySessionLifetime(authTime, new Date(authTime * 1000 + 110 * 60_000), 30, 120);
    assert.equal(late.idleExpiresAt.getTime(), authTime * 1000 + 120 * 60_000, 'capped at the absolute expiry');
  });
});

for (const dialect of dialects) {
  describe(`/my sessions store (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      t = await openTestRuntime(
        dialect,
        { GATEPASS_SESSION_IDLE_MINUTES: '30', GATEPASS_SESSION_MAX_MINUTES: '120' },
        clock,
      );
      deps = t.runtime.deps;
    });
    after(async () => t.close());

    const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

    it('stores only a keyed hash of the id; resumes, renews and ends by the id; the form token belongs to its session', async () => {
      const user = await createPasswordUser(deps, 'hugo', 'correct horse battery staple');
      const { token, row } = await startMySession(deps, {
        userId: user.id,
        amr: ['pwd', 'otp', 'mfa'],
        authTime: nowSeconds(),
      });
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
      const stored = await deps.db.selectFrom('my_sessions').selectAll().where('user_id', '=', user.id).execute();
      assert.equal(stored.length, 1);
      assert.ok(!JSON.stringify(stored).includes(token), 'the id itself is nowhere in the row');
      assert.notEqual(stored[0]!.id_hash, token);
      assert.equal(row.passId, null);

      clock.advance(20 * 60);
      const resumed = await resumeMySession(deps, token);
      assert.deepEqual(resumed?.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(resumed?.idleExpiresAt.getTime(), clock.now().getTime() + 30 * 60_000, 'renewed');
      assert.equal(await resumeMySession(deps, 'A'.repeat(43)), undefined, 'an unknown id opens nothing');

      const other = await startMySession(deps, { userId: user.id, amr: ['pwd'], authTime: nowSeconds() });
      assert.ok(isCsrfTokenOf(deps, token, csrfTokenOf(deps, token)));
      assert.ok(!isCsrfTokenOf(deps, token, csrfTokenOf(deps, other.token)), "another session's token does not fit");
      assert.ok(!isCsrfTokenOf(deps, token, undefined));

      await endMySession(deps, token);
      assert.equal(await resumeMySession(deps, token), undefined, 'ended');
      assert.ok(await resumeMySession(deps, other.token), 'the other session lives on');
    });

    it('idle and absolute expiry, and the sweeper removes expired rows', async () => {
      const user = await createPasswordUser(deps, 'iris', 'correct horse battery staple');
      const idle = await startMySession(deps, { userId: user.id, amr: ['pwd'], authTime: nowSeconds() });
      const busy = await startMySession(deps, { userId: user.id, amr: ['pwd'], authTime: nowSeconds() });
      for (let minutes = 25; minutes <= 100; minutes += 25) {
        clock.advance(25 * 60);
        assert.ok(await resumeMySession(deps, busy.token), `visited: open after ${minutes} minutes`);
      }
      assert.equal(await resumeMySession(deps, idle.token), undefined, 'idle for 100 minutes');
      clock.advance(21 * 60);
      assert.equal(await resumeMySession(deps, busy.token), undefined, 'past the absolute 120 minutes');
      assert.equal(
        await createMySessionsRepo(deps.db).countSessionsOfUser(user.id),
        2,
        'expired rows stay until swept',
      );
      await sweepExpired(deps.db, clock.now());
      assert.equal(await createMySessionsRepo(deps.db).countSessionsOfUser(user.id), 0, 'swept');
    });

    it("an administrator's revoke, password reset and disable delete the user's /my sessions", async () => {
      const cases: [string, (userId: string) => Promise<unknown>][] = [
        ['revokeSignInSessions', (id) => revokeSignInSessions(deps, cliContext(), id)],
        ['password reset', (id) => resetPassword(deps, cliContext(), id, 'another good passphrase 42')],
        ['disable', (id) => setAccountEnabled(deps, cliContext(), id, false)],
      ];
      for (const [label, act] of cases) {
        const user = await createPasswordUser(deps, `ada${label.length}`, 'correct horse battery staple');
        const bystander = await createPasswordUser(deps, `ben${label.length}`, 'correct horse battery staple');
        await startMySession(deps, { userId: user.id, amr: ['pwd'], authTime: nowSeconds() });
        await startMySession(deps, { userId: user.id, amr: ['pwd'], authTime: nowSeconds() });
        await startMySession(deps, { userId: bystander.id, amr: ['pwd'], authTime: nowSeconds() });
        await act(user.id);
        assert.equal(
          await createMySessionsRepo(deps.db).countSessionsOfUser(user.id),
          0,
          `${label}: the user's rows are gone`,
        );
        assert.equal(
          await createMySessionsRepo(deps.db).countSessionsOfUser(bystander.id),
          1,
          `${label}: another user's stays`,
        );
      }
    });
  });
}
