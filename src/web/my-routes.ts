// /my — the user's own pages, a built-in first-party client that signs in through Gatepass's own OIDC flow
// (code + PKCE) and keeps its own encrypted cookie session (src/web/my-session.ts), so step-up is an auth_time/amr check.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { secretsEqual } from '../domain/secrets.js';
import { MY_APP_CLIENT_ID } from '../services/applications.js';
import { listAuthenticationMethods } from '../services/authentication-methods.js';
import type { Deps } from '../services/deps.js';
import { createMySessions, sendPage, type MySession, type MySessions } from './my-session.js';
import { registerSecurityInfoRoutes } from './security-info-routes.js';
import { signInErrorPage } from './views/error-page.js';
import { layout } from './views/html.js';
import { myHomePage } from './views/my-pages.js';

export { isRecentMfa, methodRegistrationDeadline } from './my-session.js';

export function registerMyRoutes(app: FastifyInstance, deps: Deps): MySessions {
  const { issuer } = deps.config;
  const my = createMySessions(deps);

  app.get('/my', async (request, reply) => {
    const signed = await my.requireSignedIn(request, reply, '/my');
    if (!signed) return reply;
    const { session, user } = signed;
    const methods = await listAuthenticationMethods(deps, signed.ctx, user.id);
    return sendPage(reply, 200, myHomePage({ displayName: user.displayName, userPrincipalName: user.userPrincipalName, methods, amr: session.amr, authTime: new Date(session.authTime * 1000), csrf: session.csrf }));
  });

  registerSecurityInfoRoutes(app, deps, my);

  // "Sign in again": a fresh multi-factor sign-in (step-up) before methods may change.
  app.post<{ Body: { csrf?: string; returnTo?: string } }>('/my/reauthenticate', async (request, reply) => {
    const body = (request.body ?? {}) as { csrf?: string; returnTo?: string };
    const signed = await my.current(request);
    if (signed && !my.validCsrf(signed, body.csrf)) return my.refuseCsrf(reply);
    const returnTo = typeof body.returnTo === 'string' && /^\/my(\/[a-z0-9/-]*)?$/.test(body.returnTo) ? body.returnTo : '/my/security-info';
    return my.startSignIn(reply, returnTo, true);
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>('/my/callback', async (request, reply) => {
    const tx = my.openTransaction(request, reply);
    const q = request.query;
    const fail = (message: string) =>
      sendPage(reply, 400, signInErrorPage('Sign-in failed', message, { code: q.error ?? 'invalid_request', correlationId: request.id, at: deps.clock.now() }));
    if (q.error) return fail(q.error_description ?? q.error);
    if (!tx || tx.exp <= deps.clock.now().getTime() || typeof q.state !== 'string' || !secretsEqual(tx.state, q.state) || typeof q.code !== 'string')
      return fail('This sign-in response does not belong to this browser or has expired. Open /my again.');
    // The code is redeemed in-process at our own token endpoint: no network hop, so the issuer may be a public URL.
    const res = await app.inject({
      method: 'POST',
      url: '/oauth2/v2.0/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code: q.code, redirect_uri: my.redirectUri, client_id: MY_APP_CLIENT_ID, code_verifier: tx.verifier }).toString(),
    });
    if (res.statusCode !== 200) return fail('The sign-in could not be completed. Open /my again.');
    const idToken = (res.json() as { id_token?: string }).id_token ?? '';
    // Received directly from our own provider in-process, so its payload is trusted without a signature check.
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { sub?: string; nonce?: string; amr?: string[]; auth_time?: number };
    if (!claims.sub || claims.nonce !== tx.nonce || typeof claims.auth_time !== 'number') return fail('The sign-in response was not valid. Open /my again.');
    const session: MySession = { sub: claims.sub, amr: claims.amr ?? [], authTime: claims.auth_time, exp: 0, csrf: randomBytes(16).toString('base64url') };
    my.setSession(reply, session);
    // After a sign-in with a pass the user is here to set up their methods: Security info is where that happens.
    // A page that asked for the sign-in (a step-up) gets the user back.
    const asked = tx.returnTo?.startsWith('/my/') ? tx.returnTo : undefined;
    const next = asked ?? (session.amr.includes('tap') ? '/my/security-info' : '/my');
    return reply.header('cache-control', 'no-store').redirect(next, 303);
  });

  app.post<{ Body: { csrf?: string } }>('/my/signout', async (request, reply) => {
    const s = my.peekSession(request);
    const csrf = (request.body as { csrf?: string } | undefined)?.csrf;
    if (s && (typeof csrf !== 'string' || !secretsEqual(s.csrf, csrf))) return sendPage(reply, 403, layout('Request refused', '<p role="alert">The sign-out form was not sent from your /my page.</p>'));
    my.clearSession(reply);
    // End the provider session too (RP-initiated logout), then come back to /my/signed-out.
    const url = new URL(`${issuer}/oauth2/v2.0/logout`);
    url.search = new URLSearchParams({ client_id: MY_APP_CLIENT_ID, post_logout_redirect_uri: `${issuer}/my/signed-out` }).toString();
    return reply.header('cache-control', 'no-store').redirect(url.href, 303);
  });

  app.get<{ Querystring: { everywhere?: string } }>('/my/signed-out', async (request, reply) => {
    const where = request.query.everywhere === '1' ? ' of every browser and app' : '';
    return sendPage(reply, 200, layout('You have signed out', `<p role="status">You have signed out${where}. <a href="/my">Sign in again</a></p>`));
  });
  return my;
}
