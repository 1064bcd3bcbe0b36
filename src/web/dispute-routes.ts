// "This wasn't me": the link from the mail, and the same button on /my. The link's GET only shows a confirmation
// (mail scanners prefetch links, so a GET must change nothing); the POST, carrying the page's CSRF value (a keyed
// hash bound to the link's token), disputes. Neither ever signs anyone in or sets a session.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { secretsEqual } from '../domain/secrets.js';
import { disputePath } from '../domain/mail/dispute-link.js';
import type { Deps, RequestContext } from '../services/deps.js';
import { disputePassByLink, disputePassFromMy, findDisputableNotice } from '../services/pass-notices.js';
import { sendPage, type MySessions } from './app-session.js';
import { confirmDisputePage, disputedPage } from './views/dispute-pages.js';
import { layout } from './views/html.js';

type TokenParams = { Params: { token: string }; Body: { csrf?: unknown } };

function requestOf(request: FastifyRequest): Pick<RequestContext, 'correlationId' | 'ipAddress' | 'userAgent'> {
  const ua = request.headers['user-agent'];
  return { correlationId: request.id, ipAddress: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

const csrfOf = (deps: Pick<Deps, 'keyring'>, token: string) =>
  deps.keyring.keyedHash('id-hash', `dispute-csrf:${token}`).split('.')[1]!;

export function registerDisputeRoutes(app: FastifyInstance, deps: Deps, my: MySessions): void {
  app.get<TokenParams>('/my/this-wasnt-me/:token', async (request, reply) => {
    const { token } = request.params;
    const notice = await findDisputableNotice(deps, token);
    return sendPage(reply, 200, confirmDisputePage({ notice, action: disputePath(token), csrf: csrfOf(deps, token) }));
  });

  app.post<TokenParams>('/my/this-wasnt-me/:token', async (request, reply) => {
    const { token } = request.params;
    const presented = (request.body as { csrf?: unknown } | undefined)?.csrf;
    if (typeof presented !== 'string' || !secretsEqual(csrfOf(deps, token), presented))
      return sendPage(
        reply,
        403,
        layout(
          'Refused',
          '<p role="alert">This form was not sent from its own page. Open the link from the mail again.</p>',
        ),
      );
    return sendPage(reply, 200, disputedPage(await disputePassByLink(deps, requestOf(request), token)));
  });

  app.post<{ Params: { id: string }; Body: { csrf?: unknown } }>(
    '/my/notices/:id/this-wasnt-me',
    async (request, reply) => {
      const signed = await my.requireSignedIn(request, reply, '/my');
      if (!signed) return reply;
      if (!my.validCsrf(signed, (request.body as { csrf?: unknown } | undefined)?.csrf)) return my.refuseCsrf(reply);
      const outcome = await disputePassFromMy(deps, requestOf(request), signed.user.id, request.params.id);
      return sendPage(reply, 200, disputedPage(outcome));
    },
  );
}
