// SMTP through nodemailer, from GATEPASS_SMTP_URL. The URL (which may carry a password) is never logged; errors are
// reduced to their message, which nodemailer writes without credentials.

import type { Transporter } from 'nodemailer';
import type { AppConfig } from '../../config/load.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  /** Connects and greets the server (and authenticates, if the URL has credentials): `gatepass doctor`'s check. */
  verify(): Promise<void>;
  close(): void;
}

/** Short enough that a dead server fails a send in seconds; the outbox retries later anyway. */
const TIMEOUT_MS = 10_000;
/**
 * nodemailer's timeouts are per step and per silence: a server (or middlebox) that answers one line every few seconds
 * never trips them, and would hold the outbox's sender, which sends one mail at a time, for ever. A whole send gets
 * this long; one that ends late may still have been delivered, so a retry can repeat a notice (at least once, never
 * lost).
 */
const SEND_DEADLINE_MS = 60_000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the SMTP server did not take the mail within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export function createMailTransport(
  config: Pick<AppConfig, 'smtpUrl' | 'mailFrom'>,
  timeoutMs = TIMEOUT_MS,
  sendDeadlineMs = SEND_DEADLINE_MS,
): MailTransport | undefined {
  if (!config.smtpUrl || !config.mailFrom) return undefined;
  const { smtpUrl, mailFrom: from } = config;
  // nodemailer is loaded at the first send (about 20 MiB resident): a server without mail, or one that has not sent
  // yet, does not carry it.
  let transporter: Promise<Transporter> | undefined;
  const open = () =>
    (transporter ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        url: smtpUrl,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    ));
  return {
    async send(mail) {
      const t = await open();
      await withDeadline(t.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text }), sendDeadlineMs);
    },
    async verify() {
      await (await open()).verify();
    },
    close: () => {
      void transporter?.then(
        (t) => t.close(),
        () => {},
      );
    },
  };
}

/** A failure's reason for the audit trail: one line, no stack, bounded. */
export const reasonOf = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
