// The outbox: a mail is written in the transaction of the change it reports (so issuing never waits on SMTP, and a
// restart loses nothing), then a sender in the server process claims due mail, sends it, and retries with backoff.
// The outcome ("sent", "failed: reason") is written to the audit log on the pass's trail.

import { jsonValue, userTarget, type AuditEntry } from '../../domain/audit.js';
import { CLAIM_LEASE_MS, deliveryStatus, retryDelayMs } from '../../domain/mail/backoff.js';
import { newId } from '../../domain/ids.js';
import type { DbOrTx } from '../../store/db.js';
import { createMailOutboxRepo, type OutboxMail } from '../../store/repos/mail-outbox.js';
import { createUsersRepo } from '../../store/repos/users.js';
import { recordAuditEvent } from '../audited.js';
import type { Deps } from '../deps.js';
import { reasonOf, type MailTransport } from './transport.js';

export type MailKind = 'pass_issued' | 'pass_first_used' | 'pass_disputed';

export interface MailToQueue {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  passId: string | null;
  userId: string | null;
}

const sealContext = (id: string) => `mail-outbox:${id}`;

/** Writes the mail in `tx`, its body sealed: it can hold a dispute link, which must not lie in the store in clear. */
export async function enqueueMail(
  tx: DbOrTx,
  deps: Pick<Deps, 'keyring' | 'clock'>,
  mail: MailToQueue,
): Promise<string> {
  const id = newId();
  await createMailOutboxRepo(tx).insertMail({
    id,
    kind: mail.kind,
    recipient: mail.to,
    subject: mail.subject,
    sealedBody: deps.keyring.encrypt('secret-encryption', mail.text, sealContext(id)),
    passId: mail.passId,
    userId: mail.userId,
    createdAt: deps.clock.now(),
  });
  return id;
}

/** The delivery's entry, on the same trail as the pass's own (pass-history reads it by the pass id property). */
async function deliveryEntry(deps: Pick<Deps, 'db'>, mail: OutboxMail, status: string): Promise<AuditEntry> {
  const user = mail.userId ? await createUsersRepo(deps.db).findUserById(mail.userId) : undefined;
  const properties = [
    { displayName: 'TemporaryAccessPass.Id', oldValue: null, newValue: jsonValue(mail.passId) },
    { displayName: 'Notice.Kind', oldValue: null, newValue: jsonValue(mail.kind) },
    { displayName: 'Notice.Status', oldValue: null, newValue: jsonValue(status) },
  ];
  return {
    activityDisplayName: 'Send Temporary Access Pass notice',
    category: 'UserManagement',
    loggedByService: 'Authentication Methods',
    operationType: 'Other',
    resultReason: status,
    targetResources: [
      user
        ? userTarget(user, properties)
        : { id: mail.userId ?? mail.id, displayName: null, type: 'User', modifiedProperties: properties },
    ],
    additionalDetails: [
      { key: 'MailId', value: mail.id },
      { key: 'Attempts', value: String(mail.attempts) },
    ],
  };
}

async function audit(deps: Pick<Deps, 'db' | 'clock'>, mail: OutboxMail, status: string, ok: boolean): Promise<void> {
  const ctx = { actor: { kind: 'system' as const }, correlationId: newId(), ipAddress: null };
  await recordAuditEvent(deps.db, deps, ctx, await deliveryEntry(deps, mail, status), ok ? 'success' : 'failure');
}

async function deliverOne(deps: Pick<Deps, 'db' | 'clock' | 'keyring'>, transport: MailTransport, mail: OutboxMail) {
  const repo = createMailOutboxRepo(deps.db);
  try {
    const text = deps.keyring.decryptText('secret-encryption', mail.sealedBody, sealContext(mail.id));
    await transport.send({ to: mail.recipient, subject: mail.subject, text });
  } catch (err) {
    const reason = reasonOf(err);
    const wait = retryDelayMs(mail.attempts);
    if (wait !== undefined) {
      await repo.scheduleRetry(mail.id, new Date(deps.clock.now().getTime() + wait), reason);
      return 'retry' as const;
    }
    const status = deliveryStatus({ sent: false, reason });
    await repo.markFailed(mail.id, reason);
    await audit(deps, mail, status, false);
    return 'failed' as const;
  }
  await repo.markSent(mail.id, deps.clock.now());
  await audit(deps, mail, deliveryStatus({ sent: true }), true);
  return 'sent' as const;
}

export interface DeliveryRound {
  sent: number;
  retrying: number;
  failed: number;
}

/** One pass over the due mail (the sender's tick; tests call it directly with their clock). */
export async function deliverDueMail(
  deps: Pick<Deps, 'db' | 'clock' | 'keyring'>,
  transport: MailTransport,
  limit = 20,
): Promise<DeliveryRound> {
  const round: DeliveryRound = { sent: 0, retrying: 0, failed: 0 };
  const claimed = await createMailOutboxRepo(deps.db).claimDueMail(deps.clock.now(), CLAIM_LEASE_MS, limit);
  for (const mail of claimed) {
    const outcome = await deliverOne(deps, transport, mail);
    if (outcome === 'sent') round.sent++;
    else if (outcome === 'retry') round.retrying++;
    else round.failed++;
  }
  return round;
}

/**
 * Runs deliverDueMail now and then every `everyMs`, one round at a time. The returned stop waits for the round in
 * flight, so shutdown never closes the store under a send (a mail cut off mid-send is retried after its lease).
 */
export function startMailSender(
  deps: Pick<Deps, 'db' | 'clock' | 'keyring' | 'log'>,
  transport: MailTransport,
  everyMs = 5_000,
): () => Promise<void> {
  let current: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (current || stopped) return;
    current = deliverDueMail(deps, transport)
      .then((r) => {
        if (r.sent || r.failed || r.retrying) deps.log.info(r, 'mail outbox round');
      })
      .catch((err: unknown) => deps.log.warn({ err: reasonOf(err) }, 'mail outbox round failed'))
      .finally(() => {
        current = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  setImmediate(tick);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
    transport.close();
  };
}
