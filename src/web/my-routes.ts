// /my — the user's own pages, a built-in first-party client that signs in through Gatepass's own OIDC flow
// (code + PKCE) and keeps its own server-side session (src/web/app-session.ts), so step-up is an auth_time/amr check.

import { FIRST_PARTY_APPS } from '../domain/first-party-apps.js';
import type { FastifyInstance } from 'fastify';
import { listAuthenticationMethods } from '../services/authentication-methods.js';
import type { Deps } from '../services/deps.js';
import type { OidcHandle } from '../oidc/index.js';
import { createAppSessions, sendPage, type MySessions } from './app-session.js';
import { registerAppSessionRoutes } from './app-session-routes.js';
import { listOpenNotices } from '../services/pass-notices.js';
import { registerDisputeRoutes } from './dispute-routes.js';
import { registerSecurityInfoRoutes } from './security-info-routes.js';
import { openNoticesSection } from './views/dispute-pages.js';
import { myHomePage } from './views/my-pages.js';

export { isRecentMfa } from './app-session.js';

export function registerMyRoutes(
  app: FastifyInstance,
  deps: Deps,
  oidc: Pick<OidcHandle, 'endBrowserSession'>,
): MySessions {
  const my = createAppSessions(deps, FIRST_PARTY_APPS.my);

  app.get('/my', async (request, reply) => {
    const signed = await my.requireSignedIn(request, reply, '/my');
    if (!signed) return reply;
    const { session, user } = signed;
    const [methods, notices] = await Promise.all([
      listAuthenticationMethods(deps, signed.ctx, user.id),
      listOpenNotices(deps, user.id),
    ]);
    return sendPage(
      reply,
      200,
      myHomePage({
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
        methods,
        amr: session.amr,
        authTime: new Date(session.authTime * 1000),
        csrf: session.csrf,
        notices: openNoticesSection(notices, session.csrf),
      }),
    );
  });

  registerSecurityInfoRoutes(app, deps, my);
  registerDisputeRoutes(app, deps, my);

  registerAppSessionRoutes(app, deps, my, oidc, {
    // After a sign-in with a pass the user is here to set up their methods: Security info is where that happens.
    // A page that asked for the sign-in (a step-up) gets the user back.
    landing: (amr, asked) =>
      asked !== undefined && asked !== '/my' ? asked : amr.includes('tap') ? '/my/security-info' : '/my',
    stepUpReturnTo: '/my/security-info',
  });
  return my;
}
