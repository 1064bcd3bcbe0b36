// "This wasn't me" as a person meets it, in real Chromium on both stores (issue 14, item 4), with a real SMTP server
// (smtp-server on 127.0.0.1). Erin adds her email in Security info with the code mailed to it; a pass issued for her is
// mailed there, naming the issuer and holding no pass; her browser signed in elsewhere shows the notice on /my; the
// link from the mail, opened in another browser, revokes the pass and ends the session it opened, tells the security
// contacts, and a second click is refused.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser as Chromium, Page } from 'playwright-core';
import type { Deps } from '../../src/services/deps.js';
import { createTenantRepo } from '../../src/store/repos/tenant.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { enrolAuthenticatorApp, type EnrolledApp } from '../support/authenticator-app.js';
import { seriousViolations } from '../support/axe.js';
import { enterPassword, enterUsername } from '../support/browser-sign-in.js';
import { dialects } from '../support/databases.js';
import { graphFetch } from '../support/graph-http.js';
import { MovableClock } from '../support/movable-clock.js';
import { Browser, signInToMyWithPass } from '../support/my-browser.js';
import type { TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, daemonAppToken, launchChromium } from '../support/sign-in-fixtures.js';
import { decodedText, type SmtpSink, startMailTestServer, emailCodeIn, disputeLinkIn } from '../support/smtp-sink.js';

const PASSWORD = 'Correct-Horse-Battery-Staple-9';

