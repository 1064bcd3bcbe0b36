// Authorization codes and refresh tokens are redeemed once, however many requests race for them (issue #8 point 1):
// one request wins, every other one gets invalid_grant, and the grant is revoked as on any detected reuse, so the
// winner's refresh token stops working too. Real sign-ins over HTTP, on both stores.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Deps } from '../../src/services/deps.js';
import { dialects } from '../support/databases.js';
import {
  codeAfterSignIn,
  postStep,
  startRawFlow,
  tokenRequest,
  type TokenEndpointAnswer,
} from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp, securityDefaults } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const PASSWORD = 'one code, one redemption, long enough';
const RACERS = 20;

for (const dialect of dialects) {
  describe(`one-time redemption under concurrency (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let client: { clientId: string; secret: string };
    let upn: string;

    /** A password sign-in (security defaults off) that ends with a code and the verifier to redeem it. */
    async function signIn(): Promise<{ code: string; verifier: string }> {
      const flow = await startRawFlow([s.url], client.clientId, REDIRECT_URI);
      await postStep(flow, s.url, 'username', { username: upn });
      const last = await postStep(flow, s.url, 'password', { password: PASSWORD });
      assert.equal(last.status, 303, last.html.slice(0, 300));
      return { code: await codeAfterSignIn(flow, last, REDIRECT_URI), verifier: flow.verifier! };
    }

    const redeem = (code: string, verifier: string) =>
      tokenRequest(s.url, client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
    const refresh = (refreshToken: string) =>
      tokenRequest(s.url, client, { grant_type: 'refresh_token', refresh_token: refreshToken });

    function exactlyOneWinner(answers: TokenEndpointAnswer[]): TokenEndpointAnswer {
      const winners = answers.filter((a) => a.status === 200);
      assert.equal(winners.length, 1, `exactly one success, not ${winners.length}`);
      for (const lost of answers.filter((a) => a.status !== 200)) {
        assert.equal(lost.status, 400);
        assert.equal(lost.body.error, 'invalid_grant');
        assert.equal(lost.body.access_token, undefined);
      }
      return winners[0]!;
    }

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      await securityDefaults(deps, false);
      const user = await createPasswordUser(deps, 'racer', PASSWORD);
      upn = user.userPrincipalName;
      const { app, secret } = await createWebApp(deps, REDIRECT_URI);
      client = { clientId: app.appId, secret: secret!.secretText };
    });
    after(async () => s?.close());

    it(`${RACERS} parallel exchanges of one code: one token response, the rest invalid_grant, and the grant revoked`, async () => {
      const { code, verifier } = await signIn();
      const answers = await Promise.all(Array.from({ length: RACERS }, () => redeem(code, verifier)));
      const won = exactlyOneWinner(answers);
      assert.ok(won.body.refresh_token);
      const afterwards = await refresh(won.body.refresh_token!);
      assert.equal(afterwards.status, 400, "the winner's refresh token went with the revoked grant");
      assert.equal(afterwards.body.error, 'invalid_grant');
    });

    it(`${RACERS} parallel refreshes of one refresh token: one new token, the rest invalid_grant, and the grant revoked`, async () => {
      const { code, verifier } = await signIn();
      const first = await redeem(code, verifier);
      assert.equal(first.status, 200);
      const answers = await Promise.all(Array.from({ length: RACERS }, () => refresh(first.body.refresh_token!)));
      const won = exactlyOneWinner(answers);
      const afterwards = await refresh(won.body.refresh_token!);
      assert.equal(afterwards.status, 400, 'the rotated refresh token went with the revoked grant');
      assert.equal(afterwards.body.error, 'invalid_grant');
    });

    it('a single exchange and a single refresh still work (the race is what is refused, not the use)', async () => {
      const { code, verifier } = await signIn();
      const first = await redeem(code, verifier);
      assert.equal(first.status, 200);
      const second = await refresh(first.body.refresh_token!);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal((await refresh(second.body.refresh_token!)).status, 200);
    });
  });
}
