// A user adds their own notification email from Security info (issue 14, item 4): the code mailed through a real SMTP
// server (smtp-server on 127.0.0.1), the limits counted in the store on both stores (codes sent per hour, wrong
// guesses per code, parallel guesses), the code's lifetime, the audit entries, and the page a server without SMTP
// shows instead of the form.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EMAIL_CODE_LIFETIME_MS,
  MAX_EMAIL_CODES_PER_WINDOW,
  MAX_WRONG_EMAIL_CODES,
} from '../../src/domain/mail/email-code.js';
import type { Deps } from '../../src/services/deps.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createEmailMethodsRepo } from '../../src/store/repos/email-methods.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { MovableClock } from '../support/movable-clock.js';
import { Browser, csrfOf, signInToMyWithPass } from '../support/my-browser.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { decodedText, type SmtpSink, startMailTestServer, emailCodeIn } from '../support/smtp-sink.js';

// Longer than a code's life, so that here only the code runs out.
const LONG_METHOD_CHANGE_WINDOW = { GATEPASS_METHOD_CHANGE_WINDOW_MINUTES: '30' };

/** The code in the newest mail to `to`. */
function latestCode(smtp: SmtpSink, to: string): string {
  const mail = smtp.messages.filter((m) => m.to.includes(to)).at(-1);
  assert.ok(mail, `a mail to ${to}`);
  const code = emailCodeIn(mail.raw);
  assert.ok(code, decodedText(mail.raw));
  return code;
}

/** A user without a password, signed in to /my with a multi-use pass: a session that may change methods. */
async function signedInUser(s: TestServer, deps: Deps, local: string): Promise<{ browser: Browser; userId: string }> {
  const user = await createUser(deps, cliContext(), {
    userPrincipalName: `${local}@${deps.tenant.defaultDomain}`,
    displayName: local,
  });
  const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, { isUsableOnce: false });
  const browser = new Browser(s.url);
  await signInToMyWithPass(browser, user.userPrincipalName, issued.temporaryAccessPass);
  return { browser, userId: user.id };
}

async function csrf(browser: Browser): Promise<string> {
  return csrfOf((await browser.go('/my/security-info')).html);
}

