// Retiring a pass once a registered method replaces it (issue 14, item 2), through the real registration services on
// both stores: when it happens (policy on, and the user can then complete a multi-factor sign-in without the pass),
// when it does not (policy off; an authenticator app for a user without a password), the audit entry, the registering
// /my session kept on the new method, and the pass's other /my sessions ended.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userActor } from '../../src/domain/audit.js';
import type { Deps, RequestContext } from '../../src/services/deps.js';
import { resumeMySession, startMySession } from '../../src/services/my-sessions.js';
import { readPassHistory } from '../../src/services/pass-history.js';
import { updateTapPolicy } from '../../src/services/tap-policy.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createTemporaryAccessPassesRepo } from '../../src/store/repos/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { passHistoryPage } from '../../src/web/views/admin/log-details.js';
import { enrolAuthenticatorApp } from '../support/authenticator-app.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

const RETIRED = 'Temporary Access Pass retired after registration';

for (const dialect of dialects) {
  describe(`pass retirement after registration (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    let n = 0;

    before(async () => {
      t = await openTestRuntime(dialect);
      deps = t.runtime.deps;
    });
    after(async () => t?.close());

    const own = (user: UserRecord): RequestContext => ({
      actor: userActor(user, '203.0.113.9'),
      correlationId: `retire-${++n}`,
      ipAddress: '203.0.113.9',
      userAgent: null,
    });
    const passOf = (userId: string) => createTemporaryAccessPassesRepo(deps.db).findPassOfUser(userId);
    const retiredEntries = async (userId: string) =>
      (await auditRows(deps, { activity: RETIRED })).filter((r) => r.targets[0]?.id === userId);

    /** A /my session begun with the user's pass (as the callback of a pass sign-in stores it). */
    async function passSession(user: UserRecord, amr: string[]) {
      const pass = (await passOf(user.id))!;
      const authTime = Math.floor(deps.clock.now().getTime() / 1000);
      return startMySession(deps, { userId: user.id, amr, authTime, passId: pass.id });
    }

    it('a user with a password registers an authenticator app: the pass is retired, audited with the app', async () => {
      const pat = await createPasswordUser(deps, `pat${n}`, 'a long passphrase for pat');
      await issueTemporaryAccessPass(deps, cliContext(), pat.id, {});
      const mine = await passSession(pat, ['pwd', 'tap', 'mfa']);
      const other = await passSession(pat, ['pwd', 'tap', 'mfa']);
      const ctx = own(pat);
      const { app } = await enrolAuthenticatorApp(deps, ctx, pat, 'Work phone', {
        idHash: mine.row.idHash,
        amr: mine.row.amr,
      });
      assert.equal((app as { retiredPass?: unknown }).retiredPass !== undefined, true);
      assert.equal(await passOf(pat.id), undefined, 'the pass is gone');

      const [entry] = await retiredEntries(pat.id);
      assert.equal(entry?.result, 'success');
      assert.equal(entry?.correlationId, ctx.correlationId, 'in the registration transaction, under its request');
      assert.match(entry!.reason, /authenticator app "Work phone"/);
      const kept = await resumeMySession(deps, mine.token, 'my');
      assert.deepEqual(kept?.amr, ['pwd', 'otp', 'mfa'], 'the registering session rests on the new app');
      assert.equal(kept?.passId, null);
      assert.equal(await resumeMySession(deps, other.token, 'my'), undefined, "the pass's other session ended");
      // The pass's history (the admin center's Temporary Access Pass history) shows its retirement.
      const history = await readPassHistory(deps, cliContext(), pat.id);
      assert.deepEqual(
        history.changes.map((c) => c.activityDisplayName),
        ['Admin registered security info', RETIRED],
      );
      assert.match(passHistoryPage(history), /Retired after registration/);
    });

    it('a user without a password keeps the pass after an authenticator app: its code cannot open a sign-in', async () => {
      const nia = await createUser(deps, cliContext(), {
        userPrincipalName: `nia${++n}@${deps.tenant.defaultDomain}`,
        displayName: 'Nia',
      });
      await issueTemporaryAccessPass(deps, cliContext(), nia.id, {});
      await enrolAuthenticatorApp(deps, own(nia), nia);
      assert.ok(await passOf(nia.id), 'the pass stays: it is still the only way in');
      assert.deepEqual(await retiredEntries(nia.id), []);
    });

    it('with gatepassRetireAfterRegistration off, the pass stays (as in Entra)', async () => {
      await updateTapPolicy(deps, cliContext(), { gatepassRetireAfterRegistration: false });
      try {
        const ola = await createPasswordUser(deps, `ola${n}`, 'a long passphrase for ola');
        await issueTemporaryAccessPass(deps, cliContext(), ola.id, {});
        await enrolAuthenticatorApp(deps, own(ola), ola);
        assert.ok(await passOf(ola.id));
        assert.deepEqual(await retiredEntries(ola.id), []);
      } finally {
        await updateTapPolicy(deps, cliContext(), { gatepassRetireAfterRegistration: true });
      }
    });

    it('a registration without a pass held retires nothing', async () => {
      const rae = await createPasswordUser(deps, `rae${n}`, 'a long passphrase for rae');
      await enrolAuthenticatorApp(deps, own(rae), rae);
      assert.deepEqual(await retiredEntries(rae.id), []);
    });
  });
}
