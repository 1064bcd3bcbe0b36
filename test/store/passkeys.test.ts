// Passkey services on both databases with real WebAuthn signatures (a software authenticator): registration (random
// user handle, resident key and user verification required, excluded credentials, audited), single-use challenges
// bound to their interaction and 5 minutes, the signature counter (must increase; a cloned authenticator replaying an
// older counter is refused; synced passkeys at 0 keep working), the bound user and user handle, throttling per
// factor, and start-up refusing a public host that would orphan every passkey.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { userActor } from '../../src/domain/audit.js';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/domain/clock.js';
import { errorCatalogue, isAppError } from '../../src/domain/errors.js';
import { newId } from '../../src/domain/ids.js';
import { openRuntime } from '../../src/runtime.js';
import type { Deps, RequestContext } from '../../src/services/deps.js';
import {
  passkeyAuthenticationOptions,
  verifyPasskeyAssertion,
  type PasskeyAssertion,
} from '../../src/services/passkey-assertions.js';
import { passkeyRegistrationOptions, registerPasskey, renamePasskey } from '../../src/services/passkeys.js';
import {
  currentView,
  NOT_ASKED_MESSAGE,
  passkeySignInOptions,
  submitPasskey,
  submitPasskeyDiscoverable,
  submitPassword,
  submitUsername,
  type SignInRequest,
  type SignInView,
} from '../../src/services/sign-in/index.js';
import { getThrottleState } from '../../src/services/throttle.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { createFido2MethodsRepo, type Fido2MethodRecord } from '../../src/store/repos/fido2-methods.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { THROTTLE_RULES } from '../../src/domain/throttle.js';
import { createTestDatabase, dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { createPasswordUser } from '../support/sign-in-fixtures.js';
import { SoftAuthenticator, type SoftCredential } from '../support/soft-authenticator.js';

const PUBLIC_URL = 'https://login.contoso.test';

const userContext = (u: UserRecord): RequestContext => ({
  actor: userActor(u, '203.0.113.9'),
  correlationId: randomUUID(),
  ipAddress: '203.0.113.9',
});

async function rejectsWith(p: Promise<unknown>, status: number, target: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isAppError(e) && e.status === status && e.target === target);
}

function failureOf(a: PasskeyAssertion): string {
  return a.ok ? 'ok' : a.failure;
}

