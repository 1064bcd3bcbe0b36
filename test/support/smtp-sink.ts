// A real SMTP server on 127.0.0.1 (the smtp-server package), keeping every message it receives, raw; and a tarpit
// that holds a sender's connection open without ever taking a message.

import { createServer, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '../../src/domain/clock.js';
import { newId } from '../../src/domain/ids.js';
import type { Deps } from '../../src/services/deps.js';
import { createEmailMethodsRepo } from '../../src/store/repos/email-methods.js';
import type { Dialect } from './databases.js';
import { startTestServer, type TestServer } from './runtime.js';

export interface SmtpSink {
  url: string;
  messages: { to: string[]; raw: string }[];
  /** Resolves when `count` messages have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS to offer (nodemailer would refuse a self-signed certificate).
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} mail, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text of a quoted-printable body, soft line breaks joined, as a reader of the mail sees it. */
export const decodedText = (raw: string): string =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

export interface SmtpTarpit {
  url: string;
  /** Connections open right now: each is a send held in flight. */
  readonly open: number;
  /** Resolves once a connection is open, or rejects after `attempts` polls of 100 ms. */
  waitForConnection(attempts?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * An SMTP server on 127.0.0.1 that greets, then answers EHLO one continuation line ("250-…") a second and never ends
 * the reply: a client's send is held until the client dies. The greeting ends nodemailer's connection-setup timeout,
 * and each line restarts its inactivity timeout, so unlike a server that never answers, this one holds a sender for as
 * long as the test needs (a server that never greets fails the send after the transport's timeout).
 */
export async function startSmtpTarpit(): Promise<SmtpTarpit> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let trickle: NodeJS.Timeout | undefined;
    socket.on('error', () => {});
    socket.once('data', () => {
      trickle = setInterval(() => socket.write('250-still thinking\r\n'), 1000);
    });
    socket.once('close', () => {
      clearInterval(trickle);
      sockets.delete(socket);
    });
    socket.write('220 127.0.0.1 ESMTP\r\n');
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    get open() {
      return sockets.size;
    },
    async waitForConnection(attempts = 200) {
      for (let i = 0; i < attempts && sockets.size === 0; i++) await new Promise((r) => setTimeout(r, 100));
      if (sockets.size === 0) throw new Error('no sender connected to the SMTP tarpit');
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The 8-digit code of a Security info › Email mail. */
export const emailCodeIn = (raw: string): string | undefined => /^\s+(\d{8})\s*$/m.exec(decodedText(raw))?.[1];

/** The "This wasn't me" link of a notice mail (its decoded text). */
export const disputeLinkIn = (text: string): string | undefined => /This wasn't me: (\S+)/.exec(text)?.[1];

/** A test server that mails through a fresh SMTP sink; close() stops both. */
export async function startMailTestServer(
  dialect: Dialect,
  clock?: Clock,
  env: Record<string, string> = {},
): Promise<{ smtp: SmtpSink; server: TestServer; close(): Promise<void> }> {
  const smtp = await startSmtpSink();
  const server = await startTestServer(
    dialect,
    { GATEPASS_SMTP_URL: smtp.url, GATEPASS_MAIL_FROM: 'Gatepass <gatepass@contoso.test>', ...env },
    clock,
  );
  return {
    smtp,
    server,
    close: async () => {
      await server.close();
      await smtp.close();
    },
  };
}

/** Gives `userId` a notification email as an administrator would (verified at once). */
export async function giveNotificationEmail(deps: Deps, userId: string, emailAddress: string): Promise<void> {
  await createEmailMethodsRepo(deps.db).insertEmailMethod({
    id: newId(),
    userId,
    emailAddress,
    createdAt: deps.clock.now(),
  });
}
