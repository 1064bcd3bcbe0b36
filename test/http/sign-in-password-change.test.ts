// Password work at sign-in, through the real pages over plain HTTP, on SQLite and PostgreSQL: the same real argon2
// work for unknown users, users without a password and known users; the forced password change after an
// administrator's reset; and the rehash of a password stored under a retired key.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import { Keyring } from '../../src/crypto/keyring.js';
import { ARGON2_PARAMS, createPasswordHasher } from '../../src/crypto/password-hasher.js';
import type { Deps } from '../../src/services/deps.js';
import { WRONG_CREDENTIALS_MESSAGE } from '../../src/services/sign-in/index.js';
import { resetPassword } from '../../src/services/users.js';
import { createUsersRepo } from '../../src/store/repos/users.js';
import { countedArgon2 } from '../support/argon2-spy.js';
import { dialects } from '../support/databases.js';
import { postStep, startRawFlow, type RawResponse } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';
const unescapeHtml = (s: string) =>
  s
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
// A key this server lists in GATEPASS_PREVIOUS_SECRET_KEYS, as during a key rotation.
const RETIRED_KEY = randomBytes(32);
const finished = (res: RawResponse) => (res.status === 302 || res.status === 303) && !!res.location;

for (const dialect of dialects) {
  describe(`Password work at sign-in (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;

    before(async () => {
      s = await startTestServer(dialect, { GATEPASS_PREVIOUS_SECRET_KEYS: RETIRED_KEY.toString('base64url') });
      deps = s.runtime.deps;
      // Password alone completes a sign-in, as in the other raw sign-in tests: the factors after it are not the subject.
      await securityDefaults(deps, false);
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
    });
    after(async () => s.close());

    /** Username then password, in the pipeline's order; returns the answer to the password. */
    async function signIn(username: string, password: string) {
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username });
      return { flow, res: await postStep(flow, s.url, 'password', { password }) };
    }

    it('spends the same real argon2 verifications for an unknown user, a user without a password and a known one', async () => {
      const known = await createPasswordUser(deps, 'kim', PASSWORD);
      const noPassword = await createPasswordUser(deps, 'nopass', PASSWORD);
      await createUsersRepo(deps.db).updateUser(noPassword.id, { passwordHash: null });
      const argon2 = countedArgon2();
      const realHasher = deps.hasher;
      // The server reads deps.hasher per request: swap in the real hasher whose argon2 calls are counted.
      deps.hasher = createPasswordHasher(deps.keyring, { argon2: argon2.primitives });
      try {
        const workFor = async (username: string) => {
          const before = argon2.verifies;
          const { res } = await signIn(username, 'a wrong passphrase entirely');
          assert.equal(res.status, 401);
          assert.ok(unescapeHtml(res.html).includes(WRONG_CREDENTIALS_MESSAGE), res.html.slice(0, 400));
          return argon2.verifies - before;
        };
        const knownWork = await workFor(known.userPrincipalName);
        assert.equal(knownWork, 1, 'a known user: one real argon2 verification');
        assert.equal(
          await workFor(`nobody-${randomBytes(4).toString('hex')}@${deps.tenant.defaultDomain}`),
          knownWork,
          'unknown user',
        );
        assert.equal(await workFor(noPassword.userPrincipalName), knownWork, 'user without a password');
      } finally {
        deps.hasher = realHasher;
      }
    });

    it('after an administrator reset, asks for a new password, refuses a weak or mismatched one, accepts a good one, and audits it', async () => {
      const user = await createPasswordUser(deps, 'forcy', PASSWORD);
      const temporary = 'a temporary passphrase from the helpdesk';
      await resetPassword(deps, cliContext(), user.id, temporary, { forceChangePasswordNextSignIn: true });

      const { flow, res } = await signIn(user.userPrincipalName, temporary);
      assert.equal(res.status, 200, res.html.slice(0, 400));
      assert.match(res.html, /name="action" value="newPassword"/, 'the password change form comes after the factors');
      assert.ok(!finished(res));

      const weak = await postStep(flow, s.url, 'newPassword', { newPassword: 'short', confirmPassword: 'short' });
      assert.ok(!finished(weak));
      assert.ok(unescapeHtml(weak.html).includes('Your password must be at least'), weak.html.slice(0, 600));
      const mismatched = await postStep(flow, s.url, 'newPassword', {
        newPassword: 'a fresh passphrase of mine',
        confirmPassword: 'a fresh passphrase of yours',
      });
      assert.ok(!finished(mismatched));
      assert.ok(
        unescapeHtml(mismatched.html).includes('The two passwords do not match.'),
        mismatched.html.slice(0, 600),
      );
      assert.equal(
        (await createUsersRepo(deps.db).findUserById(user.id))?.forceChangePassword,
        true,
        'nothing changed by the refusals',
      );

      const good = await postStep(flow, s.url, 'newPassword', {
        newPassword: 'a fresh passphrase of mine',
        confirmPassword: 'a fresh passphrase of mine',
      });
      assert.ok(finished(good), `the sign-in completes: ${good.status} ${good.html.slice(0, 300)}`);
      const stored = await createUsersRepo(deps.db).findUserById(user.id);
      assert.equal(stored?.forceChangePassword, false);

      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Change password (self-service)')
        .where('initiated_by_user_id', '=', user.id)
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.result, 'success');
      assert.equal(audit[0]!.result_reason, 'User changed their password at sign-in, as an administrator required');
      assert.ok(!JSON.stringify(audit[0]).includes('a fresh passphrase of mine'), 'no password in the audit entry');

      const old = await signIn(user.userPrincipalName, temporary);
      assert.equal(old.res.status, 401);
      assert.ok(unescapeHtml(old.res.html).includes(WRONG_CREDENTIALS_MESSAGE));
      const fresh = await signIn(user.userPrincipalName, 'a fresh passphrase of mine');
      assert.ok(finished(fresh.res), 'the new password signs in, with no further change asked');
    });

    it('rehashes a password stored under older argon2 parameters at the next successful sign-in, not after a failed one', async () => {
      const user = await createPasswordUser(deps, 'olden', PASSWORD);
      const users = createUsersRepo(deps.db);
      const oldParams = { ...ARGON2_PARAMS, timeCost: 1, secret: deps.keyring.pepper(deps.keyring.currentKeyId) };
      const oldHash = `${deps.keyring.currentKeyId}$${await argon2Hash(PASSWORD, oldParams)}`;
      await users.updateUser(user.id, { passwordHash: oldHash });

      const failed = await signIn(user.userPrincipalName, 'not the password at all');
      assert.equal(failed.res.status, 401);
      assert.equal((await users.findUserById(user.id))?.passwordHash, oldHash, 'a failed sign-in does not rehash');

      const ok = await signIn(user.userPrincipalName, PASSWORD);
      assert.ok(finished(ok.res), `${ok.res.status} ${ok.res.html.slice(0, 300)}`);
      const rehashed = (await users.findUserById(user.id))?.passwordHash;
      assert.notEqual(rehashed, oldHash);
      assert.match(rehashed!, new RegExp(`^${deps.keyring.currentKeyId}\\$\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$`));
      assert.deepEqual(await deps.hasher.verify(rehashed, PASSWORD), { ok: true, needsRehash: false });
      assert.ok(finished((await signIn(user.userPrincipalName, PASSWORD)).res), 'the new hash still signs in');
    });

    it('rehashes a password peppered with a retired key under the current key at the next successful sign-in', async () => {
      const user = await createPasswordUser(deps, 'rotated', PASSWORD);
      const users = createUsersRepo(deps.db);
      const retired = new Keyring(RETIRED_KEY);
      assert.notEqual(retired.currentKeyId, deps.keyring.currentKeyId);
      const oldHash = await createPasswordHasher(retired).hash(PASSWORD);
      await users.updateUser(user.id, { passwordHash: oldHash });

      assert.equal((await signIn(user.userPrincipalName, 'not the password at all')).res.status, 401);
      assert.equal((await users.findUserById(user.id))?.passwordHash, oldHash, 'a failed sign-in does not rehash');

      assert.ok(finished((await signIn(user.userPrincipalName, PASSWORD)).res));
      const rehashed = (await users.findUserById(user.id))?.passwordHash;
      assert.ok(rehashed?.startsWith(`${deps.keyring.currentKeyId}$`), 'stored under the current key id now');
      assert.deepEqual(await deps.hasher.verify(rehashed, PASSWORD), { ok: true, needsRehash: false });
    });
  });
}
