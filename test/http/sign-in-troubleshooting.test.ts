// Troubleshooting details on every refused sign-in step, as Entra shows them under "…": a wrong password, a wrong
// Temporary Access Pass, a wrong authenticator code and a refused passkey each show the error code, the correlation
// id and the time (UTC), and Graph's sign-in log finds the row by that correlation id with the same code and time.
// Plain HTTP through the real pages, on SQLite and PostgreSQL.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userActor } from '../../src/domain/audit.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { passkeyRegistrationOptions, registerPasskey } from '../../src/services/passkeys.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUsersRepo } from '../../src/store/repos/users.js';
import { enrolAuthenticatorApp } from '../support/authenticator-app.js';
import { dialects } from '../support/databases.js';
import { graphFetch } from '../support/graph-http.js';
import { postStep, startRawFlow, type RawFlow, type RawResponse } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { createTestApp } from '../support/tokens.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';
const title = (html: string) => /<h1 id="page-title">([^<]*)<\/h1>/.exec(html)?.[1];

interface Shown {
  code: string;
  correlationId: string;
  datetime: string;
  text: string;
}

function troubleshooting(html: string): Shown | undefined {
  const section =
    /<details class="troubleshooting"><summary>Troubleshooting details<\/summary>([\s\S]*?)<\/details>/.exec(html)?.[1];
  if (!section) return undefined;
  const time = /<time id="timestamp" datetime="([^"]+)">([^<]+)<\/time>/.exec(section);
  return {
    code: /id="error-code">([^<]+)</.exec(section)?.[1] ?? '',
    correlationId: /id="correlation-id">([^<]+)</.exec(section)?.[1] ?? '',
    datetime: time?.[1] ?? '',
    text: time?.[2] ?? '',
  };
}

for (const dialect of dialects) {
  describe(`troubleshooting details on refused sign-in steps (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    let reader: string;
    // Now (Graph tokens are minted on the real clock), with milliseconds the page leaves out.
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000 + 123));
    const iso = () =>
      clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');

    before(async () => {
      s = await startTestServer(dialect, {}, clock, { publicHost: 'localhost' });
      deps = s.runtime.deps;
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
      reader = (await createTestApp(deps, ['AuditLog.Read.All'])).token;
    });
    after(async () => s?.close());

    /** The page shows the details; the Graph sign-in log has exactly that row under that correlation id. */
    async function assertTraceable(res: RawResponse, expectedCode: number): Promise<void> {
      const shown = troubleshooting(res.html);
      assert.ok(shown, `no troubleshooting details on: ${res.html.slice(0, 600)}`);
      assert.equal(shown.code, `AADSTS${expectedCode}`);
      assert.match(shown.correlationId, /^[0-9a-f-]{36}$/);
      assert.equal(shown.datetime, iso());
      assert.equal(shown.text, `${iso().slice(0, 10)} ${iso().slice(11, 19)} UTC`, 'the time is marked UTC in words');
      const found = await graphFetch(
        s.url,
        'GET',
        `/auditLogs/signIns?$filter=${encodeURIComponent(`correlationId eq '${shown.correlationId}'`)}`,
        reader,
      );
      assert.equal(found.status, 200, found.raw);
      const rows = found.body.value ?? [];
      assert.equal(rows.length, 1, found.raw);
      const row = rows[0] as { correlationId: string; createdDateTime: string; status: { errorCode: number } };
      assert.equal(row.correlationId, shown.correlationId);
      assert.equal(row.status.errorCode, expectedCode);
      assert.equal(row.createdDateTime.replace(/\.\d{3}Z$/, 'Z'), shown.datetime);
    }

    async function afterUsername(name: string): Promise<RawFlow> {
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: name });
      return flow;
    }

    it('a wrong password', async () => {
      const user = await createPasswordUser(deps, 'trouble-pw', PASSWORD);
      const flow = await afterUsername(user.userPrincipalName);
      const res = await postStep(flow, s.url, 'password', { password: 'not the password at all' });
      assert.equal(res.status, 401);
      await assertTraceable(res, 50126);
    });

    it('a wrong Temporary Access Pass', async () => {
      const user = await createPasswordUser(deps, 'trouble-tap', PASSWORD);
      await createUsersRepo(deps.db).updateUser(user.id, { passwordHash: null });
      await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false });
      const flow = await afterUsername(user.userPrincipalName);
      assert.equal(title(flow.html), 'Enter Temporary Access Pass');
      const res = await postStep(flow, s.url, 'tap', { tap: 'WrongPass-1234' });
      assert.equal(res.status, 401, res.html.slice(0, 400));
      await assertTraceable(res, 90110);
    });

    it('a wrong authenticator code', async () => {
      const user = await createPasswordUser(deps, 'trouble-otp', PASSWORD);
      const ctx = { ...cliContext(), actor: userActor(user, null) };
      const { totp } = await enrolAuthenticatorApp(deps, ctx, user);
      const flow = await afterUsername(user.userPrincipalName);
      await postStep(flow, s.url, 'password', { password: PASSWORD });
      assert.equal(title(flow.html), 'Enter code');
      const wrong = String((Number(totp.generate({ timestamp: clock.now().getTime() })) + 1) % 1_000_000).padStart(
        6,
        '0',
      );
      const res = await postStep(flow, s.url, 'otp', { otp: wrong });
      assert.equal(res.status, 401, res.html.slice(0, 400));
      await assertTraceable(res, 90120);
    });

    it('a refused passkey', async () => {
      const user = await createPasswordUser(deps, 'trouble-key', PASSWORD);
      const ctx = { ...cliContext(), actor: userActor(user, null) };
      const authenticator = new SoftAuthenticator({ origin: deps.config.issuer });
      await registerPasskey(deps, ctx, user, {
        credential: JSON.stringify(authenticator.create((await passkeyRegistrationOptions(deps, user)) as never)),
        displayName: 'Laptop',
      });
      const flow = await afterUsername(user.userPrincipalName);
      await postStep(flow, s.url, 'password', { password: PASSWORD });
      assert.equal(title(flow.html), 'Sign in with a passkey');
      const res = await postStep(flow, s.url, 'passkey', { credential: '{"not":"an assertion"}' });
      assert.equal(res.status, 401, res.html.slice(0, 400));
      await assertTraceable(res, 90134);
    });

    it('no details on a page that refused nothing', async () => {
      const user = await createPasswordUser(deps, 'trouble-none', PASSWORD);
      const flow = await afterUsername(user.userPrincipalName);
      assert.equal(troubleshooting(flow.html), undefined);
      // A form error that logs no sign-in (an empty password) has nothing to quote either.
      const res = await postStep(flow, s.url, 'password', { password: '' });
      assert.equal(troubleshooting(res.html), undefined);
    });
  });
}
