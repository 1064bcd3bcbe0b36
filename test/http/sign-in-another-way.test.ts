// "Sign in another way": a user with an authenticator app and a passkey is offered the other one on each
// second-factor page, can switch back and forth, and the sign-in log records the method that was used. Plain HTTP
// through the real pages, with a software authenticator for the passkey, on SQLite and PostgreSQL.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userActor } from '../../src/domain/audit.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Deps } from '../../src/services/deps.js';
import { passkeyRegistrationOptions, registerPasskey } from '../../src/services/passkeys.js';
import { enrolAuthenticatorApp } from '../support/authenticator-app.js';
import { dialects } from '../support/databases.js';
import { postPasskeyOptions, postStep, startRawFlow, type RawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';
const title = (html: string) => /<h1 id="page-title">([^<]*)<\/h1>/.exec(html)?.[1];
const otherWays = (html: string) =>
  [...html.matchAll(/<button type="submit" name="method" value="([a-z]+)"/g)].map((m) => m[1]);

for (const dialect of dialects) {
  describe(`Sign in another way (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let clientId: string;
    const clock = new ManualClock(new Date());

    before(async () => {
      // WebAuthn needs a host name: the issuer (and rpID) is localhost; requests still go to 127.0.0.1.
      s = await startTestServer(dialect, {}, clock, { publicHost: 'localhost' });
      deps = s.runtime.deps;
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
    });
    after(async () => s.close());

    it('offers the other second factor on each page, switches both ways, and logs the one used', async () => {
      const user = await createPasswordUser(deps, 'wanda', PASSWORD);
      const ctx = { ...cliContext(), actor: userActor(user, null) };
      await enrolAuthenticatorApp(deps, ctx, user);
      const authenticator = new SoftAuthenticator({ origin: deps.config.issuer });
      const credential = authenticator.create((await passkeyRegistrationOptions(deps, user)) as never);
      await registerPasskey(deps, ctx, user, { credential: JSON.stringify(credential), displayName: 'Laptop' });
      clock.advance(30);

      const flow: RawFlow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: user.userPrincipalName });
      await postStep(flow, s.url, 'password', { password: PASSWORD });
      // A passkey comes first (it is the stronger method); the code is the other way.
      assert.equal(title(flow.html), 'Sign in with a passkey');
      assert.deepEqual(otherWays(flow.html), ['totp']);
      assert.match(flow.html, />Use a verification code from my authenticator app</);

      await postStep(flow, s.url, 'choose', { method: 'totp' });
      assert.equal(title(flow.html), 'Enter code');
      assert.deepEqual(otherWays(flow.html), ['passkey']);
      await postStep(flow, s.url, 'choose', { method: 'passkey' });
      assert.equal(title(flow.html), 'Sign in with a passkey');
      // A method the pipeline would not accept here changes nothing.
      await postStep(flow, s.url, 'choose', { method: 'password' });
      assert.equal(title(flow.html), 'Sign in with a passkey');
      assert.match(flow.html, /Choose one of the sign-in methods offered/);

      const options = await postPasskeyOptions(flow, s.url, 'user');
      assert.equal(options.status, 200);
      const assertion = authenticator.get(options.body as never);
      const done = await postStep(flow, s.url, 'passkey', { credential: JSON.stringify(assertion) });
      assert.equal(done.status, 303, done.html.slice(0, 300));

      const [logged] = await deps.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('user_id', '=', user.id)
        .orderBy('created_at', 'desc')
        .limit(1)
        .execute();
      assert.ok(logged);
      assert.equal(logged.error_code, 0);
      assert.match(JSON.stringify(logged), /Password[\s\S]*Passkey/);
      assert.doesNotMatch(
        JSON.stringify(logged),
        /OATH verification code/,
        'the method switched away from was not used',
      );
    });
  });
}