for (const dialect of dialects) {
  describe(`passkeys (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    let clock: ManualClock;
    let origin: string;

    before(async () => {
      // A clock that stands still unless a test moves it (expiry and throttling are decided on it, never on sleeps).
      clock = new ManualClock(new Date());
      t = await openTestRuntime(dialect, { GATEPASS_PUBLIC_URL: PUBLIC_URL }, clock);
      deps = t.runtime.deps;
      origin = deps.config.issuer;
      assert.equal(deps.config.rpId, 'login.contoso.test');
    });
    after(async () => t?.close());

    /** A user with one registered passkey on `authenticator` (counterStep 1: device-bound; 0: synced). */
    async function userWithPasskey(name: string, counterStep = 1, synced = counterStep === 0) {
      const user = await createPasswordUser(deps, `${name}-${randomUUID().slice(0, 8)}`, 'a long enough passphrase');
      const authenticator = new SoftAuthenticator({ origin, synced });
      const options = await passkeyRegistrationOptions(deps, user);
      const method = await registerPasskey(deps, userContext(user), user, {
        credential: JSON.stringify(authenticator.create(options, counterStep)),
        displayName: name,
      });
      return { user, authenticator, credential: authenticator.credentials[0]!, method };
    }

    /** One sign-in interaction's assertion, after the username (bound) or from the first page (null). */
    async function signIn(
      authenticator: SoftAuthenticator,
      boundUserId: string | null,
      pick?: SoftCredential,
      edit?: (json: Record<string, unknown>) => void,
    ) {
      const uid = randomUUID();
      const options = await passkeyAuthenticationOptions(deps, uid, boundUserId);
      const answer = authenticator.get(options, pick);
      edit?.(answer);
      return verifyPasskeyAssertion(deps, {
        uid,
        credential: JSON.stringify(answer),
        boundUserId,
        ipAddress: '198.51.100.4',
      });
    }

    const stored = async (m: Fido2MethodRecord) => (await createFido2MethodsRepo(deps.db).find(m.userId, m.id))!;

    it('registration options: a random 32-byte user handle (never the UPN), resident key and user verification required, excluded credentials', async () => {
      const user = await createPasswordUser(deps, `opal-${randomUUID().slice(0, 8)}`, 'a long enough passphrase');
      const first = await passkeyRegistrationOptions(deps, user);
      assert.deepEqual(first.rp, { id: 'login.contoso.test', name: 'Gatepass' });
      assert.equal(first.user.name, user.userPrincipalName);
      const handle = Buffer.from(first.user.id, 'base64url');
      assert.equal(handle.length, 32);
      assert.ok(
        !handle.toString('latin1').includes(user.userPrincipalName.split('@')[0]!),
        'the handle is not the UPN',
      );
      assert.equal(first.authenticatorSelection?.residentKey, 'required');
      assert.equal(first.authenticatorSelection?.userVerification, 'required');
      assert.equal(first.attestation, 'none');
      assert.deepEqual(first.excludeCredentials, []);
      assert.equal(first.timeout, 5 * 60 * 1000);

      const authenticator = new SoftAuthenticator({ origin, synced: false });
      const method = await registerPasskey(deps, userContext(user), user, {
        credential: JSON.stringify(authenticator.create(first)),
        displayName: '  Work laptop ',
      });
      assert.equal(method.displayName, 'Work laptop');
      assert.equal(method.rpId, 'login.contoso.test');
      assert.equal(method.signCount, 0);
      assert.equal(method.deviceType, 'singleDevice');
      assert.equal(method.backedUp, false);
      assert.equal(method.attestationLevel, 'notAttested');
      assert.equal(method.aaguid, '00000000-0000-0000-0000-000000000000');
      assert.deepEqual(method.transports, ['internal']);
      assert.equal((await createUsersRepo(deps.db).findUserByWebauthnHandle(first.user.id))?.id, user.id);

      const second = await passkeyRegistrationOptions(deps, user);
      assert.equal(second.user.id, first.user.id, 'one handle per user, kept');
      assert.deepEqual(
        second.excludeCredentials?.map((c) => c.id),
        [method.credentialId],
      );
      // A browser refuses the excluded authenticator; a client that ignores the list is refused by the store.
      assert.throws(() => authenticator.create(second), /InvalidStateError/);
      const audit = (await auditRows(deps, { activity: 'User registered security info' })).filter(
        (r) => r.targets[0]?.id === user.id,
      );
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.reason, 'User registered Fido2 Authentication Method');
      assert.equal(audit[0]!.result, 'success');
      assert.equal(audit[0]!.initiatedBy.user?.id, user.id);
    });

    it('one credential registers once, a registration challenge answers once, and only for its user', async () => {
      const { user, authenticator, method } = await userWithPasskey('ivy');
      // The same credential id again (a client that ignored excludeCredentials): 409.
      const options = await passkeyRegistrationOptions(deps, user);
      const created = authenticator.create({ ...options, excludeCredentials: [] }) as { id: string; rawId: string };
      const sameId = { ...created, id: method.credentialId, rawId: method.credentialId };
      // Its attestation names the new credential id: the reported id must be the attested one.
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, { credential: JSON.stringify(sameId), displayName: 'x' }),
        400,
        'credential',
      );
      assert.equal((await createFido2MethodsRepo(deps.db).listOfUser(user.id)).length, 1);
      // A credential id already registered (here to someone else) is refused whoever presents it: 409, audited.
      const taken = new SoftAuthenticator({ origin }).create(await passkeyRegistrationOptions(deps, user)) as {
        id: string;
      };
      const holder = await createPasswordUser(deps, `hal-${randomUUID().slice(0, 8)}`, 'a long enough passphrase');
      await createFido2MethodsRepo(deps.db).insert({
        ...method,
        id: newId(),
        userId: holder.id,
        credentialId: taken.id,
      });
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, { credential: JSON.stringify(taken), displayName: 'x' }),
        409,
        'credential',
      );
      const refusals = (await auditRows(deps, { activity: 'User registered security info' })).filter(
        (r) => r.targets[0]?.id === user.id && r.result === 'failure',
      );
      assert.equal(refusals.length, 1);
      assert.equal(refusals[0]!.reason, 'This passkey is already registered.');

      const fresh = await passkeyRegistrationOptions(deps, user);
      const answer = JSON.stringify(new SoftAuthenticator({ origin }).create(fresh));
      await registerPasskey(deps, userContext(user), user, { credential: answer, displayName: 'Phone' });
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, { credential: answer, displayName: 'Phone' }),
        400,
        'credential',
      );
      assert.equal(
        (await createFido2MethodsRepo(deps.db).listOfUser(user.id)).length,
        2,
        'the replayed answer stored nothing',
      );

      // A challenge issued to one user does not register a passkey for another.
      const other = await createPasswordUser(deps, `olga-${randomUUID().slice(0, 8)}`, 'a long enough passphrase');
      const forIvy = await passkeyRegistrationOptions(deps, user);
      await rejectsWith(
        registerPasskey(deps, userContext(other), other, {
          credential: JSON.stringify(new SoftAuthenticator({ origin }).create(forIvy)),
          displayName: 'x',
        }),
        400,
        'credential',
      );

      // Expired after 5 minutes.
      const late = await passkeyRegistrationOptions(deps, user);
      clock.advance(5 * 60 + 1);
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, {
          credential: JSON.stringify(new SoftAuthenticator({ origin }).create(late)),
          displayName: 'x',
        }),
        400,
        'credential',
      );
    });

    it('registration requires user verification, our origin, and a valid name; malformed answers are 400 naming the field', async () => {
      const user = await createPasswordUser(deps, `uma-${randomUUID().slice(0, 8)}`, 'a long enough passphrase');
      const noUv = new SoftAuthenticator({ origin, userVerified: false });
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, {
          credential: JSON.stringify(noUv.create(await passkeyRegistrationOptions(deps, user))),
          displayName: 'x',
        }),
        400,
        'credential',
      );
      const elsewhere = new SoftAuthenticator({ origin: 'https://evil.example' });
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, {
          credential: JSON.stringify(elsewhere.create(await passkeyRegistrationOptions(deps, user))),
          displayName: 'x',
        }),
        400,
        'credential',
      );
      const ok = JSON.stringify(new SoftAuthenticator({ origin }).create(await passkeyRegistrationOptions(deps, user)));
      await rejectsWith(
        registerPasskey(deps, userContext(user), user, { credential: ok, displayName: 'n'.repeat(201) }),
        400,
        'displayName',
      );
      for (const bad of [
        undefined,
        '',
        'not json',
        '{}',
        JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: {} }),
      ])
        await rejectsWith(
          registerPasskey(deps, userContext(user), user, { credential: bad, displayName: 'x' }),
          400,
          'credential',
        );
      assert.equal((await createFido2MethodsRepo(deps.db).listOfUser(user.id)).length, 0);
      const odd = JSON.parse(ok) as { response: { transports: string[] } };
      odd.response.transports = ['internal', 'usb', '<script>', 'x'.repeat(500)];
      const method = await registerPasskey(deps, userContext(user), user, {
        credential: JSON.stringify(odd),
        displayName: '',
      });
      assert.equal(method.displayName, 'Passkey', 'an empty name gets a default');
      assert.deepEqual(
        (await stored(method)).transports,
        ['internal', 'usb'],
        'only WebAuthn transport names are kept',
      );
      await renamePasskey(deps, userContext(user), user, method.id, 'Kitchen tablet');
      assert.equal((await stored(method)).displayName, 'Kitchen tablet');
      await rejectsWith(renamePasskey(deps, userContext(user), user, method.id, 'x'.repeat(201)), 400, 'displayName');
      const stranger = await createPasswordUser(deps, `sam-${randomUUID().slice(0, 8)}`, 'a long enough passphrase');
      await rejectsWith(renamePasskey(deps, userContext(stranger), stranger, method.id, 'mine now'), 404, 'id');
      const renames = await auditRows(deps, { activity: 'User updated security info' });
      const mine = renames.find((r) => r.targets[0]?.id === user.id && r.result === 'success');
      assert.equal(mine?.reason, 'User updated Fido2 Authentication Method');
      assert.deepEqual(
        mine?.targets[0]?.modifiedProperties?.find((p) => p.displayName === 'Fido2.DisplayName'),
        {
          displayName: 'Fido2.DisplayName',
          oldValue: JSON.stringify('Passkey'),
          newValue: JSON.stringify('Kitchen tablet'),
        },
      );
      assert.ok(
        renames.some((r) => r.result === 'failure' && r.targets[0]?.id === stranger.id),
        'a refused rename is audited too',
      );
    });

    it('sign-in options: the bound user’s passkeys are allowed; from the first page none are listed', async () => {
      const { user, method } = await userWithPasskey('ada');
      const bound = await passkeyAuthenticationOptions(deps, randomUUID(), user.id);
      assert.deepEqual(
        bound.allowCredentials?.map((c) => c.id),
        [method.credentialId],
      );
      assert.equal(bound.userVerification, 'required');
      assert.equal(bound.rpId, 'login.contoso.test');
      const discoverable = await passkeyAuthenticationOptions(deps, randomUUID(), null);
      assert.equal(discoverable.allowCredentials, undefined);
    });

    it('an authentication challenge answers once, only in its own interaction, and expires after 5 minutes', async () => {
      const { user, authenticator } = await userWithPasskey('bea');
      const uid = randomUUID();
      const options = await passkeyAuthenticationOptions(deps, uid, user.id);
      const answer = JSON.stringify(authenticator.get(options));
      const elsewhere = await verifyPasskeyAssertion(deps, {
        uid: randomUUID(),
        credential: answer,
        boundUserId: user.id,
        ipAddress: null,
      });
      assert.equal(failureOf(elsewhere), 'challenge', 'another interaction cannot use it');
      const unbound = await verifyPasskeyAssertion(deps, {
        uid,
        credential: answer,
        boundUserId: null,
        ipAddress: null,
      });
      assert.equal(
        failureOf(unbound),
        'challenge',
        'issued for a user: not usable as a discoverable sign-in (and now spent)',
      );

      const uid2 = randomUUID();
      const second = JSON.stringify(authenticator.get(await passkeyAuthenticationOptions(deps, uid2, user.id)));
      assert.equal(
        failureOf(
          await verifyPasskeyAssertion(deps, { uid: uid2, credential: second, boundUserId: user.id, ipAddress: null }),
        ),
        'ok',
      );
      assert.equal(
        failureOf(
          await verifyPasskeyAssertion(deps, { uid: uid2, credential: second, boundUserId: user.id, ipAddress: null }),
        ),
        'challenge',
        'single use',
      );

      const uid3 = randomUUID();
      const late = JSON.stringify(authenticator.get(await passkeyAuthenticationOptions(deps, uid3, user.id)));
      clock.advance(5 * 60 + 1);
      assert.equal(
        failureOf(
          await verifyPasskeyAssertion(deps, { uid: uid3, credential: late, boundUserId: user.id, ipAddress: null }),
        ),
        'challenge',
      );
      assert.equal(
        failureOf(
          await verifyPasskeyAssertion(deps, {
            uid: uid3,
            credential: '{"id":1}',
            boundUserId: user.id,
            ipAddress: null,
          }),
        ),
        'malformed',
      );
    });

    it('the counter must increase: a cloned authenticator replaying an older or equal counter is refused, the stored counter never goes back', async () => {
      const { user, authenticator, credential, method } = await userWithPasskey('cleo');
      const first = await signIn(authenticator, user.id);
      assert.ok(first.ok);
      assert.equal(first.hardwareBound, false, "attestation 'none' never proves hardware (amr swk)");
      assert.equal((await stored(method)).signCount, 1);
      assert.ok((await stored(method)).lastUsedAt);
      credential.signCount = 5;
      assert.equal(failureOf(await signIn(authenticator, null)), 'ok', 'a jump forward is fine (discoverable sign-in)');
      for (const older of [6, 3, 0]) {
        // A copy of the key whose counter lags behind the genuine one (6 = the value the genuine one just used).
        credential.signCount = older === 6 ? 5 : older;
        assert.equal(
          failureOf(await signIn(authenticator, user.id)),
          'counter',
          `counter ${credential.signCount - 1} after 5`,
        );
      }
      assert.equal((await stored(method)).signCount, 5);
      credential.signCount = 9;
      assert.equal(
        failureOf(await signIn(authenticator, user.id)),
        'ok',
        'the genuine authenticator, ahead, still works',
      );
      assert.equal((await stored(method)).signCount, 9);
    });

    it('synced passkeys (counter always 0) keep working; a counter that was non-zero may not fall back to 0', async () => {
      const { user, authenticator, method } = await userWithPasskey('sia', 0, true);
      assert.equal(method.deviceType, 'multiDevice');
      assert.equal(method.backedUp, true);
      for (let i = 0; i < 3; i += 1)
        assert.equal(failureOf(await signIn(authenticator, i % 2 === 0 ? user.id : null)), 'ok');
      assert.equal((await stored(method)).signCount, 0);

      const repo = createFido2MethodsRepo(deps.db);
      const counting = await userWithPasskey('cal');
      assert.equal(await repo.recordUse(counting.method.id, 0, clock.now().getTime()), true, 'still 0: accepted');
      assert.equal(await repo.recordUse(counting.method.id, 4, clock.now().getTime()), true);
      assert.equal(
        await repo.recordUse(counting.method.id, 0, clock.now().getTime()),
        false,
        'non-zero then 0: refused',
      );
      // Two uses racing with the same counter: exactly one wins.
      const raced = await Promise.all([
        repo.recordUse(counting.method.id, 7, 1),
        repo.recordUse(counting.method.id, 7, 2),
      ]);
      assert.deepEqual(raced.sort(), [false, true]);
    });

    it('user verification is required; the passkey must be the bound user’s, and its user handle must name its owner', async () => {
      const { user, authenticator, credential } = await userWithPasskey('dora');
      const noUv = new SoftAuthenticator({ origin, userVerified: false });
      noUv.credentials.push(credential);
      assert.equal(failureOf(await signIn(noUv, user.id)), 'invalid');

      const other = await userWithPasskey('eve');
      const asEve = await signIn(authenticator, other.user.id, credential);
      assert.equal(failureOf(asEve), 'otherUser', "dora's passkey does not sign in eve");
      const wrongHandle = await signIn(authenticator, null, credential, (a) => {
        (a.response as Record<string, unknown>).userHandle = other.credential.userHandle;
      });
      assert.equal(failureOf(wrongHandle), 'otherUser');
      const noHandle = await signIn(authenticator, null, credential, (a) => {
        delete (a.response as Record<string, unknown>).userHandle;
      });
      assert.equal(failureOf(noHandle), 'otherUser', 'a discoverable sign-in needs the user handle');
      const ok = await signIn(authenticator, null, credential);
      assert.ok(ok.ok && ok.user.id === user.id, 'the passkey names its user');

      const stranger = new SoftAuthenticator({ origin });
      stranger.create(await passkeyRegistrationOptions(deps, user)); // created, never registered
      assert.equal(failureOf(await signIn(stranger, null)), 'unknownCredential');
      const forged = await signIn(authenticator, null, credential, (a) => {
        (a.response as Record<string, unknown>).signature = Buffer.from('not a signature').toString('base64url');
      });
      assert.equal(failureOf(forged), 'invalid');
    });

    it('a passkey registered for another relying party is not usable here', async () => {
      const { user, authenticator, method } = await userWithPasskey('finn');
      await deps.db
        .updateTable('fido2_methods')
        .set({ rp_id: 'old.contoso.test' })
        .where('id', '=', method.id)
        .execute();
      try {
        assert.equal(failureOf(await signIn(authenticator, user.id)), 'unknownCredential');
        const options = await passkeyAuthenticationOptions(deps, randomUUID(), user.id);
        assert.deepEqual(options.allowCredentials, []);
      } finally {
        await deps.db
          .updateTable('fido2_methods')
          .set({ rp_id: 'login.contoso.test' })
          .where('id', '=', method.id)
          .execute();
      }
    });

    it("failed assertions are throttled under the passkey factor's own counters, not the password's", async () => {
      const { user, credential } = await userWithPasskey('gus');
      const noUv = new SoftAuthenticator({ origin, userVerified: false });
      noUv.credentials.push(credential);
      const free = THROTTLE_RULES.pair.freeFailures;
      for (let i = 0; i <= free; i += 1)
        assert.equal(failureOf(await signIn(noUv, user.id)), 'invalid', `failure ${i + 1}`);
      const refused = await signIn(noUv, user.id);
      assert.equal(failureOf(refused), 'throttled');
      assert.ok(!refused.ok && (refused.retryAfterSeconds ?? 0) > 0);
      const state = await getThrottleState(deps, user.id);
      assert.equal(state.failures, 0, 'the password counters are untouched');
    });
  });

  describe(`passkey sign-in steps (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    let origin: string;
    const PASSWORD = 'a long enough passphrase';

    before(async () => {
      t = await openTestRuntime(dialect, { GATEPASS_PUBLIC_URL: PUBLIC_URL }, new ManualClock(new Date()));
      deps = t.runtime.deps;
      origin = deps.config.issuer;
    });
    after(async () => t?.close());

    const request = (): SignInRequest => ({
      uid: randomUUID(),
      correlationId: randomUUID(),
      ipAddress: '203.0.113.7',
      userAgent: 'test',
      app: { appId: 'test-app', displayName: 'Test app' },
    });

    async function withPasskey(name: string) {
      const user = await createPasswordUser(deps, `${name}-${randomUUID().slice(0, 8)}`, PASSWORD);
      const authenticator = new SoftAuthenticator({ origin, synced: false });
      await registerPasskey(deps, userContext(user), user, {
        credential: JSON.stringify(authenticator.create(await passkeyRegistrationOptions(deps, user))),
        displayName: name,
      });
      return { user, authenticator };
    }

    async function answer(
      req: SignInRequest,
      mode: 'user' | 'discoverable',
      authenticator: SoftAuthenticator,
    ): Promise<string> {
      const options = await passkeySignInOptions(deps, req, mode);
      assert.ok(options.ok, 'options');
      return JSON.stringify(authenticator.get(options.options));
    }

    const logOf = async (correlationId: string) =>
      (await createSignInsRepo(deps.db).listRecentSignIns(200)).find((r) => r.correlationId === correlationId);
    const done = (v: SignInView) =>
      v.kind === 'done' ? v.login : assert.fail(`expected done, got ${v.kind}: ${JSON.stringify(v)}`);

    it('after the password, the passkey step completes a multi-factor sign-in; the log names Password and Passkey', async () => {
      const { user, authenticator } = await withPasskey('pia');
      const req = request();
      assert.equal((await passkeySignInOptions(deps, req, 'user')).ok, false, 'no username yet');
      await submitUsername(deps, req, user.userPrincipalName);
      assert.equal((await submitPassword(deps, req, PASSWORD)).kind, 'passkey');
      const login = done(await submitPasskey(deps, req, await answer(req, 'user', authenticator)));
      assert.deepEqual(login.amr, ['pwd', 'swk', 'mfa']);
      assert.equal(login.accountId, user.id);
      assert.deepEqual(
        (await logOf(req.correlationId))?.methods.map((m) => m.method),
        ['Password', 'Passkey'],
      );
    });

    it('a passkey that does not verify forgets the password too; a malformed answer keeps the step', async () => {
      const { user, authenticator } = await withPasskey('quin');
      const req = request();
      await submitUsername(deps, req, user.userPrincipalName);
      await submitPassword(deps, req, PASSWORD);
      const malformed = await submitPasskey(deps, req, 'not json');
      assert.equal(malformed.kind, 'passkey');
      assert.ok(malformed.kind === 'passkey' && /not valid/.test(malformed.error ?? ''));
      const noUv = new SoftAuthenticator({ origin, userVerified: false });
      noUv.credentials.push(authenticator.credentials[0]!);
      const failed = await submitPasskey(deps, req, await answer(req, 'user', noUv));
      assert.equal(failed.kind, 'password', 'back to the first factor');
      assert.ok(failed.kind === 'password' && /could not be verified/.test(failed.error ?? ''));
      const log = (await createSignInsRepo(deps.db).listRecentSignIns(200))
        .filter((r) => r.correlationId === req.correlationId)
        .map((r) => r.errorCode);
      assert.deepEqual(log.sort(), [90130, 90134]);
    });

    it('from the first page: the passkey names its user, binds the interaction and alone is multi-factor', async () => {
      const { user, authenticator } = await withPasskey('rae');
      const req = request();
      const login = done(await submitPasskeyDiscoverable(deps, req, await answer(req, 'discoverable', authenticator)));
      assert.equal(login.accountId, user.id);
      assert.deepEqual(login.amr, ['swk', 'mfa']);
      const log = await logOf(req.correlationId);
      assert.equal(log?.userId, user.id);
      assert.equal(log?.errorCode, 0);
      assert.deepEqual(
        log?.methods.map((m) => m.method),
        ['Passkey'],
      );

      // An interaction already bound to another account is not taken over by a passkey: once a name is given, the
      // first page's passkey is a factor out of turn (the password is asked for), refused before it is checked.
      const other = await withPasskey('sol');
      const bound = request();
      await submitUsername(deps, bound, other.user.userPrincipalName);
      const refused = await submitPasskeyDiscoverable(deps, bound, await answer(bound, 'discoverable', authenticator));
      assert.ok(
        refused.kind === 'password' &&
          refused.loginName === other.user.userPrincipalName &&
          refused.error === NOT_ASKED_MESSAGE,
        JSON.stringify(refused),
      );
      assert.equal((await logOf(bound.correlationId))?.errorCode, 90102);

      // A passkey nobody registered: back on the first page, nobody named in the log.
      const stray = new SoftAuthenticator({ origin });
      stray.create(await passkeyRegistrationOptions(deps, user));
      const unknown = request();
      const view = await submitPasskeyDiscoverable(deps, unknown, await answer(unknown, 'discoverable', stray));
      assert.ok(view.kind === 'username' && /not registered here/.test(view.error ?? ''));
      const unknownLog = await logOf(unknown.correlationId);
      assert.equal(unknownLog?.errorCode, 90131);
      assert.equal(unknownLog?.userId, null);
    });

    it('a cloned authenticator ends the interaction (90133), logged against its user in the sign-in and audit logs', async () => {
      const { user, authenticator } = await withPasskey('tess');
      const first = request();
      done(await submitPasskeyDiscoverable(deps, first, await answer(first, 'discoverable', authenticator)));
      authenticator.credentials[0]!.signCount = 1; // the counter it already used
      const req = request();
      const view = await submitPasskeyDiscoverable(deps, req, await answer(req, 'discoverable', authenticator));
      assert.ok(
        view.kind === 'refused' && view.errorCode === 90133 && errorCatalogue[view.error].status === 403,
        JSON.stringify(view),
      );
      const log = await logOf(req.correlationId);
      assert.equal(log?.userId, user.id);
      assert.equal(log?.errorCode, 90133);
      const after = await currentView(deps, req);
      assert.ok(after.kind === 'refused' && after.errorCode === 90101, 'nothing more happens in this interaction');
      // The audit log too, under the same correlation id, with the counters that gave it away.
      const audited = await auditRows(deps, { correlationId: req.correlationId });
      assert.equal(audited.length, 1, JSON.stringify(audited));
      const [entry] = audited;
      assert.equal(entry?.activity, 'Refuse sign-in with possibly cloned passkey');
      assert.equal(entry?.result, 'failure');
      assert.match(entry?.reason ?? '', /cloned/);
      assert.equal(entry?.targets[0]?.id, user.id);
      assert.deepEqual(entry?.targets[0]?.modifiedProperties?.[0], {
        displayName: 'Fido2AuthenticationMethod.SignCount',
        oldValue: '1',
        newValue: '1',
      });
      assert.equal(entry?.initiatedBy.user?.id ?? null, null, 'whoever presented it proved nothing');
    });
  });

  describe(`start-up and the relying party id (${dialect})`, () => {
    it('refuses to start when passkeys belong to another host, unless GATEPASS_ACCEPT_RP_ID_CHANGE=1', async () => {
      const database = await createTestDatabase(dialect);
      try {
        const base = { PORT: '0', HOST: '127.0.0.1', ...database.env };
        const first = await openRuntime({
          config: loadConfig({ ...base, GATEPASS_PUBLIC_URL: 'https://login.contoso.test' }),
        });
        const user = await createPasswordUser(first.deps, 'rp', 'a long enough passphrase');
        await createFido2MethodsRepo(first.deps.db).insert({
          id: newId(),
          userId: user.id,
          credentialId: 'cred-rp-test',
          publicKey: 'AA',
          signCount: 0,
          displayName: 'Laptop',
          aaguid: '00000000-0000-0000-0000-000000000000',
          transports: [],
          deviceType: 'singleDevice',
          backedUp: false,
          attestationLevel: 'notAttested',
          rpId: 'login.contoso.test',
          createdAt: new Date(),
          lastUsedAt: null,
        });
        await first.close();

        await assert.rejects(
          openRuntime({ config: loadConfig({ ...base, GATEPASS_PUBLIC_URL: 'https://sso.contoso.test' }) }),
          /host is sso\.contoso\.test, but passkeys are registered for login\.contoso\.test.*GATEPASS_ACCEPT_RP_ID_CHANGE=1/s,
        );
        const same = await openRuntime({
          config: loadConfig({ ...base, GATEPASS_PUBLIC_URL: 'https://login.contoso.test:8443' }),
        });
        await same.close();
        const accepted = await openRuntime({
          config: loadConfig({
            ...base,
            GATEPASS_PUBLIC_URL: 'https://sso.contoso.test',
            GATEPASS_ACCEPT_RP_ID_CHANGE: '1',
          }),
        });
        await accepted.close();
      } finally {
        await database.drop();
      }
    });
  });
}
