// The pure parts of "This wasn't me": the retry schedule, the words of the mails (never the pass), the link token.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryStatus, MAX_MAIL_ATTEMPTS, retryDelayMs } from '../../src/domain/mail/backoff.js';
import { DISPUTE_LINK_LIFETIME_MS, disputeLinkState, isDisputeToken } from '../../src/domain/mail/dispute-link.js';
import { renderDisputeAlert, renderPassNotice } from '../../src/domain/mail/pass-notice.js';

describe('mail retry schedule', () => {
  it('doubles from 30 s, caps at an hour, and gives up after the last attempt', () => {
    assert.equal(retryDelayMs(1), 30_000);
    assert.equal(retryDelayMs(2), 60_000);
    assert.equal(retryDelayMs(3), 120_000);
    for (let a = 1; a < MAX_MAIL_ATTEMPTS; a++) assert.ok((retryDelayMs(a) ?? 0) <= 3_600_000);
    assert.equal(retryDelayMs(MAX_MAIL_ATTEMPTS), undefined);
  });
  it('reads "sent" or "failed: reason"', () => {
    assert.equal(deliveryStatus({ sent: true }), 'sent');
    assert.equal(deliveryStatus({ sent: false, reason: 'connection refused' }), 'failed: connection refused');
  });
});

describe('pass notice words', () => {
  const facts = {
    kind: 'issued' as const,
    userPrincipalName: 'alice@contoso.test',
    issuerDisplayName: 'bob@contoso.test',
    issuerRole: 'Authentication Administrator',
    startAt: new Date('2026-06-01T08:00:00Z'),
    endAt: new Date('2026-06-01T09:00:00Z'),
    linkExpiresAt: new Date('2026-06-08T08:00:00Z'),
    disputeUrl: 'https://id.contoso.test/my/this-wasnt-me/TOKEN',
  };
  it('names the issuer and role, the validity window and the link', () => {
    const m = renderPassNotice(facts);
    assert.match(m.text, /Issued by: bob@contoso\.test \(Authentication Administrator\)/);
    assert.match(m.text, /Valid from: 2026-06-01 08:00 UTC/);
    assert.match(m.text, /Valid until: 2026-06-01 09:00 UTC/);
    assert.match(m.text, /This wasn't me: https:\/\/id\.contoso\.test\/my\/this-wasnt-me\/TOKEN/);
    assert.match(renderPassNotice({ ...facts, kind: 'first_used' }).subject, /was used/);
  });
  it('has no place for the pass: the facts it takes hold none', () => {
    // The renderer's input type has no pass field; a stray property is not printed.
    const m = renderPassNotice({ ...facts, temporaryAccessPass: 'SECRETPASS' } as typeof facts);
    assert.doesNotMatch(m.text, /SECRETPASS/);
    assert.doesNotMatch(m.subject, /SECRETPASS/);
  });
  it('tells the security contacts who disputed which pass', () => {
    const m = renderDisputeAlert({
      userPrincipalName: 'alice@contoso.test',
      userDisplayName: 'Alice',
      passId: 'p-1',
      issuerDisplayName: 'bob',
      issuerRole: 'application',
      disputedAt: new Date('2026-06-01T08:30:00Z'),
    });
    assert.match(m.subject, /disputed by alice@contoso\.test/);
    assert.match(m.text, /Pass id: p-1/);
  });
});

describe('dispute link', () => {
  it('accepts only a 32-byte base64url token', () => {
    assert.ok(isDisputeToken('A'.repeat(43)));
    for (const bad of ['A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}/`, 42, undefined])
      assert.equal(isDisputeToken(bad), false, String(bad));
  });
  it('is usable for 7 days, once', () => {
    const created = new Date('2026-06-01T00:00:00Z');
    const expiresAt = new Date(created.getTime() + DISPUTE_LINK_LIFETIME_MS);
    assert.equal(disputeLinkState({ disputedAt: null, expiresAt }, created), 'usable');
    assert.equal(disputeLinkState({ disputedAt: null, expiresAt }, new Date(expiresAt.getTime() - 1)), 'usable');
    assert.equal(disputeLinkState({ disputedAt: null, expiresAt }, expiresAt), 'expired');
    assert.equal(disputeLinkState({ disputedAt: created, expiresAt }, created), 'used');
  });
});
