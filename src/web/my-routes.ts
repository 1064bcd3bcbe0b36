// /my — the user's own pages, a built-in first-party client that signs in through Gatepass's own OIDC flow
// (code + PKCE) and keeps its own server-side session (src/web/my-session.ts), so step-up is an auth_time/amr check.

import type { FastifyInstance } from 'fastify';
import { secretsEqual } from '../domain/secrets.js';
import { MY_APP_CLIENT_ID } from '../services/applications.js';
import { listAuthenticationMethods } from '../services/authentication-methods.js';
import type { Deps } from '../services/deps.js';
import type { OidcHandle } from '../oidc/index.js';
import { callbackErrorText } from './my-callback-errors.js';
import { safeMyReturnTo } from './my-return-to.js';
import { createMySessions, sendPage, type MySessions } from './my-session.js';
import { registerSecurityInfoRoutes } from './security-info-routes.js';
import { signInErrorPage } from './views/error-page.js';
import { layout } from './views/html.js';
import { myHomePage } from './views/my-pages.js';

export { isRecentMfa } from './my-session.js';

export function registerMyRoutes(
  app: FastifyInstance,
  deps: Deps,
  oidc: Pick<OidcHandle, 'endBrowserSession'>,
): MySessions {
  const my = createMySessions(deps);

  app.get('/my', async (request, reply) => {
    const signed = await my.requireSignedIn(request, reply, '/my');
    if (!signed) return reply;
    const { session, user } = signed;
    const methods = await listAuthenticationMethods(deps, signed.ctx, user.id);
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
      }),
    );
  });

  registerSecurityInfoRoutes(app, deps, my);

  // "Sign in again": a fresh multi-factor sign-in (step-up) before methods may change.
  app.post<{ Body: { csrf?: string; returnTo?: string } }>('/my/reauthenticate', async (request, reply) => {
    const body = (request.body ?? {}) as { csrf?: string; returnTo?: string };
    const signed = await my.current(request);
    if (signed && !my.validCsrf(signed, body.csrf)) return my.refuseCsrf(reply);
    const returnTo = safeMyReturnTo(body.returnTo) ?? '/my/security-info';
    return my.startSignIn(reply, returnTo, true);
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>(
    '/my/callback',
    async (request, reply) => {
      const tx = my.openTransaction(request, reply);
      const q = request.query;
      // Each refusal is logged with its reason (never the code, state or tokens) under the request id the page shows.
      const fail = (message: string, code = 'invalid_request', reason = code) => {
        request.log.warn({ reason }, '/my sign-in response refused');
        return sendPage(
          reply,
          400,
          signInErrorPage('Sign-in failed', message, { code, correlationId: request.id, at: deps.clock.now() }),
        );
      };
      if (typeof q.error === 'string') {
        // Never q.error_description: a link to /my/callback can carry any text (see my-callback-errors.ts).
        const text = callbackErrorText(q.error);
        return fail(text.message, text.code, 'authorization error');
      }
      if (
        !tx ||
        tx.exp <= deps.clock.now().getTime() ||
        typeof q.state !== 'string' ||
        !secretsEqual(tx.state, q.state) ||
        typeof q.code !== 'string'
      )
        return fail(
          'This sign-in response does not belong to this browser or has expired. Open /my again.',
          'invalid_request',
          'unknown or expired transaction, or wrong state',
        );
      // The code is redeemed in-process at our own token endpoint: no network hop, so the issuer may be a public URL.
      const res = await app.inject({
        method: 'POST',
        url: '/oauth2/v2.0/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'authorization_code',
          code: q.code,
          redirect_uri: my.redirectUri,
          client_id: MY_APP_CLIENT_ID,
          code_verifier: tx.verifier,
        }).toString(),
      });
      if (res.statusCode !== 200)
        return fail('The sign-in could not be completed. Open /my again.', 'invalid_grant', 'code redemption failed');
      const idToken = (res.json() as { id_token?: string }).id_token ?? '';
      // Received directly from our own provider in-process, so its payload is trusted without a signature check.
      const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as {
        sub?: string;
        nonce?: string;
        amr?: string[];
        auth_time?: number;
        gp_tap?: unknown;
      };
      if (
        !claims.sub ||
        typeof claims.nonce !== 'string' ||
        !secretsEqual(claims.nonce, tx.nonce) ||
        typeof claims.auth_time !== 'number'
      )
        return fail(
          'The sign-in response was not valid. Open /my again.',
          'invalid_request',
          'wrong nonce or incomplete ID token',
        );
      const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
      await my.beginSession(request, reply, {
        userId: claims.sub,
        amr,
        authTime: claims.auth_time,
        // The pass the sign-in used, when the token names it; otherwise the session service finds it.
        ...(typeof claims.gp_tap === 'string' ? { passId: claims.gp_tap } : {}),
      });
      // After a sign-in with a pass the user is here to set up their methods: Security info is where that happens.
      // A page that asked for the sign-in (a step-up) gets the user back.
      const asked = safeMyReturnTo(tx.returnTo);
      const next = asked !== undefined && asked !== '/my' ? asked : amr.includes('tap') ? '/my/security-info' : '/my';
      return reply.header('cache-control', 'no-store').redirect(next, 303);
    },
  );

  // Sign out: this /my session and the provider's browser session end here, in one same-origin POST, so no
  // confirmation page follows and the next sign-in anywhere in this browser asks for credentials again.
  app.post<{ Body: { csrf?: string } }>('/my/signout', async (request, reply) => {
    const csrf = (request.body as { csrf?: string } | undefined)?.csrf;
    if (!(await my.endSession(request, reply, csrf))) {
      request.log.warn({ reason: 'csrf' }, '/my sign-out refused: no session cookie or a wrong form token');
      return sendPage(
        reply,
        403,
        layout(
          'Request refused',
          '<p role="alert">The sign-out form was not sent from your /my page. Open /my and sign out from there.</p>',
        ),
      );
    }
    await oidc.endBrowserSession(request.raw, reply.raw);
    return reply.header('cache-control', 'no-store').redirect('/my/signed-out', 303);
  });

  app.get<{ Querystring: { everywhere?: string } }>('/my/signed-out', async (request, reply) => {
    const where = request.query.everywhere === '1' ? ' of every browser and app' : '';
    return sendPage(
      reply,
      200,
      layout(
        'You have signed out',
        `<p role="status">You have signed out${where}. <a href="/my">Sign in again</a></p>`,
      ),
    );
  });
  return my;
}
