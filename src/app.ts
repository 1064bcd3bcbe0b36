// buildApp(deps) → a Fastify instance with every route; it never listens (tests use inject() or listen themselves).

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TrustProxy } from './config/schema.js';
import { AppError } from './domain/errors.js';
import { createAllowedMethods } from './http/allowed-methods.js';
import { sendGraphError, toAppError } from './http/graph-errors.js';
import { registerHealth } from './http/health.js';
import { refuseForbiddenCharacters } from './http/plugins/forbidden-characters.js';
import { registerGraph } from './http/graph/index.js';
import { typeboxValidatorCompiler } from './http/graph/common.js';
import { registerOidc } from './oidc/index.js';
import { registerWeb } from './web/index.js';
import { isBrowserPageRequest, sendBrowserError, sendBrowserNotFound, wantsHtmlError } from './web/browser-requests.js';
import { setBaselineSecurityHeaders, setPageSecurityHeaders } from './web/page-security.js';
import { errorPage, loggedOutPage, logoutConfirmPage } from './web/views/oidc-pages.js';
import { lazyChildLogger } from './log.js';
import type { Deps } from './services/deps.js';

export interface BuildOptions {
  https?: { cert: Buffer; key: Buffer };
}

/**
 * A hop count becomes a function: Fastify 5's numeric trustProxy does not take the client address from
 * X-Forwarded-For (seen with a single proxy), while "trust the first n hops" does exactly what the setting says.
 */
function trustProxyOption(t: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (t === false) return false;
  if ('hops' in t) {
    const { hops } = t;
    return (_address: string, hop: number) => hop < hops;
  }
  return t.cidrs;
}

export async function buildApp(deps: Deps, options: BuildOptions = {}): Promise<FastifyInstance> {
  /**
   * A refusal raised outside every route (a bad URL, no route for the path or the method): the HTML error page for
   * a browser on the pages, Graph's envelope for everyone else. Framework errors skip the onRequest hooks, so the
   * request id header is set here too.
   */
  const https = deps.config.issuer.startsWith('https:');
  const refuseOutsideRoutes = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    // A bad URL is refused before any hook runs: the headers every answer carries are set here too.
    setBaselineSecurityHeaders(reply.raw, https);
    reply.header('request-id', request.id);
    const refusal = toAppError(error);
    if (refusal && wantsHtmlError(request)) return sendBrowserError(request, reply, refusal, deps.clock.now());
    return sendGraphError(reply, request, error, deps.clock.now());
  };
  // Cast: Fastify's types key the instance type on the https option; every route here is plain HTTP/1.1 either way.
  const app = Fastify({
    loggerInstance: deps.log,
    // Fastify makes a child logger per request; made lazily, it costs nothing until something is logged.
    childLoggerFactory: (logger, bindings, options) =>
      lazyChildLogger(logger as Logger, bindings, options) as FastifyBaseLogger,
    trustProxy: trustProxyOption(deps.config.trustProxy) as boolean,
    genReqId: () => randomUUID(),
    bodyLimit: 256 * 1024,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    frameworkErrors: (error, request, reply) => refuseOutsideRoutes(request, reply, error),
    // Fastify would load Ajv and fast-json-stringify for its default compilers; no route uses them (Graph's routes
    // validate with TypeBox, and no route declares a response schema), so they are never loaded (idle memory).
    schemaController: {
      compilersFactory: {
        // Casts: Fastify types these factories after Ajv's compiler; both take the route's schema and return a check.
        buildValidator: (() => typeboxValidatorCompiler) as never,
        buildSerializer: (() => () => (data: unknown) => JSON.stringify(data)) as never,
      },
    },
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  app.addHook('onRequest', async (request, reply) => {
    setBaselineSecurityHeaders(reply.raw, https);
    reply.header('request-id', request.id);
    const clientRequestId = request.headers['client-request-id'];
    reply.header('client-request-id', typeof clientRequestId === 'string' ? clientRequestId : request.id);
  });

  // Only a flood guard: real throttling of failed sign-ins is counted in the store (see services/throttle).
  await app.register(rateLimit, { global: true, max: deps.config.requestsPerMinute, timeWindow: 60_000 });
  await app.register(formbody);
  await app.register(cookie);
  // Before any route (Graph or page) reads a string: control characters never reach a handler or the store.
  app.addHook('preValidation', refuseForbiddenCharacters);

  app.setErrorHandler((error, request, reply) => sendGraphError(reply, request, error, deps.clock.now()));
  // Every route is recorded as it is registered, so that a known path asked with another method is Graph's 405.
  const allowedMethods = createAllowedMethods();
  app.addHook('onRoute', (route) => allowedMethods.add(route));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allow = allowedMethods.of(path);
    if (allow.length > 0) {
      reply.header('allow', allow.join(', '));
      return refuseOutsideRoutes(request, reply, new AppError('methodNotAllowed'));
    }
    if (isBrowserPageRequest(request)) return sendBrowserNotFound(request, reply);
    return refuseOutsideRoutes(request, reply, new AppError('segmentNotFound', { params: { path } }));
  });
  // A browser opening the service's address lands on the user's own pages; an API client keeps Graph's 404.
  app.get('/', async (request, reply) => {
    if (isBrowserPageRequest(request)) return reply.header('cache-control', 'no-store').redirect('/my', 303);
    throw new AppError('segmentNotFound', { params: { path: '/' } });
  });

  registerHealth(app, deps);
  const oidc = await registerOidc(app, deps, {
    error: errorPage,
    logoutConfirm: logoutConfirmPage,
    loggedOut: loggedOutPage,
    setSecurityHeaders: setPageSecurityHeaders,
  });
  await registerGraph(app, deps);
  await registerWeb(app, deps, oidc);
  return app;
}
