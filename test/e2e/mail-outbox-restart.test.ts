// "This wasn't me" across a real restart, on both stores: a notice issued through Graph by a server process that never
// got to send it (the process is killed with SIGKILL) is sent by the next process started on the same store, names the
// issuer, holds no pass, and its delivery lands on the pass's audit trail.
//
// How process 1 is kept from sending without a test hook: pointed at a closed port, its attempt would fail and be
// retried 30 s later (retryDelayMs); killed while holding the mail, the mail would stay leased for 2 minutes
// (CLAIM_LEASE_MS). Either would make the restart wait. So an earlier notice (another user's) is queued before process
// 1 starts; its sender claims that one at once and is held sending it by an SMTP tarpit. The sender runs one round at
// a time, so the notice under test, issued while that round is in flight, is never claimed by process 1 and is due
// the moment process 2 starts.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { jsonValue } from '../../src/domain/audit.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { readPassHistory } from '../../src/services/pass-history.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createMailOutboxRepo } from '../../src/store/repos/mail-outbox.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { graphFetch } from '../support/graph-http.js';
import { freePort } from '../support/runtime.js';
import { killServer, spawnServer, waitReady, type ServerProcess } from '../support/server-process.js';
import { cliContext, createDaemonApp } from '../support/sign-in-fixtures.js';
import {
  decodedText,
  startSmtpSink,
  startSmtpTarpit,
  type SmtpSink,
  type SmtpTarpit,
  giveNotificationEmail,
} from '../support/smtp-sink.js';
import { fetchAppToken } from '../support/tokens.js';

const mailEnv = (smtpUrl: string) => ({
  GATEPASS_SMTP_URL: smtpUrl,
  GATEPASS_MAIL_FROM: 'Gatepass <gatepass@contoso.test>',
});

/** The pass's "Send Temporary Access Pass notice" entries on its user's pass history, as the admin console reads it. */
async function deliveriesOf(runtime: Runtime, userId: string, passId: string): Promise<string[]> {
  const { changes } = await readPassHistory(runtime.deps, cliContext(), userId);
  const namesPass = (t: unknown) =>
    (t as { modifiedProperties?: { displayName: string; newValue: string | null }[] }).modifiedProperties?.some(
      (p) => p.displayName === 'TemporaryAccessPass.Id' && p.newValue === jsonValue(passId),
    );
  return changes
    .filter((c) => c.activityDisplayName === 'Send Temporary Access Pass notice' && c.targetResources.some(namesPass))
    .map((c) => c.resultReason);
}

for (const dialect of dialects) {
  describe(`"This wasn't me" mail across a SIGKILL and a restart of the server process (${dialect})`, () => {
    let database: TestDatabase;
    let runtime: Runtime;
    let tarpit: SmtpTarpit;
    let sink: SmtpSink | undefined;
    let server: ServerProcess | undefined;
    let port: number;

    before(async () => {
      database = await createTestDatabase(dialect);
      tarpit = await startSmtpTarpit();
      port = await freePort();
      runtime = await openRuntime({
        config: loadConfig({
          ...database.env,
          ...mailEnv(tarpit.url),
          GATEPASS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        }),
      });
    });

    after(async () => {
      if (server) await killServer(server, 'SIGTERM');
      await runtime?.close();
      await tarpit?.close();
      await sink?.close();
      await database?.drop();
    });

    it('sends the notice from the restarted process: it names the issuer, holds no pass, and is audited "sent"', async () => {
      const { deps } = runtime;
      const domain = deps.tenant.defaultDomain;
      // The earlier notice, queued before process 1 starts, which its sender claims at start-up and is held sending.
      const earlier = await createUser(deps, cliContext(), { userPrincipalName: `ada@${domain}`, displayName: 'Ada' });
      await giveNotificationEmail(deps, earlier.id, 'ada@mail.test');
      await issueTemporaryAccessPass(deps, cliContext(), earlier.id, {});
      const user = await createUser(deps, cliContext(), { userPrincipalName: `erin@${domain}`, displayName: 'Erin' });
      const { app, secret } = await createDaemonApp(deps);

      server = spawnServer({ ...database.env, ...mailEnv(tarpit.url) }, port);
      await waitReady(server);
      // Its sender has claimed the earlier notice and is held sending it: from here on it claims nothing else.
      await tarpit.waitForConnection();
      const token = await fetchAppToken(server.origin, app.appId, secret.secretText);
      const email = await graphFetch(server.origin, 'POST', `/users/${user.id}/authentication/emailMethods`, token, {
        emailAddress: 'erin@mail.test',
      });
      assert.equal(email.status, 201, email.raw);
      const issued = await graphFetch(
        server.origin,
        'POST',
        `/users/${user.id}/authentication/temporaryAccessPassMethods`,
        token,
        {},
      );
      assert.equal(issued.status, 201, issued.raw);
      const pass = issued.body as unknown as { id: string; temporaryAccessPass: string };
      assert.equal(tarpit.open, 1, "process 1's sender is still held on the earlier notice");
      await killServer(server, 'SIGKILL');

      const [queued, ...more] = await createMailOutboxRepo(deps.db).listMailOfPass(pass.id);
      assert.equal(more.length, 0);
      assert.equal(queued?.status, 'pending', 'the notice is in the outbox, unsent');
      assert.equal(queued.attempts, 0, 'process 1 never tried to send it (so no retry wait, no lease)');
      assert.deepEqual(await deliveriesOf(runtime, user.id, pass.id), []);

      sink = await startSmtpSink();
      server = spawnServer({ ...database.env, ...mailEnv(sink.url) }, port);
      await waitReady(server);
      await sink.waitFor(1);
      // Only this notice: the earlier one stays leased to the dead process 1 for its CLAIM_LEASE_MS.
      assert.equal(sink.messages.length, 1);
      const mail = sink.messages[0]!;
      assert.deepEqual(mail.to, ['erin@mail.test']);
      const text = decodedText(mail.raw);
      assert.match(text, /Issued by: Test daemon \(application\)/);
      assert.ok(!mail.raw.includes(pass.temporaryAccessPass), 'the mail never holds the pass');
      assert.ok(!text.includes(pass.temporaryAccessPass), 'the mail never holds the pass');

      // Process 2 audits the delivery just after the SMTP server took the mail: bounded polling.
      let deliveries: string[] = [];
      for (let i = 0; i < 50 && !deliveries.includes('sent'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        deliveries = await deliveriesOf(runtime, user.id, pass.id);
      }
      assert.deepEqual(deliveries, ['sent']);
    });
  });
}
