// /my — the user's own pages, a built-in first-party client that signs in through Gatepass's own OIDC flow
// (code + PKCE) and keeps its own encrypted cookie session, so step-up is an auth_time/amr check.

import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secretsEqual } from '../domain/secrets.js';
import { MY_APP_CLIENT_ID } from '../services/applications.js';
import type { Deps } from '../services/deps.js';
import { deleteTemporaryAccessPass, listTemporaryAccessPasses, type TapView } from '../services/temporary-access-passes.js';
import { findUserByIdOrUpn } from '../services/user-lookup.js';
import type { UserRecord } from '../services/users.js';
import { registrationDeadline } from '../domain/tap/pass.js';
import { signInErrorPage } from './views/error-page.js';
import { layout } from './views/html.js';
import { myHomePage, securityInfoPage } from './views/my-pages.js';

interface MySession {
  sub: string;
  amr: string[];
  /** Epoch seconds of the sign-in (the ID token's auth_time). */
  authTime: number;
  /** Epoch ms: idle expiry, renewed on each visit but never past authTime + the absolute lifetime. */
  exp: number;
  csrf: string;
}

interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  exp: number;
  /** Where to go after signing in (a /my path). */
  returnTo?: string;
}

const b64url = (b: Buffer) => b.toString('base64url');

/** True when the user signed in with multi-factor within `withinSeconds` (the step-up rule for sensitive pages). */
export function isRecentMfa(s: Pick<MySession, 'amr' | 'authTime'>, nowMs: number, withinSeconds = 600): boolean {
  return s.amr.includes('mfa') && nowMs / 1000 - s.authTime <= withinSeconds;
}

/**
 * Until when this session may register new sign-in methods: after a one-time pass sign-in, Entra allows 10 minutes;
 * otherwise the session's own lifetime applies (undefined). The method registration pages (next issue) check it.
 */
export function methodRegistrationDeadline(s: Pick<MySession, 'amr' | 'authTime'>, pass: TapView | undefined): Date | undefined {
  const usedOneTime = s.amr.includes('tap') && pass?.pass.isUsableOnce === true;
  return usedOneTime ? registrationDeadline(new Date(s.authTime * 1000)) : undefined;
}

