// "This wasn't me" over real HTTP on both databases, with a real SMTP server on 127.0.0.1: an admin sets the user's
// notification email (Graph emailMethods), issues a pass; the mail arrives, names the issuer and holds no pass; its
// link shows a confirmation (GET changes nothing), the POST revokes the pass and audits the dispute, the security
// contacts are mailed, and a second use is refused. An unreachable SMTP server never fails the issue request.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime } from '../../src/runtime.js';
import { startServer } from '../../src/server.js';
import type { Deps } from '../../src/services/deps.js';
import { readPassHistory } from '../../src/services/pass-history.js';
import { readPassDiagnosis } from '../../src/services/tap-diagnosis.js';
import { diagnose } from '../../src/domain/tap/diagnosis.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createTenantRepo } from '../../src/store/repos/tenant.js';
import { createTestDatabase, dialects } from '../support/databases.js';
import { auditRows, graphFetch } from '../support/graph-http.js';
import { MovableClock } from '../support/movable-clock.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, createPasswordUser, daemonAppToken } from '../support/sign-in-fixtures.js';
import {
  decodedText,
  startSmtpSink,
  type SmtpSink,
  disputeLinkIn,
  giveNotificationEmail,
  startMailTestServer,
} from '../support/smtp-sink.js';

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];

