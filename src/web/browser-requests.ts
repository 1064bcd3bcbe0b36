// What a browser gets where an API client gets Graph's JSON: `/` sends it to the user's own pages, and an unknown page
// is an HTML 404 with the pages' security headers. A request counts as a browser's when it asks for HTML and is not
// under Graph's version prefixes, so scripts and SDKs keep Graph's error envelope everywhere.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { setPageSecurityHeaders } from './page-security.js';
import { esc, layout } from './views/html.js';

const GRAPH_PATH = /^\/(v1\.0|beta)(\/|$)/i;

export function isBrowserPageRequest(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    accept.includes('text/html') &&
    !GRAPH_PATH.test(request.url)
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
