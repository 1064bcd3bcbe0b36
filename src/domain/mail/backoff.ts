// When the outbox tries a mail again: exponential backoff, capped, and a last attempt after which it gives up.

/** Attempts in all (the first included) before a mail is marked "failed". */
export const MAX_MAIL_ATTEMPTS = 6;

const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 60 * 60_000;

/**
 * The wait after the `attempts`-th failed attempt (1-based): 30 s, 1, 2, 4, 8 min … at most an hour; `undefined`
 * once MAX_MAIL_ATTEMPTS attempts have failed (give up). Deterministic, so tests drive it with the clock.
 */
export function retryDelayMs(attempts: number): number | undefined {
  if (attempts >= MAX_MAIL_ATTEMPTS) return undefined;
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_WAIT_MS);
}

/** How long a claimed mail is held by its sender before another may try it (a sender that died mid-send). */
export const CLAIM_LEASE_MS = 2 * 60_000;

/** The status shown on the pass's audit trail: "sent" or "failed: <reason>". */
export const deliveryStatus = (outcome: { sent: true } | { sent: false; reason: string }): string =>
  outcome.sent ? 'sent' : `failed: ${outcome.reason}`;