for (const dialect of dialects) {
  describe(`"This wasn't me" on ${dialect}`, () => {
    let smtp: SmtpSink;
    let s: TestServer;
    let deps: Deps;
    let token: string;

    before(async () => {
      smtp = await startSmtpSink();
      s = await startTestServer(dialect, {
        GATEPASS_DOMAINS: 'contoso.test',
        GATEPASS_SMTP_URL: smtp.url,
        GATEPASS_MAIL_FROM: 'Gatepass <gatepass@contoso.test>',
      });
      deps = s.runtime.deps;
      token = await daemonAppToken(deps, s.url);
      await createTenantRepo(deps.db).updateSecurityContacts(['soc@contoso.test']);
    });
    after(async () => {
      await s.close();
      await smtp.close();
    });

    it('PATCH /organization sets the security contacts, for a caller allowed to, naming a bad address by index', async () => {
      const org = await graphFetch(s.url, 'GET', '/organization', token);
      const id = ((org.body.value?.[0] ?? {}) as { id?: string }).id;
      const path = `/organization/${id}`;
      const refused = await graphFetch(s.url, 'PATCH', path, token, { securityComplianceNotificationMails: [] });
      assert.equal(refused.status, 403);
      const policyToken = await daemonAppToken(deps, s.url, ['Policy.ReadWrite.AuthenticationMethod']);
      const bad = await graphFetch(s.url, 'PATCH', path, policyToken, {
        securityComplianceNotificationMails: ['soc@contoso.test', 'nope'],
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error?.target, 'securityComplianceNotificationMails.1');
      const ok = await graphFetch(s.url, 'PATCH', path, policyToken, {
        securityComplianceNotificationMails: ['SOC@contoso.test'],
      });
      assert.equal(ok.status, 204, ok.raw);
      const after = await graphFetch(s.url, 'GET', '/organization', token);
      assert.deepEqual(
        ((after.body.value?.[0] ?? {}) as { securityComplianceNotificationMails?: string[] })
          .securityComplianceNotificationMails,
        ['soc@contoso.test'],
      );
    });

    it('mails the notice: it names the issuer and holds no pass; the link disputes once', async () => {
      const user = await createPasswordUser(deps, 'erin', 'Correct-Horse-Battery-Staple-9');
      const added = await graphFetch(s.url, 'POST', `/users/${user.id}/authentication/emailMethods`, token, {
        emailAddress: 'erin@mail.test',
      });
      assert.equal(added.status, 201, added.raw);
      const listed = await graphFetch(s.url, 'GET', `/users/${user.id}/authentication/methods`, token);
      assert.ok(
        listed.body.value?.some(
          (m) =>
            m['@odata.type'] === '#microsoft.graph.emailAuthenticationMethod' && m.emailAddress === 'erin@mail.test',
        ),
        listed.raw,
      );
      const bad = await graphFetch(s.url, 'POST', `/users/${user.id}/authentication/emailMethods`, token, {
        emailAddress: 'not an address',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.raw, /"target":"emailAddress"/);

      const issued = await graphFetch(
        s.url,
        'POST',
        `/users/${user.id}/authentication/temporaryAccessPassMethods`,
        token,
        {},
      );
      assert.equal(issued.status, 201, issued.raw);
      const pass = (issued.body as unknown as { temporaryAccessPass: string }).temporaryAccessPass;
      await smtp.waitFor(1);
      const mail = smtp.messages[0]!;
      assert.deepEqual(mail.to, ['erin@mail.test']);
      const text = decodedText(mail.raw);
      assert.match(text, /Issued by: Test daemon \(application\)/);
      assert.ok(!mail.raw.includes(pass) && !text.includes(pass), 'the mail never holds the pass');
      // The delivery is on the pass's trail, as the admin console's pass history reads it.
      let trail: string[] = [];
      for (let i = 0; i < 50 && !trail.includes('sent'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        trail = (await readPassHistory(deps, cliContext(), user.id)).changes.map((c) => String(c.resultReason));
      }
      assert.ok(trail.includes('sent'), JSON.stringify(trail));
      const link = disputeLinkIn(text);
      assert.ok(link?.startsWith(`${s.publicUrl}/my/this-wasnt-me/`), text);
      const path = new URL(link ?? '').pathname;

      // A GET (a mail scanner's prefetch) changes nothing.
      const page = await fetch(`${s.url}${path}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<button type="submit">This wasn't me<\/button>/);
      assert.equal(
        (await deps.db.selectFrom('temporary_access_passes').selectAll().where('user_id', '=', user.id).execute())
          .length,
        1,
      );
      assert.equal(page.headers.get('set-cookie'), null, 'the link never starts a session');

      // The POST needs the page's CSRF value.
      const forged = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'csrf=forged',
      });
      assert.equal(forged.status, 403);
      const post = () =>
        fetch(`${s.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf: csrfOf(html) ?? '' }).toString(),
        });
      const done = await post();
      assert.equal(done.status, 200);
      assert.match(await done.text(), /pass is revoked/);
      assert.equal(done.headers.get('set-cookie'), null);
      // The pass stays listed, disputed: it never signs in again and the diagnosis says why.
      const kept = await deps.db
        .selectFrom('temporary_access_passes')
        .select('disputed_at')
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(kept.length, 1);
      assert.notEqual(kept[0]!.disputed_at, null);
      const { facts } = await readPassDiagnosis(deps, cliContext(), user.id);
      assert.equal(diagnose(facts, (at) => at.toISOString()).firstFailingCheck, 'notDisputed');
      const disputed = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Temporary Access Pass disputed by user')
        .where('result', '=', 'success')
        .execute();
      assert.equal(disputed.length, 1);

      // The security contacts are told.
      await smtp.waitFor(2);
      assert.deepEqual(smtp.messages[1]!.to, ['soc@contoso.test']);
      assert.match(decodedText(smtp.messages[1]!.raw), /erin@contoso\.test/);

      // A second use is refused, with a clear page, and audited.
      const again = await post();
      assert.equal(again.status, 410);
      assert.match(await again.text(), /already used/);
      assert.equal((await fetch(`${s.url}${path}`)).status, 410);
      const refused = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Temporary Access Pass disputed by user')
        .where('result', '=', 'failure')
        .execute();
      assert.equal(refused.length, 1);
      assert.equal((await fetch(`${s.url}/my/this-wasnt-me/${'A'.repeat(43)}`)).status, 404);
    });
  });

  describe(`"This wasn't me" with an unreachable SMTP server on ${dialect}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, {
        GATEPASS_DOMAINS: 'contoso.test',
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        GATEPASS_SMTP_URL: 'smtp://127.0.0.1:9',
        GATEPASS_MAIL_FROM: 'gatepass@contoso.test',
      });
    });
    after(() => s.close());

    it('issues the pass anyway (201); the notice waits in the outbox for a retry', async () => {
      const deps = s.runtime.deps;
      const token = await daemonAppToken(deps, s.url);
      const user = await createPasswordUser(deps, 'finn', 'Correct-Horse-Battery-Staple-9');
      await graphFetch(s.url, 'POST', `/users/${user.id}/authentication/emailMethods`, token, {
        emailAddress: 'finn@mail.test',
      });
      const issued = await graphFetch(
        s.url,
        'POST',
        `/users/${user.id}/authentication/temporaryAccessPassMethods`,
        token,
        {},
      );
      assert.equal(issued.status, 201, issued.raw);
      const until = Date.now() + 15_000;
      let row: { last_error: string | null; status: string } | undefined;
      do {
        await new Promise((r) => setTimeout(r, 200));
        row = await deps.db
          .selectFrom('mail_outbox')
          .select(['last_error', 'status'])
          .where('user_id', '=', user.id)
          .executeTakeFirst();
      } while (!row?.last_error && Date.now() < until);
      assert.equal(row?.status, 'pending');
      assert.match(row?.last_error ?? '', /ECONNREFUSED/);
    });
  });
}

for (const dialect of dialects) {
  describe(`"This wasn't me" across a restart on ${dialect}`, () => {
    it('a notice queued while no server runs is sent when one starts', async () => {
      const smtp = await startSmtpSink();
      const database = await createTestDatabase(dialect);
      const env = {
        HOST: '127.0.0.1',
        PORT: '0',
        GATEPASS_DOMAINS: 'contoso.test',
        GATEPASS_SMTP_URL: smtp.url,
        GATEPASS_MAIL_FROM: 'gatepass@contoso.test',
        ...database.env,
      };
      try {
        // Issued by a process with no sender running (as the CLI is), then that process ends.
        const first = await openRuntime({ config: loadConfig(env) });
        const deps = first.deps;
        const user = await createPasswordUser(deps, 'gus', 'Correct-Horse-Battery-Staple-9');
        await giveNotificationEmail(deps, user.id, 'gus@mail.test');
        const issued = await issueTemporaryAccessPass(deps, cliContext(), user.userPrincipalName, {});
        await first.close();
        assert.equal(smtp.messages.length, 0);

        const server = await startServer(await openRuntime({ config: loadConfig(env) }));
        try {
          await smtp.waitFor(1);
          assert.deepEqual(smtp.messages[0]!.to, ['gus@mail.test']);
          assert.ok(!smtp.messages[0]!.raw.includes(issued.temporaryAccessPass));
        } finally {
          await server.close();
        }
      } finally {
        await database.drop();
        await smtp.close();
      }
    });
  });
}

for (const dialect of dialects) {
  describe(`"This wasn't me" after the pass ended on ${dialect}`, () => {
    let smtp: SmtpSink;
    let s: TestServer;
    let closeMail: (() => Promise<void>) | undefined;
    let deps: Deps;
    const clock = new MovableClock();

    before(async () => {
      ({ smtp, server: s, close: closeMail } = await startMailTestServer(dialect, clock));
      deps = s.runtime.deps;
    });
    after(() => closeMail?.());

    /** Issues a one-hour pass for a new user with a notification email; the path of the link mailed for it. */
    async function issueAndReadLink(local: string): Promise<{ userId: string; path: string }> {
      const user = await createPasswordUser(deps, local, 'Correct-Horse-Battery-Staple-9');
      await giveNotificationEmail(deps, user.id, `${local}@mail.test`);
      const sent = smtp.messages.length;
      // Through the service: a Graph token from the provider (real time) would look expired to the moved clock.
      await issueTemporaryAccessPass(deps, cliContext(), user.id, { lifetimeInMinutes: 60 });
      await smtp.waitFor(sent + 1);
      const text = decodedText(smtp.messages[sent]!.raw);
      const link = disputeLinkIn(text) ?? assert.fail(text);
      return { userId: user.id, path: new URL(link).pathname };
    }

    it('still works once the pass has expired, and signs nobody in', async () => {
      const { userId, path } = await issueAndReadLink('gail');
      clock.advance(2 * 3600);
      const page = await fetch(`${s.url}${path}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<button type="submit">This wasn't me<\/button>/);
      const done = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: csrfOf(html) ?? '' }).toString(),
        redirect: 'manual',
      });
      assert.equal(done.status, 200);
      assert.match(await done.text(), /Your security team has been told/);
      assert.equal(done.headers.get('set-cookie'), null, 'no session, no cookie');
      assert.equal(done.headers.get('location'), null, 'no redirect into a signed-in page');
      const disputed = await auditRows(deps, { activity: 'Temporary Access Pass disputed by user' });
      assert.ok(disputed.some((r) => r.result === 'success' && r.targets.some((t) => t.id === userId)));
    });

    it('is refused after 7 days, with a clear page', async () => {
      const { path } = await issueAndReadLink('hugo');
      clock.advance(7 * 24 * 3600 + 60);
      const page = await fetch(`${s.url}${path}`);
      assert.equal(page.status, 410);
      assert.match(await page.text(), /has expired \(links work for 7 days\)/);
    });
  });
}