for (const dialect of dialects) {
  describe(`"This wasn't me" in Chromium (${dialect})`, () => {
    let smtp: SmtpSink;
    let s: TestServer;
    let closeMail: (() => Promise<void>) | undefined;
    let deps: Deps;
    let chromium: Chromium;
    let token: string;
    let erin: UserRecord;
    let phone: EnrolledApp;
    /** Erin's own browser, signed in with password + authenticator app (not with the pass). */
    let own: Page;
    let pass: string;
    let passId: string;
    let link: string;
    const clock = new MovableClock();

    before(async () => {
      ({ smtp, server: s, close: closeMail } = await startMailTestServer(dialect, clock));
      deps = s.runtime.deps;
      chromium = await launchChromium();
      token = await daemonAppToken(deps, s.url);
      await createTenantRepo(deps.db).updateSecurityContacts(['soc@contoso.test']);
      erin = await createPasswordUser(deps, 'erin', PASSWORD);
      phone = await enrolAuthenticatorApp(deps, cliContext(), erin);
    });
    after(async () => {
      await chromium?.close();
      await closeMail?.();
    });

    it('Erin adds her email in Security info with the code mailed to it', async () => {
      // The enrolment spent this step's code.
      clock.nextStep();
      own = await (await chromium.newContext()).newPage();
      await own.goto(`${s.url}/my/security-info`);
      await enterUsername(own, erin.userPrincipalName);
      await enterPassword(own, PASSWORD);
      await own.getByLabel('Code', { exact: true }).fill(phone.codeNow());
      await own.getByRole('button', { name: 'Verify' }).click();
      await own.waitForURL(/\/my\/security-info$/);

      await own.getByRole('link', { name: 'Email', exact: true }).click();
      await own.getByLabel('What email would you like to use?').fill('erin@mail.test');
      await own.getByRole('button', { name: 'Next' }).click();
      await own.getByText('We just sent a code to erin@mail.test').waitFor();
      assert.deepEqual(await seriousViolations(own), []);
      await smtp.waitFor(1);
      assert.deepEqual(smtp.messages[0]!.to, ['erin@mail.test']);
      const code = emailCodeIn(smtp.messages[0]!.raw);
      assert.ok(code, decodedText(smtp.messages[0]!.raw));

      await own.getByLabel('Enter code').fill(code);
      await own.getByRole('button', { name: 'Next' }).click();
      await own.waitForURL(/\/my\/security-info\?done=email-added$/);
      assert.match(await own.getByRole('status').first().innerText(), /Email verified\./);
      assert.equal(await own.locator('#method-email .method-name').innerText(), 'erin@mail.test');
    });

    it('a pass issued for her is mailed there, naming the issuer, without the pass; her browser shows it on /my', async () => {
      const issued = await graphFetch(
        s.url,
        'POST',
        `/users/${erin.id}/authentication/temporaryAccessPassMethods`,
        token,
        {
          isUsableOnce: false,
        },
      );
      assert.equal(issued.status, 201, issued.raw);
      pass = String(issued.body.temporaryAccessPass);
      passId = String(issued.body.id);
      await smtp.waitFor(2);
      const mail = smtp.messages[1]!;
      assert.deepEqual(mail.to, ['erin@mail.test']);
      const text = decodedText(mail.raw);
      assert.match(text, /Issued by: Test daemon \(application\)/);
      assert.ok(!mail.raw.includes(pass) && !text.includes(pass), 'the mail never holds the pass');
      link = disputeLinkIn(text) ?? assert.fail(text);

      await own.goto(`${s.url}/my`);
      await own.getByRole('heading', { name: 'Temporary Access Pass notices' }).waitFor();
      assert.equal(await own.getByRole('button', { name: "This wasn't me" }).count(), 1);
      assert.match(
        await own.getByRole('list', { name: 'Temporary Access Pass notices' }).innerText(),
        /Test daemon \(application\)/,
      );
      assert.deepEqual(await seriousViolations(own), []);
    });

    it('the link revokes the pass and ends what it opened, tells the security contacts, and works once', async () => {
      // Someone signed in to Erin's account with the pass.
      const intruder = new Browser(s.url);
      await signInToMyWithPass(intruder, erin.userPrincipalName, pass, { password: PASSWORD });
      assert.equal((await intruder.go('/my')).status, 200);

      const mailReader = await (await chromium.newContext()).newPage();
      await mailReader.goto(link.replace(s.publicUrl, s.url));
      await mailReader.getByRole('heading', { name: "This wasn't me" }).waitFor();
      assert.match(await mailReader.locator('main').innerText(), /Issued by\s+Test daemon \(application\)/);
      assert.deepEqual(await seriousViolations(mailReader), []);
      await mailReader.getByRole('button', { name: "This wasn't me" }).click();
      await mailReader.getByRole('heading', { name: 'Thank you: the pass is revoked' }).waitFor();
      assert.match(await mailReader.getByRole('status').innerText(), /The Temporary Access Pass is revoked/);
      assert.equal((await mailReader.context().cookies()).length, 0, 'the link signs nobody in');

      // The intruder's session is over; the pass signs in no more and says why.
      assert.notEqual((await intruder.go('/my')).status, 200);
      const diagnosis = await graphFetch(
        s.url,
        'GET',
        `/users/${erin.id}/authentication/temporaryAccessPassMethods/${passId}/gatepassDiagnosis`,
        token,
      );
      assert.equal(diagnosis.body.firstFailingCheck, 'notDisputed', diagnosis.raw);

      // Erin's own session (not the pass's) goes on, and the notice is gone from /my.
      await own.goto(`${s.url}/my`);
      await own.getByRole('heading', { name: 'My account' }).waitFor();
      assert.equal(await own.getByRole('button', { name: "This wasn't me" }).count(), 0);

      // The pass's first use was mailed to Erin too; the dispute, to the security contacts.
      await smtp.waitFor(4);
      const to = (address: string) =>
        smtp.messages.filter((m) => m.to.includes(address)).map((m) => decodedText(m.raw));
      assert.ok(to('erin@mail.test').some((t) => /was just used to sign in for the first time/.test(t)));
      const alerts = to('soc@contoso.test');
      assert.equal(alerts.length, 1);
      assert.ok(alerts[0]!.includes(erin.userPrincipalName), alerts[0]);

      // The link again: refused, clearly.
      const again = await mailReader.goto(link.replace(s.publicUrl, s.url));
      assert.equal(again?.status(), 410);
      assert.match(await mailReader.locator('main').innerText(), /already used/);
    });
  });
}
