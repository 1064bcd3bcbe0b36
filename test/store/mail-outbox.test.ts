// The mail outbox on both databases: a notice is written with the pass (in its transaction), its body sealed; two
// concurrent senders never send one mail twice; failures retry with backoff and end "failed: reason" on the pass's
// audit trail; a policy that turns notices off still notifies holders of an admin role.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import { MAX_MAIL_ATTEMPTS } from '../../src/domain/mail/backoff.js';
import { GLOBAL_ADMINISTRATOR } from '../../src/domain/roles.js';
import type { Deps } from '../../src/services/deps.js';
import { deliverDueMail, enqueueMail } from '../../src/services/mail/outbox.js';
import { redeemTemporaryAccessPass } from '../../src/services/redeem-tap.js';
import { userSubject } from '../../src/services/throttle.js';
import type { MailTransport, OutgoingMail } from '../../src/services/mail/transport.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { updateTapPolicy } from '../../src/services/tap-policy.js';
import { createRoleAssignmentsRepo } from '../../src/store/repos/role-assignments.js';
import { createRoleDefinitionsRepo } from '../../src/store/repos/role-definitions.js';
import { userActor } from '../../src/domain/audit.js';
import { newId } from '../../src/domain/ids.js';
import { dialects } from '../support/databases.js';
import { giveNotificationEmail } from '../support/smtp-sink.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { cliContext, createPasswordUser } from '../support/sign-in-fixtures.js';

function recordingTransport(fail?: string): MailTransport & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(m) {
      if (fail) throw new Error(fail);
      // A real send takes a while: concurrent senders overlap here.
      await new Promise((r) => setTimeout(r, 5));
      sent.push(m);
    },
    async verify() {},
    close() {},
  };
}

