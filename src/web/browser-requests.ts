// What a browser gets where an API client gets Graph's JSON: `/` sends it to the user's own pages, an unknown page is
// an HTML 404, and any other refusal (a framework error, a store outage) is the HTML error page, each with the pages'
// security headers. A request counts as a browser's when it asks for HTML or is under the pages' paths, and is not
// under Graph's version prefixes, so scripts and SDKs keep Graph's error envelope everywhere.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { setPageSecurityHeaders } from './page-security.js';
import { signInErrorPage } from './views/error-page.js';
import { esc, layout } from './views/html.js';

const GRAPH_PATH = /^\/(v1\.0|beta)(\/|$)/i;
/** The server-rendered pages' own paths (src/web): sign-in, the user's pages, the admin center. */
const PAGE_PATH = /^\/(signin|my|admin)(\/|\?|$)/i;

export function isBrowserPageRequest(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    accept.includes('text/html') &&
    !GRAPH_PATH.test(request.url)
  );
}

/** True when a refusal of this request should be the HTML error page rather than Graph's envelope. */
export function wantsHtmlError(request: FastifyRequest): boolean {
  if (GRAPH_PATH.test(request.url)) return false;
  return PAGE_PATH.test(request.url) || (request.headers.accept ?? '').includes('text/html');
}

/** What the error page needs of a refusal; an AppError has it all. */
export interface PageRefusal {
  status: number;
  message: string;
  graphCode?: string;
  retryAfter?: number | undefined;
}

/** The HTML error page with the refusal's status, its message and the troubleshooting details (request id, time). */
export function sendBrowserError(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: PageRefusal,
  now: Date,
): FastifyReply {
  setPageSecurityHeaders(reply.raw);
  if (refusal.retryAfter !== undefined) reply.header('retry-after', String(refusal.retryAfter));
  return reply
    .code(refusal.status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      signInErrorPage(refusal.status === 503 ? 'Busy' : 'Something went wrong', refusal.message, {
        code: refusal.graphCode ?? 'server_error',
        correlationId: request.id,
        at: now,
      }),
    );
}

export function sendBrowserNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  setPageSecurityHeaders(reply.raw);
  const path = request.url.split('?')[0] ?? '';
  return reply
    .code(404)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      layout(
        'Page not found',
        `<p role="alert">There is no page at <code>${esc(path.slice(0, 200))}</code>.</p>
<p><a href="/my">Go to My account</a> or <a href="/admin">open the admin center</a>.</p>`,
      ),
    );
}
