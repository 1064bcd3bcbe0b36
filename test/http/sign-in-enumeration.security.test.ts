// Threat: account enumeration. An attacker who types names at the sign-in must not learn which exist: the username
// and password steps answer a known and an unknown user alike (same status, same page, same words), and argon2id
// runs for an unknown user too, so the work done (and so the time) does not tell them apart. Checked on both sign-in
// orders of the Temporary Access Pass policy ('passwordFirst', the default, and 'tapFirst', Entra's), with the real
// argon2 counted at its lowest level; no wall-clock time is measured. What 'tapFirst' necessarily reveals (a user who
// holds a pass is asked for it) is asserted too, as docs/temporary-access-pass.md says.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createPasswordHasher } from '../../src/crypto/password-hasher.js';
import type { TapSignInFlow } from '../../src/domain/tap/constants.js';
import type { Deps } from '../../src/services/deps.js';
import { updateTapPolicy } from '../../src/services/tap-policy.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { countedArgon2, type CountedArgon2 } from '../support/argon2-spy.js';
import { dialects } from '../support/databases.js';
import { postStep, startRawFlow, type RawResponse } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'correct horse battery staple';
const title = (html: string) => /<h1 id="page-title">([^<]*)<\/h1>/.exec(html)?.[1];

/** The page with what differs per request or per typed name taken out: the interaction, its form token, the name. */
function normalized(res: RawResponse, uid: string, name: string): string {
  return res.html
    .replaceAll(uid, 'UID')
    .replaceAll(name, 'NAME')
    .replace(/name="csrf" value="[^"]+"/g, 'name="csrf" value="CSRF"')
    .replace(/nonce="[^"]+"/g, 'nonce="NONCE"')
    .replace(/id="correlation-id">[^<]+</g, 'id="correlation-id">ID<')
    .replace(/<time id="timestamp" datetime="[^"]+">[^<]+</g, '<time id="timestamp">TIME<');
}

interface Answer {
  status: number;
  page: string;
  argon2: number;
}

for (const dialect of dialects) {
  for (const order of ['passwordFirst', 'tapFirst'] as const satisfies readonly TapSignInFlow[]) {
    describe(`sign-in enumeration, ${order} (${dialect})`, () => {
      let s: TestServer;
      let deps: Deps;
      let clientId: string;
      let argon2: CountedArgon2;
      let known: UserRecord;
      let holder: UserRecord;

      before(async () => {
        s = await startTestServer(dialect);
        deps = s.runtime.deps;
        clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
        await updateTapPolicy(deps, cliContext(), { gatepassSignInFlow: order });
        known = await createPasswordUser(deps, 'known', PASSWORD);
        holder = await createPasswordUser(deps, 'holder', PASSWORD);
        await issueTemporaryAccessPass(deps, cliContext(), holder.id, { isUsableOnce: false });
        // The server reads deps.hasher per request: the real hasher, with its argon2 calls counted.
        argon2 = countedArgon2();
        deps.hasher = createPasswordHasher(deps.keyring, { argon2: argon2.primitives });
      });
      after(async () => s?.close());

      const unknownName = () => `nobody-${randomBytes(4).toString('hex')}@${deps.tenant.defaultDomain}`;

      async function usernameStep(name: string): Promise<Answer & { flowUid: string }> {
        const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
        const before = argon2.verifies;
        const res = await postStep(flow, s.url, 'username', { username: name });
        return {
          status: res.status,
          page: normalized(res, flow.uid, name),
          argon2: argon2.verifies - before,
          flowUid: flow.uid,
        };
      }

      async function wrongPassword(name: string): Promise<Answer> {
        const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
        await postStep(flow, s.url, 'username', { username: name });
        const before = argon2.verifies;
        const res = await postStep(flow, s.url, 'password', { password: 'a wrong passphrase entirely' });
        return { status: res.status, page: normalized(res, flow.uid, name), argon2: argon2.verifies - before };
      }

      it('the username step answers a known and an unknown user alike, and spends no hash on either', async () => {
        const forKnown = await usernameStep(known.userPrincipalName);
        const forUnknown = await usernameStep(unknownName());
        assert.equal(forKnown.status, 200);
        assert.equal(forUnknown.status, forKnown.status);
        assert.equal(title(forKnown.page), 'Enter password');
        assert.equal(forUnknown.page, forKnown.page, 'the same page, word for word');
        assert.equal(forKnown.argon2 + forUnknown.argon2, 0);
      });

      it('a wrong password answers a known and an unknown user alike, with one real argon2id run each', async () => {
        const forKnown = await wrongPassword(known.userPrincipalName);
        const forUnknown = await wrongPassword(unknownName());
        assert.equal(forKnown.status, 401);
        assert.equal(forUnknown.status, forKnown.status);
        assert.match(forKnown.page, /AADSTS50126/);
        assert.equal(forUnknown.page, forKnown.page, 'the same page, words and error code');
        assert.equal(forKnown.argon2, 1, 'a known user: one argon2id verification');
        assert.equal(forUnknown.argon2, 1, 'an unknown user: one argon2id verification too');
      });

      it(`a user holding a pass: ${order === 'tapFirst' ? 'asked for it right after the username (Entra’s flow reveals this)' : 'answered like everyone else'}`, async () => {
        const forHolder = await usernameStep(holder.userPrincipalName);
        const forUnknown = await usernameStep(unknownName());
        if (order === 'tapFirst') {
          assert.equal(title(forHolder.page), 'Enter Temporary Access Pass');
          assert.notEqual(forHolder.page, forUnknown.page);
        } else assert.equal(forHolder.page, forUnknown.page);
        assert.equal(forHolder.argon2, 0);
      });
    });
  }
}
