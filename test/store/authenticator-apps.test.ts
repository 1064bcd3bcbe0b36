// Authenticator apps on both databases: registration needs one right code and stores the secret only encrypted,
// bound to its user and method; at sign-in a code is accepted within ±1 step and at most once (also under 10
// concurrent submissions), and wrong codes are throttled under their own factor. Codes are computed with the
// otpauth package, independently of src/domain/totp.ts. The clock is injected and moved explicitly.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { ManualClock } from '../../src/domain/clock.js';
import { errorCatalogue, isAppError } from '../../src/domain/errors.js';
import { THROTTLE_RULES } from '../../src/domain/throttle.js';
import {
  beginAuthenticatorAppRegistration,
  confirmAuthenticatorAppRegistration,
  openAuthenticatorAppRegistration,
  openStoredSecret,
  verifyAuthenticatorCode,
  type PendingAppRegistration,
} from '../../src/services/authenticator-apps.js';
import type { Deps, RequestContext } from '../../src/services/deps.js';
import {
  submitAuthenticatorCode,
  submitPassword,
  submitUsername,
  type SignInRequest,
  type SignInView,
} from '../../src/services/sign-in/index.js';
import { getThrottleState, userSubject } from '../../src/services/throttle.js';
import { createAuditEventsRepo } from '../../src/store/repos/audit-events.js';
import { createFailureCountersRepo } from '../../src/store/repos/failure-counters.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { createPasswordUser, signInRequest } from '../support/sign-in-fixtures.js';

const PASSWORD = 'a perfectly fine passphrase';
const STEP_MS = 30_000;

const selfContext = (user: UserRecord): RequestContext => ({
  actor: {
    kind: 'user',
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    ipAddress: '203.0.113.9',
  },
  correlationId: randomUUID(),
  ipAddress: '203.0.113.9',
});

/** The code an app that scanned `pending` shows at `at` (otpauth, not our implementation). */
function codeAt(secretBase32: string, at: number): string {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: at });
}

async function refusal(p: Promise<unknown>): Promise<{ target: string | undefined; status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return { target: e.target, status: e.status, message: e.message };
    throw e;
  }
  assert.fail('expected a refusal');
}