for (const dialect of dialects) {
  describe(`Security info › Email on ${dialect}`, () => {
    let smtp: SmtpSink;
    let s: TestServer;
    let closeMail: (() => Promise<void>) | undefined;
    let deps: Deps;
    const clock = new MovableClock();

    before(async () => {
      ({ smtp, server: s, close: closeMail } = await startMailTestServer(dialect, clock, LONG_METHOD_CHANGE_WINDOW));
      deps = s.runtime.deps;
    });
    after(() => closeMail?.());

    it('mails a code; a wrong code is refused on the form; the right one stores the address, audited', async () => {
      const { browser, userId } = await signedInUser(s, deps, 'ada');
      const form = await browser.go('/my/security-info/email');
      assert.equal(form.status, 200);
      assert.match(form.html, /<label for="emailAddress">What email would you like to use\?<\/label>/);

      const bad = await browser.go('/my/security-info/email', { csrf: csrfOf(form.html), emailAddress: 'nope' });
      assert.equal(bad.status, 400);
      assert.match(bad.html, /emailAddress must be one email address/);
      assert.match(bad.html, /id="emailAddress"[^>]*aria-invalid="true"/);

      const sent = await browser.go('/my/security-info/email', {
        csrf: csrfOf(form.html),
        emailAddress: 'ada@mail.test',
      });
      assert.equal(sent.status, 200, sent.html.slice(0, 400));
      assert.match(sent.html, /We just sent a code to <strong>ada@mail\.test<\/strong>/);
      await smtp.waitFor(1);
      const code = latestCode(smtp, 'ada@mail.test');
      // The code is in the store only as a keyed hash.
      const stored = await deps.db.selectFrom('email_verifications').selectAll().execute();
      assert.ok(stored.length === 1 && !JSON.stringify(stored).includes(code));

      const wrong = code === '00000000' ? '11111111' : '00000000';
      const refused = await browser.go('/my/security-info/email/code', { csrf: csrfOf(sent.html), code: wrong });
      assert.equal(refused.status, 400);
      assert.match(refused.html, /That code is not right/);
      assert.match(refused.html, /id="code"[^>]*aria-invalid="true"/);

      const done = await browser.go('/my/security-info/email/code', {
        csrf: csrfOf(sent.html),
        code: `${code.slice(0, 4)} ${code.slice(4)}`,
      });
      assert.equal(done.status, 303, done.html.slice(0, 300));
      assert.equal(done.location, '/my/security-info?done=email-added');
      const info = await browser.go(done.location);
      assert.match(info.html, /Email verified\./);
      assert.match(info.html, /<tr id="method-email">[\s\S]*ada@mail\.test/);
      assert.equal(
        (await createEmailMethodsRepo(deps.db).findEmailMethodOfUser(userId))?.emailAddress,
        'ada@mail.test',
      );
      // The code works once.
      const again = await browser.go('/my/security-info/email/code', { csrf: csrfOf(sent.html), code });
      assert.equal(again.status, 400);
      assert.match(again.html, /expired or was already used/);

      const rows = (await auditRows(deps)).filter((r) => r.targets.some((t) => t.id === userId));
      const names = rows.map((r) => `${r.activity}/${r.result}/${r.reason}`);
      assert.ok(
        names.includes(
          'User started security info registration/success/User started the registration for email authentication method',
        ),
        names.join('\n'),
      );
      assert.ok(
        names.includes('User registered security info/success/User registered email authentication method'),
        names.join('\n'),
      );
      assert.ok(
        names.some((n) => n.startsWith('User registered security info/failure/')),
        names.join('\n'),
      );

      // Change: a new address replaces the old one, again only once its code comes back.
      const change = await browser.go('/my/security-info/email');
      assert.match(change.html, /Your current address is <strong id="current-email">ada@mail\.test<\/strong>/);
      await browser.go('/my/security-info/email', { csrf: csrfOf(change.html), emailAddress: 'ada@new.test' });
      await smtp.waitFor(2);
      const changed = await browser.go('/my/security-info/email/code', {
        csrf: csrfOf(change.html),
        code: latestCode(smtp, 'ada@new.test'),
      });
      assert.equal(changed.status, 303);
      assert.equal((await createEmailMethodsRepo(deps.db).findEmailMethodOfUser(userId))?.emailAddress, 'ada@new.test');

      // Delete, through the confirmation page.
      const method = await createEmailMethodsRepo(deps.db).findEmailMethodOfUser(userId);
      const confirm = await browser.go(`/my/security-info/email/${method!.id}/delete`);
      assert.match(confirm.html, /Do you want to delete your email “ada@new\.test”\?/);
      assert.doesNotMatch(confirm.html, /last method for multi-factor/);
      const deleted = await browser.go(`/my/security-info/email/${method!.id}/delete`, { csrf: csrfOf(confirm.html) });
      assert.equal(deleted.location, '/my/security-info?done=method-deleted');
      assert.equal(await createEmailMethodsRepo(deps.db).findEmailMethodOfUser(userId), undefined);
    });

    it(`a code takes ${MAX_WRONG_EMAIL_CODES} wrong guesses, counted atomically even in parallel; then a new code is needed`, async () => {
      const { browser } = await signedInUser(s, deps, 'bob');
      const token = await csrf(browser);
      const before = smtp.messages.length;
      await browser.go('/my/security-info/email', { csrf: token, emailAddress: 'bob@mail.test' });
      await smtp.waitFor(before + 1);
      const code = latestCode(smtp, 'bob@mail.test');
      const wrong = code === '00000000' ? '11111111' : '00000000';
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => browser.go('/my/security-info/email/code', { csrf: token, code: wrong })),
      );
      assert.equal(answers.filter((a) => /That code is not right/.test(a.html)).length, MAX_WRONG_EMAIL_CODES);
      assert.equal(answers.filter((a) => a.status === 429).length, 12 - MAX_WRONG_EMAIL_CODES);
      // Even the right code is refused now: the guesses are spent.
      const right = await browser.go('/my/security-info/email/code', { csrf: token, code });
      assert.equal(right.status, 429);
      assert.match(right.html, /Too many wrong codes\. Ask for a new code\./);
      // A new code starts afresh.
      await browser.go('/my/security-info/email', { csrf: token, emailAddress: 'bob@mail.test' });
      await smtp.waitFor(before + 2);
      const fresh = await browser.go('/my/security-info/email/code', {
        csrf: token,
        code: latestCode(smtp, 'bob@mail.test'),
      });
      assert.equal(fresh.status, 303);
    });

    it(`a code ends after ${EMAIL_CODE_LIFETIME_MS / 60_000} minutes; at most ${MAX_EMAIL_CODES_PER_WINDOW} codes an hour`, async () => {
      const { browser } = await signedInUser(s, deps, 'cy');
      const token = await csrf(browser);
      const before = smtp.messages.length;
      await browser.go('/my/security-info/email', { csrf: token, emailAddress: 'cy@mail.test' });
      await smtp.waitFor(before + 1);
      const code = latestCode(smtp, 'cy@mail.test');
      clock.advance(EMAIL_CODE_LIFETIME_MS / 1000 + 1);
      const late = await browser.go('/my/security-info/email/code', { csrf: token, code });
      assert.equal(late.status, 400, /reauthenticate-reason">([^<]*)/.exec(late.html)?.[1] ?? late.html.slice(0, 300));
      assert.match(late.html, /expired or was already used/);

      for (let i = 1; i < MAX_EMAIL_CODES_PER_WINDOW; i++) {
        const sent = await browser.go('/my/security-info/email', { csrf: token, emailAddress: 'cy@mail.test' });
        assert.equal(sent.status, 200, sent.html.slice(0, 300));
      }
      await smtp.waitFor(before + MAX_EMAIL_CODES_PER_WINDOW);
      const flood = await browser.go('/my/security-info/email', { csrf: token, emailAddress: 'cy@mail.test' });
      assert.equal(flood.status, 429);
      assert.match(flood.html, /Too many codes were sent in the last hour\. Try again in \d+ minutes?\./);
      assert.ok(Number(flood.headers.get('retry-after')) > 0);
      assert.equal(smtp.messages.length, before + MAX_EMAIL_CODES_PER_WINDOW, 'no mail for the refused request');
    });

    it('refuses a form without its CSRF value, and a session that may not change methods', async () => {
      const { browser } = await signedInUser(s, deps, 'dee');
      const forged = await browser.go('/my/security-info/email', { csrf: 'forged', emailAddress: 'dee@mail.test' });
      assert.equal(forged.status, 403);
      const stranger = await new Browser(s.url).go('/my/security-info/email', {
        csrf: 'x',
        emailAddress: 'x@mail.test',
      });
      assert.notEqual(stranger.status, 200);
      assert.equal(
        (await deps.db.selectFrom('email_verifications').selectAll().execute()).some(
          (r) => r.email_address.startsWith('dee') || r.email_address.startsWith('x@'),
        ),
        false,
      );
    });
  });

  describe(`Security info › Email without SMTP on ${dialect}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(async () => {
      await s?.close();
    });

    it('says mail must be configured, and sends nothing', async () => {
      const { browser } = await signedInUser(s, s.runtime.deps, 'eve');
      const page = await browser.go('/my/security-info/email');
      assert.equal(page.status, 200);
      assert.match(page.html, /Email cannot be added yet: this server has no mail settings \(SMTP\)/);
      assert.doesNotMatch(page.html, /<form/);
      const post = await browser.go('/my/security-info/email', {
        csrf: await csrf(browser),
        emailAddress: 'eve@mail.test',
      });
      assert.equal(post.status, 409);
      assert.match(post.html, /Email cannot be added yet/);
    });
  });
}