for (const dialect of dialects) {
  describe(`mail outbox (${dialect})`, () => {
    let t: TestRuntime;
    let deps: Deps;
    const clock = new ManualClock(new Date());

    before(async () => {
      t = await openTestRuntime(
        dialect,
        { GATEPASS_SMTP_URL: 'smtp://127.0.0.1:9', GATEPASS_MAIL_FROM: 'Gatepass <gatepass@contoso.test>' },
        clock,
      );
      deps = t.runtime.deps;
    });
    after(() => t.close());

    async function userWithEmail(local: string) {
      const user = await createPasswordUser(deps, local, 'Correct-Horse-Battery-Staple-9');
      await giveNotificationEmail(deps, user.id, `${local}@mail.test`);
      return user;
    }
    const outbox = () => deps.db.selectFrom('mail_outbox').selectAll().orderBy('created_at').execute();
    const drain = async () => {
      for (const row of await outbox())
        if (row.status === 'pending') await deps.db.deleteFrom('mail_outbox').where('id', '=', row.id).execute();
    };

    it('writes the notice with the pass, sealed: the store holds neither the pass nor the link', async () => {
      await drain();
      const user = await userWithEmail('ann');
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.userPrincipalName, {});
      const rows = (await outbox()).filter((r) => r.user_id === user.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.kind, 'pass_issued');
      assert.equal(rows[0]!.recipient, 'ann@mail.test');
      assert.equal(rows[0]!.pass_id, issued.pass.id);
      assert.doesNotMatch(rows[0]!.sealed_body, /this-wasnt-me/);
      assert.ok(!JSON.stringify(rows).includes(issued.temporaryAccessPass));
      const transport = recordingTransport();
      assert.deepEqual(await deliverDueMail(deps, transport), { sent: 1, retrying: 0, failed: 0 });
      assert.ok(!transport.sent[0]!.text.includes(issued.temporaryAccessPass));
      assert.match(transport.sent[0]!.text, /\/my\/this-wasnt-me\/[A-Za-z0-9_-]{43}/);
      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Send Temporary Access Pass notice')
        .execute();
      assert.ok(audit.some((a) => a.result_reason === 'sent' && a.result === 'success'));
    });

    it('the first use of a pass queues a notice in its transaction; later uses do not', async () => {
      await drain();
      const user = await userWithEmail('gil');
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.userPrincipalName, {});
      await drain();
      const redeem = () =>
        redeemTemporaryAccessPass(deps, {
          subject: userSubject(user.id),
          userId: user.id,
          entered: issued.temporaryAccessPass,
          ipAddress: '127.0.0.1',
        });
      clock.advance(60);
      assert.equal((await redeem()).ok, true);
      assert.deepEqual(
        (await outbox()).filter((r) => r.user_id === user.id).map((r) => r.kind),
        ['pass_first_used'],
      );
      clock.advance(60);
      assert.equal((await redeem()).ok, true);
      assert.equal((await outbox()).filter((r) => r.user_id === user.id).length, 1);
    });

    it('two concurrent senders never send the same mail', async () => {
      await drain();
      for (let i = 0; i < 12; i++)
        await enqueueMail(deps.db, deps, {
          kind: 'pass_disputed',
          to: `c${i}@mail.test`,
          subject: 's',
          text: `t${i}`,
          passId: null,
          userId: null,
        });
      const a = recordingTransport();
      const b = recordingTransport();
      await Promise.all([deliverDueMail(deps, a, 50), deliverDueMail(deps, b, 50), deliverDueMail(deps, a, 50)]);
      const all = [...a.sent, ...b.sent].map((m) => m.to).sort();
      assert.equal(all.length, 12);
      assert.equal(new Set(all).size, 12);
    });

    it('retries with backoff, then ends "failed: reason" on the pass trail', async () => {
      await drain();
      const user = await userWithEmail('bea');
      const issued = await issueTemporaryAccessPass(deps, cliContext(), user.userPrincipalName, {});
      const down = recordingTransport('connect ECONNREFUSED 127.0.0.1:9');
      assert.equal((await deliverDueMail(deps, down)).retrying, 1);
      // Not due again until its backoff has passed.
      assert.equal((await deliverDueMail(deps, down)).retrying, 0);
      for (let i = 1; i < MAX_MAIL_ATTEMPTS; i++) {
        clock.advance(3600);
        await deliverDueMail(deps, down);
      }
      const [row] = (await outbox()).filter((r) => r.pass_id === issued.pass.id);
      assert.equal(row!.status, 'failed');
      assert.equal(Number(row!.attempts), MAX_MAIL_ATTEMPTS);
      const audit = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('activity_display_name', '=', 'Send Temporary Access Pass notice')
        .where('result', '=', 'failure')
        .execute();
      assert.ok(audit.some((a) => a.result_reason === 'failed: connect ECONNREFUSED 127.0.0.1:9'));
    });

    it('names the issuer by their roles, built-in and custom, each once', async () => {
      await drain();
      const issuer = await userWithEmail('eve');
      const holder = await userWithEmail('fay');
      const customRole = {
        id: newId(),
        displayName: 'Helpdesk pass issuer',
        description: null,
        isEnabled: true,
        allowedResourceActions: ['microsoft.directory/users/authenticationMethods/create'],
        version: '1',
        createdAt: clock.now(),
      };
      await createRoleDefinitionsRepo(deps.db).insertRoleDefinition(customRole);
      const assignments = createRoleAssignmentsRepo(deps.db);
      for (const [roleDefinitionId, directoryScopeId] of [
        [GLOBAL_ADMINISTRATOR, '/'],
        [customRole.id, '/'],
        [customRole.id, `/administrativeUnits/${newId()}`],
      ] as const)
        await assignments.insertRoleAssignmentIfAbsent({
          id: newId(),
          principalId: issuer.id,
          roleDefinitionId,
          directoryScopeId,
          createdAt: clock.now(),
        });
      const ctx = { ...cliContext(), actor: userActor(issuer, null) };
      await issueTemporaryAccessPass(deps, ctx, holder.userPrincipalName, {});
      const transport = recordingTransport();
      assert.equal((await deliverDueMail(deps, transport)).sent, 1);
      assert.match(transport.sent[0]!.text, /Global Administrator, Helpdesk pass issuer\b/);
      assert.doesNotMatch(transport.sent[0]!.text, /Helpdesk pass issuer, Helpdesk pass issuer/);
    });

    it('with notices turned off, mails only holders of an admin role', async () => {
      await drain();
      await updateTapPolicy(deps, cliContext(), { gatepassNotifyAccountHolder: false });
      try {
        const plain = await userWithEmail('cid');
        const admin = await userWithEmail('dee');
        await createRoleAssignmentsRepo(deps.db).insertRoleAssignmentIfAbsent({
          id: newId(),
          principalId: admin.id,
          roleDefinitionId: GLOBAL_ADMINISTRATOR,
          directoryScopeId: '/',
          createdAt: clock.now(),
        });
        await issueTemporaryAccessPass(deps, cliContext(), plain.userPrincipalName, {});
        await issueTemporaryAccessPass(deps, cliContext(), admin.userPrincipalName, {});
        const to = (await outbox()).filter((r) => r.status === 'pending').map((r) => r.recipient);
        assert.deepEqual(to, ['dee@mail.test']);
      } finally {
        await updateTapPolicy(deps, cliContext(), { gatepassNotifyAccountHolder: true });
      }
    });
  });
}