for (const dialect of dialects) {
  describe(`authenticator apps (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    let clock: ManualClock;

    before(async () => {
      // Mid-step, so ±1 step is unambiguous; the clock moves only when a test says so.
      clock = new ManualClock(new Date(Math.floor(Date.now() / STEP_MS) * STEP_MS + 15_000));
      t = await openTestRuntime(dialect, {}, clock);
      deps = t.runtime.deps;
    });
    after(async () => t?.close());

    /** A user with a password and one registered app; returns the app's key as the page showed it. */
    async function userWithApp(name: string): Promise<{ user: UserRecord; key: string; methodId: string }> {
      const user = await createPasswordUser(deps, name, PASSWORD);
      const pending = beginAuthenticatorAppRegistration(deps, user);
      const method = await confirmAuthenticatorAppRegistration(deps, selfContext(user), user, {
        token: pending.token,
        code: codeAt(pending.secretBase32, clock.now().getTime()),
        displayName: 'Phone',
      });
      return { user, key: pending.secretBase32, methodId: method.id };
    }

    const request = signInRequest;

    /** Username and the right password: the interaction stands at the code page. */
    async function atCodePage(user: UserRecord, ip?: string): Promise<SignInRequest> {
      const req = request(ip);
      await submitUsername(deps, req, user.userPrincipalName);
      const view = await submitPassword(deps, req, PASSWORD);
      assert.equal(view.kind, 'authenticatorApp', 'security defaults ask for the app code after the password');
      return req;
    }

    describe('registration', () => {
      let user: UserRecord;
      let pending: PendingAppRegistration;

      before(async () => {
        user = await createPasswordUser(deps, 'rosa', PASSWORD);
        pending = beginAuthenticatorAppRegistration(deps, user);
      });

      it('the pending registration opens only for its user, unaltered, before it expires', async () => {
        assert.equal(openAuthenticatorAppRegistration(deps, user, pending.token)?.secretBase32, pending.secretBase32);
        assert.match(pending.secretBase32, /^[A-Z2-7]{32}$/, '160 bits of key');
        assert.ok(!pending.token.includes(pending.secretBase32), 'the form carries the key only sealed');
        const other = await createPasswordUser(deps, 'mallory', PASSWORD);
        assert.equal(
          openAuthenticatorAppRegistration(deps, other, pending.token),
          undefined,
          "another user's session cannot open it",
        );
        const [exp, ...rest] = pending.token.split('.');
        assert.equal(
          openAuthenticatorAppRegistration(deps, user, [String(Number(exp) + 3_600_000), ...rest].join('.')),
          undefined,
          'a moved expiry breaks the seal',
        );
        assert.equal(openAuthenticatorAppRegistration(deps, user, 'garbage'), undefined);
        clock.advance(10 * 60);
        assert.equal(
          openAuthenticatorAppRegistration(deps, user, pending.token),
          undefined,
          'expired after 10 minutes',
        );
        clock.advance(-10 * 60);
      });

      it('a wrong code saves nothing and is audited as a refusal; a malformed code or name names its field', async () => {
        const ctx = selfContext(user);
        const right = codeAt(pending.secretBase32, clock.now().getTime());
        const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
        const r = await refusal(
          confirmAuthenticatorAppRegistration(deps, ctx, user, {
            token: pending.token,
            code: wrong,
            displayName: 'Phone',
          }),
        );
        assert.deepEqual([r.status, r.target], [400, 'code']);
        assert.match(r.message, /code is not correct/);
        assert.equal((await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id)).length, 0);
        const audit = (await createAuditEventsRepo(deps.db).listRecentAuditEvents(20)).find(
          (e) => e.correlationId === ctx.correlationId,
        );
        assert.equal(audit?.result, 'failure');
        assert.equal(audit?.activityDisplayName, 'User registered security info');

        assert.equal(
          (
            await refusal(
              confirmAuthenticatorAppRegistration(deps, ctx, user, {
                token: pending.token,
                code: '12345',
                displayName: 'Phone',
              }),
            )
          ).target,
          'code',
        );
        assert.equal(
          (
            await refusal(
              confirmAuthenticatorAppRegistration(deps, ctx, user, {
                token: pending.token,
                code: right,
                displayName: '  ',
              }),
            )
          ).target,
          'displayName',
        );
        assert.equal(
          (
            await refusal(
              confirmAuthenticatorAppRegistration(deps, ctx, user, {
                token: pending.token,
                code: right,
                displayName: 'x'.repeat(65),
              }),
            )
          ).target,
          'displayName',
        );
        assert.equal(
          (
            await refusal(
              confirmAuthenticatorAppRegistration(deps, ctx, user, {
                token: 'nope',
                code: right,
                displayName: 'Phone',
              }),
            )
          ).target,
          'pending',
        );
      });

      it('a right code stores the app once, its secret only encrypted and bound to user and method, with the audit entry', async () => {
        const ctx = selfContext(user);
        const code = codeAt(pending.secretBase32, clock.now().getTime());
        // The same form sent ten times at once (double clicks, a replayed request): one app.
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () =>
            confirmAuthenticatorAppRegistration(deps, ctx, user, {
              token: pending.token,
              code,
              displayName: ' My  phone ',
            }),
          ),
        );
        const stored = results.filter((r) => r.status === 'fulfilled');
        assert.equal(stored.length, 1);
        for (const r of results)
          if (r.status === 'rejected')
            assert.ok(isAppError(r.reason) && r.reason.status === 409, String(r.status === 'rejected' && r.reason));
        const apps = await createAuthenticatorAppsRepo(deps.db).listOfUser(user.id);
        assert.equal(apps.length, 1);
        const app = apps[0]!;
        assert.equal(app.id, pending.methodId);
        assert.equal(app.displayName, 'My phone');

        // The raw row: no form of the secret in clear.
        const row = await deps.db
          .selectFrom('software_oath_methods')
          .selectAll()
          .where('id', '=', app.id)
          .executeTakeFirstOrThrow();
        const raw = Buffer.from(OTPAuth.Secret.fromBase32(pending.secretBase32).bytes);
        const rowText = JSON.stringify(row);
        for (const form of [
          pending.secretBase32,
          pending.secretBase32.toLowerCase(),
          raw.toString('hex'),
          raw.toString('base64'),
          raw.toString('base64url'),
        ])
          assert.ok(!rowText.includes(form), `the row does not hold the secret as ${form.slice(0, 6)}…`);
        assert.deepEqual(openStoredSecret(deps, app), raw);
        const other = await createPasswordUser(deps, 'oscar', PASSWORD);
        assert.equal(
          openStoredSecret(deps, { ...app, userId: other.id }),
          undefined,
          "not decryptable as another user's",
        );
        assert.equal(
          openStoredSecret(deps, { ...app, id: randomUUID() }),
          undefined,
          'not decryptable as another method',
        );

        const audit = (await createAuditEventsRepo(deps.db).listRecentAuditEvents(50)).filter(
          (e) => e.correlationId === ctx.correlationId,
        );
        const success = audit.filter((e) => e.result === 'success');
        assert.equal(success.length, 1);
        assert.equal(success[0]!.activityDisplayName, 'User registered security info');
        assert.equal(success[0]!.resultReason, 'User registered Software Oath Token method');
        assert.equal(success[0]!.category, 'UserManagement');
        assert.equal(success[0]!.loggedByService, 'Authentication Methods');
        assert.equal((success[0]!.targetResources as { id: string }[])[0]?.id, user.id);
        assert.ok(!JSON.stringify(audit).includes(pending.secretBase32), 'the audit never holds the key');
      });

      it('the code that confirmed the app cannot then sign in: its step is spent', async () => {
        const code = codeAt(pending.secretBase32, clock.now().getTime());
        const out = await verifyAuthenticatorCode(deps, {
          subject: userSubject(user.id),
          userId: user.id,
          code,
          ipAddress: '203.0.113.7',
        });
        assert.deepEqual(out, { ok: false, kind: 'replayed' });
      });
    });

    it('accepts a code of step − 1 and of step + 1, refuses ±2, and never a step at or before the last accepted one', async () => {
      const { user, key } = await userWithApp('wanda');
      const verify = (code: string) =>
        verifyAuthenticatorCode(deps, {
          subject: userSubject(user.id),
          userId: user.id,
          code,
          ipAddress: '203.0.113.7',
        });
      clock.advance(300);
      const now = clock.now().getTime();
      assert.deepEqual(await verify(codeAt(key, now - 2 * STEP_MS)), { ok: false, kind: 'wrong' });
      assert.deepEqual(await verify(codeAt(key, now + 2 * STEP_MS)), { ok: false, kind: 'wrong' });
      const earlier = await verify(codeAt(key, now - STEP_MS));
      assert.equal(earlier.ok && earlier.step, Math.floor(now / STEP_MS) - 1);
      clock.advance(300);
      const later = clock.now().getTime();
      const ahead = await verify(codeAt(key, later + STEP_MS));
      assert.equal(ahead.ok && ahead.step, Math.floor(later / STEP_MS) + 1);
      // The current step is before the accepted step + 1: refused as spent, though the code is right.
      assert.deepEqual(await verify(codeAt(key, later)), { ok: false, kind: 'replayed' });
    });

    it('tries every app of the user', async () => {
      const { user } = await userWithApp('xena');
      const second = beginAuthenticatorAppRegistration(deps, user);
      await confirmAuthenticatorAppRegistration(deps, selfContext(user), user, {
        token: second.token,
        code: codeAt(second.secretBase32, clock.now().getTime()),
        displayName: 'Tablet',
      });
      clock.advance(60);
      const out = await verifyAuthenticatorCode(deps, {
        subject: userSubject(user.id),
        userId: user.id,
        code: codeAt(second.secretBase32, clock.now().getTime()),
        ipAddress: null,
      });
      assert.equal(out.ok && out.methodId, second.methodId);
    });

    it('10 concurrent sign-ins with one right code: exactly one is accepted, the others are refused as replays', async () => {
      const { user, key } = await userWithApp('yuri');
      clock.advance(60);
      // Distinct addresses: ten in-flight attempts from one address would be throttled before any code is checked.
      const requests: SignInRequest[] = [];
      for (let i = 0; i < 10; i++) requests.push(await atCodePage(user, `198.51.100.${i + 1}`));
      const code = codeAt(key, clock.now().getTime());
      const views = await Promise.all(requests.map((req) => submitAuthenticatorCode(deps, req, code)));
      const done = views.filter((v) => v.kind === 'done');
      const replayed = views.filter((v) => v.kind === 'authenticatorApp' && v.error?.includes('already used'));
      assert.equal(done.length, 1);
      assert.equal(replayed.length, 9);
      const first = done[0] as Extract<SignInView, { kind: 'done' }>;
      assert.deepEqual(first.login.amr, ['pwd', 'otp', 'mfa']);

      const logs = (await createSignInsRepo(deps.db).listRecentSignIns(100)).filter((r) => r.userId === user.id);
      const ok = logs.filter((r) => r.errorCode === 0);
      assert.equal(ok.length, 1);
      assert.deepEqual(
        ok[0]!.methods.map((m) => [m.method, m.succeeded]),
        [
          ['Password', true],
          ['OATH verification code', true],
        ],
      );
      assert.equal(logs.filter((r) => r.errorCode === 90121).length, 9);
    });

    it('a wrong code: the same page with the reason, the password still proved, a failed OATH row in the sign-in log', async () => {
      const { user, key } = await userWithApp('zoe');
      clock.advance(60);
      const req = await atCodePage(user);
      const right = codeAt(key, clock.now().getTime());
      const view = await submitAuthenticatorCode(
        deps,
        req,
        String((Number(right) + 500_000) % 1_000_000).padStart(6, '0'),
      );
      assert.equal(view.kind, 'authenticatorApp');
      assert.match(view.kind === 'authenticatorApp' ? (view.error ?? '') : '', /code is not correct/);
      const [row] = (await createSignInsRepo(deps.db).findSignInsByCorrelationId(req.correlationId)).filter(
        (r) => r.errorCode === 90120,
      );
      assert.deepEqual(
        row?.methods.map((m) => [m.method, m.succeeded]),
        [
          ['Password', true],
          ['OATH verification code', false],
        ],
      );
      const malformed = await submitAuthenticatorCode(deps, req, '12 34');
      assert.match(malformed.kind === 'authenticatorApp' ? (malformed.error ?? '') : '', /6-digit code/);
      const done = await submitAuthenticatorCode(deps, req, `${right.slice(0, 3)} ${right.slice(3)}`);
      assert.equal(done.kind, 'done', 'the password was kept: the right code completes the sign-in');
    });

    it('a code sent before any other factor is not even checked: the password page, nothing counted, the step not spent', async () => {
      const { user, key } = await userWithApp('ursula');
      clock.advance(60);
      const req = request();
      await submitUsername(deps, req, user.userPrincipalName);
      const code = codeAt(key, clock.now().getTime());
      const view = await submitAuthenticatorCode(deps, req, code);
      assert.equal(view.kind, 'password');
      assert.equal(
        (await createFailureCountersRepo(deps.db).listCountersWithPrefix(`authenticatorApp:`)).filter((c) =>
          c.key.includes(user.id),
        ).length,
        0,
      );
      const out = await verifyAuthenticatorCode(deps, {
        subject: userSubject(user.id),
        userId: user.id,
        code,
        ipAddress: null,
      });
      assert.equal(out.ok, true, 'the code was not spent by the early submission');
    });

    it('wrong codes are counted under their own factor in the store, not reset by a right password, and throttle the right code', async () => {
      const { user, key } = await userWithApp('quinn');
      clock.advance(60);
      const otpCounter = async () =>
        (
          await createFailureCountersRepo(deps.db).listCountersWithPrefix(
            `authenticatorApp:user:${userSubject(user.id)}`,
          )
        )[0]?.failures ?? 0;
      const allowed = THROTTLE_RULES.pair.freeFailures + 1;
      const wrong = String((Number(codeAt(key, clock.now().getTime())) + 1) % 1_000_000).padStart(6, '0');
      // One interaction per attempt: each begins with the right password, which must not reset the code count.
      for (let i = 0; i < allowed; i++) {
        const view = await submitAuthenticatorCode(deps, await atCodePage(user), wrong);
        assert.equal(view.kind, 'authenticatorApp', `attempt ${i + 1} is checked`);
      }
      assert.equal(await otpCounter(), allowed);
      const state = await getThrottleState(deps, user.id);
      assert.equal(state.failures, 0, 'the password counter is apart, and right passwords were given back');
      assert.equal(
        state.authenticatorApp.failures,
        allowed,
        'Graph signInThrottle and `gatepass user show` report the code counter',
      );
      assert.equal(state.temporaryAccessPass.failures + state.passkey.failures, 0);
      const blocked = await submitAuthenticatorCode(deps, await atCodePage(user), codeAt(key, clock.now().getTime()));
      assert.equal(blocked.kind, 'refused');
      assert.equal(blocked.kind === 'refused' && errorCatalogue[blocked.error].status, 429);
      assert.equal(blocked.kind === 'refused' && blocked.errorCode, 50053);
      assert.equal(await otpCounter(), allowed, 'a throttled attempt is given back: it checked nothing');

      // From another address the right code completes a sign-in, which clears every counter of the user.
      const done = await submitAuthenticatorCode(
        deps,
        await atCodePage(user, '2001:db8::42'),
        codeAt(key, clock.now().getTime()),
      );
      assert.equal(done.kind, 'done');
      assert.equal(await otpCounter(), 0);
    });
  });
}
