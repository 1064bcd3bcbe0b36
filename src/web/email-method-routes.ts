// /my/security-info/email — a user adds or changes their notification email, behind the method-change gate like every
// Security info change: the address, a code mailed to it, the code typed back.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../domain/errors.js';
import type { Deps } from '../services/deps.js';
import { createMailTransport } from '../services/mail/transport.js';
import {
  confirmOwnEmailCode,
  currentOwnEmail,
  pendingOwnEmail,
  sendOwnEmailCode,
} from '../services/own-email-method.js';
import { sendPage, type MySessions } from './app-session.js';
import {
  EMAIL_CODE_PATH,
  EMAIL_METHOD_PATH,
  emailAddressPage,
  emailCodePage,
  emailNeedsMailPage,
} from './views/email-method-pages.js';

const CODE_SEND_DEADLINE_MS = 20_000;

type Body = { csrf?: unknown; emailAddress?: unknown; code?: unknown };

const bodyOf = (raw: unknown): Body => (typeof raw === 'object' && raw !== null ? (raw as Body) : {});

interface Refusal {
  status: number;
  message: string;
  entry: string;
  retryAfter?: number;
}

/** A refusal to show on the form; anything else (a fault) goes on to the error handler. 502: SMTP did not take the code. */
function refusalOf(e: unknown): Refusal {
  if (!isAppError(e) || (e.status >= 500 && e.status !== 502)) throw e;
  return {
    status: e.status,
    message: e.message,
    entry: e.entry,
    ...(e.retryAfter === undefined ? {} : { retryAfter: e.retryAfter }),
  };
}

function withRetryAfter(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return refusal.retryAfter === undefined ? reply : reply.header('retry-after', String(refusal.retryAfter));
}

export function registerEmailMethodRoutes(app: FastifyInstance, deps: Deps, my: MySessions): void {
  // The same settings the outbox sends with (no connection is opened until a code is sent), but a person waits for
  // this send: it gets 20 seconds, then the page says to try again.
  const transport = createMailTransport(deps.config, undefined, CODE_SEND_DEADLINE_MS);

  app.get(EMAIL_METHOD_PATH, async (request, reply) => {
    const signed = await my.requireMethodChange(request, reply, EMAIL_METHOD_PATH);
    if (!signed) return reply;
    if (!transport) return sendPage(reply, 200, emailNeedsMailPage());
    const current = await currentOwnEmail(deps, signed.user.id);
    return sendPage(reply, 200, emailAddressPage({ csrf: signed.session.csrf, current }));
  });

  app.post<{ Body: Body }>(EMAIL_METHOD_PATH, async (request, reply) => {
    const body = bodyOf(request.body);
    const signed = await my.requireMethodChange(request, reply, EMAIL_METHOD_PATH, body.csrf ?? null);
    if (!signed) return reply;
    try {
      const sent = await sendOwnEmailCode(deps, signed.ctx, signed.user, body.emailAddress, transport);
      return sendPage(
        reply,
        200,
        emailCodePage({ csrf: signed.session.csrf, emailAddress: sent.emailAddress, sentJustNow: true }),
      );
    } catch (e) {
      const refusal = refusalOf(e);
      if (refusal.entry === 'mailNotConfigured') return sendPage(reply, refusal.status, emailNeedsMailPage());
      const typed = typeof body.emailAddress === 'string' ? body.emailAddress.slice(0, 254) : undefined;
      return sendPage(
        withRetryAfter(reply, refusal),
        refusal.status,
        emailAddressPage({ csrf: signed.session.csrf, typed, error: refusal.message }),
      );
    }
  });

  app.post<{ Body: Body }>(EMAIL_CODE_PATH, async (request, reply) => {
    const body = bodyOf(request.body);
    const signed = await my.requireMethodChange(request, reply, EMAIL_METHOD_PATH, body.csrf ?? null);
    if (!signed) return reply;
    try {
      await confirmOwnEmailCode(deps, signed.ctx, signed.user, body.code);
    } catch (e) {
      const refusal = refusalOf(e);
      const pending = await pendingOwnEmail(deps, signed.user.id);
      // No live code left (expired, used, or never asked for): back to the address, with the reason.
      const page = pending
        ? emailCodePage({ csrf: signed.session.csrf, emailAddress: pending, error: refusal.message })
        : emailAddressPage({ csrf: signed.session.csrf, error: refusal.message });
      return sendPage(withRetryAfter(reply, refusal), refusal.status, page);
    }
    return reply.header('cache-control', 'no-store').redirect('/my/security-info?done=email-added', 303);
  });
}
