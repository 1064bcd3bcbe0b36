// The sign-in round trip of one of Gatepass's own browser apps (/my, /admin): the callback that redeems the code and
// starts the app's session, step-up ("sign in again"), sign-out and the signed-out page. Each app says only where a
// fresh sign-in lands.

import type { FastifyInstance } from 'fastify';
import { safeReturnTo } from '../domain/first-party-apps.js';
import { secretsEqual } from '../domain/secrets.js';
import type { Deps } from '../services/deps.js';
import type { OidcHandle } from '../oidc/index.js';
import { sendPage, type AppSessions } from './app-session.js';
import { callbackErrorText } from './my-callback-errors.js';
import { signInErrorPage } from './views/error-page.js';
import { layout } from './views/html.js';

/** Where a completed sign-in goes: `asked` is the app page that asked for it (already checked to be the app's own). */
export type Landing = (amr: string[], asked: string | undefined) => string;

export function registerAppSessionRoutes(
  web: FastifyInstance,
  deps: Deps,
  sessions: AppSessions,
  oidc: Pick<OidcHandle, 'endBrowserSession'>,
  pages: {
    landing: Landing;
    /** Where "sign in again" returns when the form names no page of the app. */
    stepUpReturnTo: string;
  },
): void {
  const { landing } = pages;
  const { app } = sessions;
  const base = app.basePath;

  // "Sign in again": a fresh multi-factor sign-in (step-up) before a sensitive change.
  web.post<{ Body: { csrf?: string; returnTo?: string } }>(`${base}/reauthenticate`, async (request, reply) => {
    const body = (request.body ?? {}) as { csrf?: string; returnTo?: string };
    const signed = await sessions.current(request);
    if (signed && !sessions.validCsrf(signed, body.csrf)) return sessions.refuseCsrf(reply);
    return sessions.startSignIn(reply, safeReturnTo(app, body.returnTo) ?? pages.stepUpReturnTo, true);
  });

  web.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>(
    `${base}/callback`,
    async (request, reply) => {
      const tx = sessions.openTransaction(request, reply);
      const q = request.query;
      // Each refusal is logged with its reason (never the code, state or tokens) under the request id the page shows.
      const fail = (message: string, code = 'invalid_request', reason = code) => {
        request.log.warn({ reason }, `${base} sign-in response refused`);
        return sendPage(
          reply,
          400,
          signInErrorPage('Sign-in failed', message, { code, correlationId: request.id, at: deps.clock.now() }),
        );
      };
      if (typeof q.error === 'string') {
        // Never q.error_description: a link to the callback can carry any text (see my-callback-errors.ts).
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
          `This sign-in response does not belong to this browser or has expired. Open ${base} again.`,
          'invalid_request',
          'unknown or expired transaction, or wrong state',
        );
      // The code is redeemed in-process at our own token endpoint: no network hop, so the issuer may be a public URL.
      const res = await web.inject({
        method: 'POST',
        url: '/oauth2/v2.0/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'authorization_code',
          code: q.code,
          redirect_uri: sessions.redirectUri,
          client_id: app.clientId,
          code_verifier: tx.verifier,
        }).toString(),
      });
      if (res.statusCode !== 200)
        return fail(
          `The sign-in could not be completed. Open ${base} again.`,
          'invalid_grant',
          'code redemption failed',
        );
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
          `The sign-in response was not valid. Open ${base} again.`,
          'invalid_request',
          'wrong nonce or incomplete ID token',
        );
      const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
      await sessions.beginSession(request, reply, {
        userId: claims.sub,
        amr,
        authTime: claims.auth_time,
        // The pass the sign-in used, when the token names it; otherwise the session service finds it.
        ...(typeof claims.gp_tap === 'string' ? { passId: claims.gp_tap } : {}),
      });
      return reply.header('cache-control', 'no-store').redirect(landing(amr, safeReturnTo(app, tx.returnTo)), 303);
    },
  );

  // Sign out: this app's session and the provider's browser session end here, in one same-origin POST, so no
  // confirmation page follows and the next sign-in anywhere in this browser asks for credentials again.
  web.post<{ Body: { csrf?: string } }>(`${base}/signout`, async (request, reply) => {
    const csrf = (request.body as { csrf?: string } | undefined)?.csrf;
    if (!(await sessions.endSession(request, reply, csrf))) {
      request.log.warn({ reason: 'csrf' }, `${base} sign-out refused: no session cookie or a wrong form token`);
      return sendPage(
        reply,
        403,
        layout(
          'Request refused',
          `<p role="alert">The sign-out form was not sent from ${app.formOrigin}. Open ${base} and sign out from there.</p>`,
        ),
      );
    }
    await oidc.endBrowserSession(request.raw, reply.raw);
    return reply.header('cache-control', 'no-store').redirect(`${base}/signed-out`, 303);
  });

  web.get<{ Querystring: { everywhere?: string } }>(`${base}/signed-out`, async (request, reply) => {
    const where = request.query.everywhere === '1' ? ' of every browser and app' : '';
    return sendPage(
      reply,
      200,
      layout(
        'You have signed out',
        `<p role="status">You have signed out${where}. <a href="${base}">Sign in again</a></p>`,
      ),
    );
  });
}
