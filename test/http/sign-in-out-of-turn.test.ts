// A factor is accepted only when the sign-in asks for it. In the default, password-first flow a pass, a code or a
// passkey posted right after the username is refused before it is checked, with one answer for every user: an
// unknown name, a user without a pass, and a user who holds one (and an authenticator app and a passkey). Named-user
// passkey options are served only when a passkey is asked for. Plain HTTP through the real pages, on both stores.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userActor } from '../../src/domain/audit.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { passkeyRegistrationOptions, registerPasskey } from '../../src/services/passkeys.js';
import { NOT_ASKED_MESSAGE } from '../../src/services/sign-in/index.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { enrolAuthenticatorApp } from '../support/authenticator-app.js';
import { dialects } from '../support/databases.js';
import { postPasskeyOptions, postStep, startRawFlow, type RawFlow, type RawResponse } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';
const title = (html: string) => /<h1 id="page-title">([^<]*)<\/h1>/.exec(html)?.[1];
const escaped = (text: string) => text.replaceAll("'", '&#39;');

for (const dialect of dialects) {
  describe(`factors out of turn (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    const clock = new ManualClock(new Date());
    let holder: { user: UserRecord; pass: string; code: () => string; authenticator: SoftAuthenticator };
    let withoutPass: UserRecord;
    const unknownName = `nobody-${Date.now()}@${'gatepass.local'}`;

    before(async () => {
      s = await startTestServer(dialect, {}, clock, { publicHost: 'localhost' });
      deps = s.runtime.deps;
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
      withoutPass = await createPasswordUser(deps, 'nopass', PASSWORD);
      const user = await createPasswordUser(deps, 'holder', PASSWORD);
      const ctx = { ...cliContext(), actor: userActor(user, null) };
      const { totp } = await enrolAuthenticatorApp(deps, ctx, user);
      const authenticator = new SoftAuthenticator({ origin: deps.config.issuer });
      await registerPasskey(deps, ctx, user, {
        credential: JSON.stringify(authenticator.create((await passkeyRegistrationOptions(deps, user)) as never)),
        displayName: 'Laptop',
      });
      const pass = (await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false }))
        .temporaryAccessPass;
      holder = { user, pass, authenticator, code: () => totp.generate({ timestamp: clock.now().getTime() }) };
    });
    after(async () => s.close());

    /** A flow that has just given `name` at the username step. */
    async function afterUsername(name: string): Promise<RawFlow> {
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: name });
      assert.equal(
        title(flow.html),
        'Enter password',
        'every user with a password, and every unknown name, gets the password page first',
      );
      return flow;
    }

    /** The answer with what differs per request or per typed name taken out. */
    const normalised = (flow: RawFlow, name: string, res: RawResponse) => ({
      status: res.status,
      location: res.location,
      html: res.html
        .replaceAll(flow.uid, 'UID')
        .replaceAll(flow.csrf, 'CSRF')
        .replaceAll(name, 'NAME')
        // The troubleshooting details name this request and its time.
        .replace(/id="correlation-id">[^<]+</g, 'id="correlation-id">ID<')
        .replace(/<time id="timestamp" datetime="[^"]+">[^<]+</g, '<time id="timestamp">TIME<'),
    });

    const names = () => [
      { who: 'an unknown name', name: unknownName },
      { who: 'a user without a pass', name: withoutPass.userPrincipalName },
      { who: 'a user who holds a pass, an app and a passkey', name: holder.user.userPrincipalName },
    ];

    /** Posts `action` with `fields(name)` right after the username, for every kind of user; all answers must be equal. */
    async function sameAnswerForAll(action: string, fields: (name: string) => Record<string, string>) {
      const answers = [];
      for (const { who, name } of names()) {
        const flow = await afterUsername(name);
        const res = await postStep(flow, s.url, action, fields(name));
        answers.push({ who, answer: normalised(flow, name, res), res });
      }
      for (const other of answers.slice(1))
        assert.deepEqual(other.answer, answers[0]!.answer, `${other.who} is answered as ${answers[0]!.who}`);
      return answers[0]!;
    }

    const loggedCodes = async (upn: string) =>
      (
        await deps.db.selectFrom('sign_ins').select(['error_code']).where('user_principal_name', '=', upn).execute()
      ).map((r) => Number(r.error_code));

    it('a pass right after the username is refused, the right one included, with one answer for every user', async () => {
      for (const pass of [
        (name: string) => (name === holder.user.userPrincipalName ? holder.pass : 'WRONGPAS'),
        () => 'WRONGPAS',
      ]) {
        const first = await sameAnswerForAll('tap', (name) => ({ tap: pass(name) }));
        assert.equal(first.res.status, 401);
        assert.equal(title(first.res.html), 'Enter password', 'the password is still asked for');
        assert.ok(first.res.html.includes(escaped(NOT_ASKED_MESSAGE)), first.res.html.slice(0, 400));
      }
      assert.ok(
        (await loggedCodes(holder.user.userPrincipalName)).includes(90102),
        'the refusal is in the sign-in log with its own code',
      );
      assert.ok((await loggedCodes(unknownName)).includes(90102));
    });

    it("a code, a passkey and the first page's passkey right after the username are refused alike", async () => {
      const otp = await sameAnswerForAll('otp', (name) => ({
        otp: name === holder.user.userPrincipalName ? holder.code() : '123456',
      }));
      assert.equal(title(otp.res.html), 'Enter password');
      assert.ok(otp.res.html.includes(escaped(NOT_ASKED_MESSAGE)));
      for (const action of ['passkey', 'passkeyDiscoverable']) {
        const passkey = await sameAnswerForAll(action, () => ({
          credential: '{"id":"x","rawId":"x","type":"public-key","response":{}}',
        }));
        assert.equal(passkey.res.status, 401, action);
        assert.equal(title(passkey.res.html), 'Enter password', action);
      }
    });

    it('named-user passkey options are served only when a passkey is asked for, and say nothing about the user before', async () => {
      const answers = [];
      for (const { who, name } of names()) {
        const flow = await afterUsername(name);
        answers.push({ who, ...(await postPasskeyOptions(flow, s.url, 'user')) });
      }
      for (const a of answers) {
        assert.equal(a.status, 409, a.who);
        assert.deepEqual(a.body, answers[0]!.body, `${a.who} is answered as ${answers[0]!.who}`);
      }
      assert.equal((answers[0]!.body as { message?: string }).message, NOT_ASKED_MESSAGE);

      // After the password the pipeline asks for a second factor, and a passkey is one of them: now the options come.
      const flow = await afterUsername(holder.user.userPrincipalName);
      await postStep(flow, s.url, 'password', { password: PASSWORD });
      await postStep(flow, s.url, 'choose', { method: 'passkey' });
      const options = await postPasskeyOptions(flow, s.url, 'user');
      assert.equal(options.status, 200);
      assert.equal((options.body as { allowCredentials?: unknown[] }).allowCredentials?.length, 1);
    });

    it('in turn, the password then the pass signs in with amr pwd, tap and mfa', async () => {
      const flow = await afterUsername(holder.user.userPrincipalName);
      await postStep(flow, s.url, 'password', { password: PASSWORD });
      await postStep(flow, s.url, 'choose', { method: 'tap' });
      assert.equal(title(flow.html), 'Enter Temporary Access Pass');
      const done = await postStep(flow, s.url, 'tap', { tap: holder.pass });
      assert.equal(done.status, 303, done.html.slice(0, 300));
      const [logged] = await deps.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('user_id', '=', holder.user.id)
        .where('error_code', '=', 0)
        .orderBy('created_at', 'desc')
        .limit(1)
        .execute();
      assert.deepEqual(
        (JSON.parse(String(logged!.methods)) as { method: string }[]).map((m) => m.method),
        ['Password', 'Temporary Access Pass'],
      );
    });
  });
}
