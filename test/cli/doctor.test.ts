// `gatepass doctor` (runDoctor): one line per check; a failing check makes the command exit 1.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runDoctor } from '../../src/services/doctor.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

describe('gatepass doctor', () => {
  it('names the bad variable and stops there when the configuration is invalid', async () => {
    const lines = await runDoctor({ GATEPASS_SMTP_URL: 'http://mail.test', NODE_ENV: 'test' });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.ok, false);
    assert.match(lines[0]!.text, /GATEPASS_SMTP_URL must use smtp or smtps/);
  });
  it('never quotes the SMTP password back', async () => {
    const [line] = await runDoctor({ GATEPASS_SMTP_URL: 'http://u:s3cret@mail.test', NODE_ENV: 'test' });
    assert.doesNotMatch(line!.text, /s3cret/);
  });
});

for (const dialect of dialects) {
  describe(`gatepass doctor on ${dialect}`, () => {
    let t: TestRuntime;
    let smtp: SmtpSink;
    before(async () => {
      t = await openTestRuntime(dialect);
      smtp = await startSmtpSink();
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });
    const env = (extra: Record<string, string> = {}) => ({ ...t.database.env, ...extra });

    it('without SMTP: configuration, store and mail pass, mail says notices are on /my only', async () => {
      const lines = await runDoctor(env());
      assert.deepEqual(
        lines.map((l) => [l.check, l.ok]),
        [
          ['configuration', true],
          ['store', true],
          ['mail', true],
        ],
      );
      assert.match(lines[1]!.text, /migrations current/);
      assert.match(lines[2]!.text, /not configured: .* shown on \/my only/);
    });
    it('with a live SMTP server: the mail check passes; with a closed port it fails', async () => {
      const live = await runDoctor(env({ GATEPASS_SMTP_URL: smtp.url, GATEPASS_MAIL_FROM: 'g@contoso.test' }));
      assert.equal(live[2]!.ok, true, live[2]!.text);
      const dead = await runDoctor(
        env({ GATEPASS_SMTP_URL: 'smtp://127.0.0.1:9', GATEPASS_MAIL_FROM: 'g@contoso.test' }),
      );
      assert.equal(dead[2]!.ok, false);
      assert.match(dead[2]!.text, /does not answer/);
    });
  });
}
