// The SMTP transport's own deadline: a server that keeps a send alive by answering a line now and then (no per-step
// timeout of nodemailer trips) must not hold the outbox's sender for ever.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMailTransport } from '../../src/services/mail/transport.js';
import { startSmtpSink, startSmtpTarpit, type SmtpSink, type SmtpTarpit } from '../support/smtp-sink.js';

describe('mail transport', () => {
  let tarpit: SmtpTarpit;
  let sink: SmtpSink;
  before(async () => {
    tarpit = await startSmtpTarpit();
    sink = await startSmtpSink();
  });
  after(async () => {
    await tarpit?.close();
    await sink?.close();
  });

  // The runner's timeout only turns a hang into a failure, should the deadline ever be lost.
  it('gives up on a send that a trickling server never finishes, naming the deadline', {
    timeout: 30_000,
  }, async () => {
    const transport = createMailTransport(
      { smtpUrl: tarpit.url, mailFrom: 'Gatepass <gp@contoso.test>' },
      10_000,
      1500,
    );
    assert.ok(transport);
    await assert.rejects(
      transport.send({ to: 'erin@mail.test', subject: 's', text: 't' }),
      /the SMTP server did not take the mail within 1\.5 s/,
    );
    transport.close();
  });

  it('sends through a server that answers, within the same deadline', async () => {
    const transport = createMailTransport({ smtpUrl: sink.url, mailFrom: 'Gatepass <gp@contoso.test>' }, 10_000, 1500);
    assert.ok(transport);
    await transport.send({ to: 'erin@mail.test', subject: 'Hello', text: 'Hi' });
    assert.deepEqual(sink.messages.at(-1)?.to, ['erin@mail.test']);
    transport.close();
  });
});