export function registerMyRoutes(app: FastifyInstance, deps: Deps): void {
  const { issuer } = deps.config;
  const https = issuer.startsWith('https:');
  const sessionCookie = https ? '__Host-gp-my' : 'gp-my';
  const txCookie = https ? '__Host-gp-my-tx' : 'gp-my-tx';
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: https };
  const redirectUri = `${issuer}/my/callback`;

  const seal = (purpose: string, v: unknown) => deps.keyring.encrypt('secret-encryption', JSON.stringify(v), purpose);
  function open<T>(purpose: string, sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    try {
      return JSON.parse(deps.keyring.decryptText('secret-encryption', sealed, purpose)) as T;
    } catch {
      return undefined;
    }
  }

  async function currentSession(request: FastifyRequest): Promise<{ session: MySession; user: UserRecord } | undefined> {
    const s = open<MySession>('my-session', request.cookies[sessionCookie]);
    if (!s || s.exp <= deps.clock.now().getTime()) return undefined;
    const user = await findUserByIdOrUpn(deps.db, s.sub);
    // Disabled, deleted or revoked since: the cookie is dead too.
    if (!user || !user.accountEnabled || s.authTime < Math.floor(user.sessionsValidFrom.getTime() / 1000)) return undefined;
    // A session that began with a pass ends when that pass is deleted or replaced by a newer one.
    if (s.amr.includes('tap')) {
      const [pass] = await listTemporaryAccessPasses(deps, selfContext(user, request), user.id);
      // auth_time has whole seconds: a pass issued earlier within the same second still counts as the one used.
      if (!pass || Math.floor(pass.pass.createdAt.getTime() / 1000) > s.authTime) return undefined;
    }
    return { session: s, user };
  }

  function selfContext(user: UserRecord, request: FastifyRequest) {
    const ip = request.ip ?? null;
    return { actor: { kind: 'user' as const, id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName, ipAddress: ip }, correlationId: request.id, ipAddress: ip };
  }

  function renew(reply: FastifyReply, session: MySession) {
    const now = deps.clock.now().getTime();
    const renewed: MySession = { ...session, exp: Math.min(now + deps.config.sessionIdleMinutes * 60_000, session.authTime * 1000 + deps.config.sessionMaxMinutes * 60_000) };
    reply.setCookie(sessionCookie, seal('my-session', renewed), { ...cookieBase, maxAge: Math.max(1, Math.floor((renewed.exp - now) / 1000)) });
  }

  function startSignIn(reply: FastifyReply, returnTo = '/my') {
    const tx: Transaction = { state: b64url(randomBytes(16)), nonce: b64url(randomBytes(16)), verifier: b64url(randomBytes(32)), exp: deps.clock.now().getTime() + 600_000, returnTo };
    const url = new URL(`${issuer}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: MY_APP_CLIENT_ID,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile',
      state: tx.state,
      nonce: tx.nonce,
      code_challenge: b64url(createHash('sha256').update(tx.verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    reply.setCookie(txCookie, seal('my-tx', tx), { ...cookieBase, maxAge: 600 });
    return reply.header('cache-control', 'no-store').redirect(url.href, 303);
  }

  app.get('/my', async (request, reply) => {
    const current = await currentSession(request);
    if (!current) return startSignIn(reply);
    const { session, user } = current;
    renew(reply, session);
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(myHomePage({ displayName: user.displayName, userPrincipalName: user.userPrincipalName, hasPassword: user.passwordHash !== null, amr: session.amr, authTime: new Date(session.authTime * 1000), csrf: session.csrf }));
  });

  app.get('/my/security-info', async (request, reply) => {
    const current = await currentSession(request);
    if (!current) return startSignIn(reply, '/my/security-info');
    const { session, user } = current;
    renew(reply, session);
    const passes: TapView[] = await listTemporaryAccessPasses(deps, selfContext(user, request), user.id);
    const pass = passes[0];
    // Entra: after a one-time pass sign-in, new methods must be registered within 10 minutes.
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        securityInfoPage({
          displayName: user.displayName,
          hasPassword: user.passwordHash !== null,
          passwordChangedAt: user.passwordChangedAt,
          pass,
          signedInWithPass: session.amr.includes('tap'),
          registerUntil: methodRegistrationDeadline(session, pass),
          now: deps.clock.now(),
          csrf: session.csrf,
        }),
      );
  });

  app.post<{ Body: { csrf?: string } }>('/my/security-info/temporary-access-pass/delete', async (request, reply) => {
    const current = await currentSession(request);
    if (!current) return startSignIn(reply, '/my/security-info');
    const csrf = (request.body as { csrf?: string } | undefined)?.csrf;
    if (typeof csrf !== 'string' || !secretsEqual(current.session.csrf, csrf))
      return reply.code(403).type('text/html; charset=utf-8').send(layout('Request refused', '<p role="alert">The form was not sent from your security info page.</p>'));
    // Entra lets users delete their own pass from Security info; it ends the sessions the pass started, this one too.
    await deleteTemporaryAccessPass(deps, selfContext(current.user, request), current.user.id, undefined, 'User');
    return reply.header('cache-control', 'no-store').redirect('/my/security-info', 303);
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>('/my/callback', async (request, reply) => {
    const tx = open<Transaction>('my-tx', request.cookies[txCookie]);
    reply.clearCookie(txCookie, cookieBase);
    const q = request.query;
    const fail = (message: string) =>
      reply.code(400).header('cache-control', 'no-store').type('text/html; charset=utf-8')
        .send(signInErrorPage('Sign-in failed', message, { code: q.error ?? 'invalid_request', correlationId: request.id, at: deps.clock.now() }));
    if (q.error) return fail(q.error_description ?? q.error);
    if (!tx || tx.exp <= deps.clock.now().getTime() || typeof q.state !== 'string' || !secretsEqual(tx.state, q.state) || typeof q.code !== 'string')
      return fail('This sign-in response does not belong to this browser or has expired. Open /my again.');
    // The code is redeemed in-process at our own token endpoint: no network hop, so the issuer may be a public URL.
    const res = await app.inject({
      method: 'POST',
      url: '/oauth2/v2.0/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code: q.code, redirect_uri: redirectUri, client_id: MY_APP_CLIENT_ID, code_verifier: tx.verifier }).toString(),
    });
    if (res.statusCode !== 200) return fail('The sign-in could not be completed. Open /my again.');
    const idToken = (res.json() as { id_token?: string }).id_token ?? '';
    // Received directly from our own provider in-process, so its payload is trusted without a signature check.
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { sub?: string; nonce?: string; amr?: string[]; auth_time?: number };
    if (!claims.sub || claims.nonce !== tx.nonce || typeof claims.auth_time !== 'number') return fail('The sign-in response was not valid. Open /my again.');
    const now = deps.clock.now().getTime();
    const session: MySession = {
      sub: claims.sub,
      amr: claims.amr ?? [],
      authTime: claims.auth_time,
      exp: Math.min(now + deps.config.sessionIdleMinutes * 60_000, claims.auth_time * 1000 + deps.config.sessionMaxMinutes * 60_000),
      csrf: b64url(randomBytes(16)),
    };
    reply.setCookie(sessionCookie, seal('my-session', session), { ...cookieBase, maxAge: Math.max(1, Math.floor((session.exp - now) / 1000)) });
    // After a sign-in with a pass the user is here to set up their methods: Security info is where that happens.
    const next = session.amr.includes('tap') ? '/my/security-info' : tx.returnTo?.startsWith('/my') ? tx.returnTo : '/my';
    return reply.header('cache-control', 'no-store').redirect(next, 303);
  });

  app.post<{ Body: { csrf?: string } }>('/my/signout', async (request, reply) => {
    const s = open<MySession>('my-session', request.cookies[sessionCookie]);
    const csrf = (request.body as { csrf?: string } | undefined)?.csrf;
    if (s && (typeof csrf !== 'string' || !secretsEqual(s.csrf, csrf))) return reply.code(403).type('text/html; charset=utf-8').send(layout('Request refused', '<p role="alert">The sign-out form was not sent from your /my page.</p>'));
    reply.clearCookie(sessionCookie, cookieBase);
    // End the provider session too (RP-initiated logout), then come back to /my/signed-out.
    const url = new URL(`${issuer}/oauth2/v2.0/logout`);
    url.search = new URLSearchParams({ client_id: MY_APP_CLIENT_ID, post_logout_redirect_uri: `${issuer}/my/signed-out` }).toString();
    return reply.header('cache-control', 'no-store').redirect(url.href, 303);
  });

  app.get('/my/signed-out', async (_request, reply) =>
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(layout('You have signed out', '<p>You have signed out. <a href="/my">Sign in again</a></p>')),
  );
}
