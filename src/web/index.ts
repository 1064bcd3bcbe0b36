// Server-rendered pages: sign-in interactions and the user's /my pages, in their own plugin with strict security
// headers and an HTML error handler (the Graph error envelope stays with the API).

import { readFileSync } from 'node:fs';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { isAppError } from '../domain/errors.js';
import type { OidcHandle } from '../oidc/index.js';
import type { Deps } from '../services/deps.js';
import { registerAuthenticatorAppRoutes } from './authenticator-app-routes.js';
import { registerEmailMethodRoutes } from './email-method-routes.js';
import { registerMyRoutes } from './my-routes.js';
import { registerPasskeyRoutes } from './passkey-routes.js';
import { registerSignInRoutes } from './sign-in-routes.js';
import { PAGE_CSP_DIRECTIVES } from './page-security.js';
import { sendBrowserError } from './browser-requests.js';
import { storeOutage } from '../services/store-outage.js';
import { STYLESHEET } from './views/html.js';
import { ADMIN_STYLESHEET, FAVICON_SVG } from './views/admin/layout.js';
import { registerAdminRoutes } from './admin/index.js';

const CONSOLE_SCRIPT = readFileSync(new URL('./assets/console.js', import.meta.url), 'utf8');

export async function registerWeb(app: FastifyInstance, deps: Deps, oidc: OidcHandle): Promise<void> {
  await app.register(async (web) => {
    await web.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: PAGE_CSP_DIRECTIVES,
      },
      strictTransportSecurity: deps.config.issuer.startsWith('https:')
        ? { maxAge: 15552000, includeSubDomains: false }
        : false,
    });

    web.setErrorHandler((error, request, reply) => {
      const appError = isAppError(error) ? error : storeOutage(error);
      if (!appError || appError.status >= 500) request.log.error({ err: error }, 'web page error');
      const statusCode = (error as { statusCode?: number }).statusCode;
      const status = appError?.status ?? (statusCode && statusCode >= 400 && statusCode < 500 ? statusCode : 500);
      const message =
        appError?.message ??
        (status < 500 ? 'The request is invalid.' : 'Something went wrong on our side. Try again in a moment.');
      return sendBrowserError(
        request,
        reply,
        { status, message, graphCode: appError?.graphCode, retryAfter: appError?.retryAfter },
        deps.clock.now(),
      );
    });

    web.get('/assets/gatepass.css', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(STYLESHEET),
    );
    web.get('/assets/admin.css', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(ADMIN_STYLESHEET),
    );
    web.get('/assets/console.js', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(CONSOLE_SCRIPT),
    );
    web.get('/assets/favicon.svg', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON_SVG),
    );
    registerSignInRoutes(web, deps, oidc);
    // Pages of Security info that add methods register themselves here with the same /my session.
    const my = registerMyRoutes(web, deps, oidc);
    registerAuthenticatorAppRoutes(web, deps, my, oidc);
    registerPasskeyRoutes(web, deps, my, oidc);
    registerEmailMethodRoutes(web, deps, my);
    registerAdminRoutes(web, deps, oidc);
  });
}
