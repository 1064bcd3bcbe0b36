// The session of one of Gatepass's own browser apps (/my, /admin: domain/first-party-apps.ts): a first-party OIDC
// client's session, kept in the store (the cookie carries only a random id), how a page gets the signed-in user, and
// how a page that adds or deletes sign-in methods answers the method-change gate (services/method-change-gate.ts: a
// multi-factor sign-in within the last few minutes).

import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { userActor } from '../domain/audit.js';
import { ACR_MFA } from '../domain/signin/factors.js';
import { passSignInHolds } from '../domain/tap/pass-sessions.js';
import type { FirstPartyApp } from '../domain/first-party-apps.js';
import type { Deps, RequestContext } from '../services/deps.js';
import { methodChangeGate } from '../services/method-change-gate.js';
import {
  csrfTokenOf,
  endMySession,
  isCsrfTokenOf,
  resumeMySession,
  startMySession,
  type MySessionStart,
} from '../services/my-sessions.js';
import { listTemporaryAccessPasses, type TapView } from '../services/temporary-access-passes.js';
import { findUserByIdOrUpn } from '../services/user-lookup.js';
import type { UserRecord } from '../services/users.js';
import { layout } from './views/html.js';
import { reauthenticatePage } from './views/my-pages.js';

export interface MySession {
  /** The user's id. */
  sub: string;
  amr: string[];
  /** Epoch seconds of the sign-in (the ID token's auth_time). */
  authTime: number;
  /** The pass the sign-in used, if any: the session ends with it. */
  passId?: string;
  /** The form token of this session (derived from its id, see services/my-sessions.ts). */
  csrf: string;
  /** The key of the session's row: a registration that retires the pass keeps this session (pass-retirement.ts). */
  idHash: string;
}

export interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  exp: number;
  /** Where to go after signing in (a path of the app). */
  returnTo?: string;
}

export interface SignedIn {
  session: MySession;
  user: UserRecord;
  /** The user's pass, if they hold one (a session that began with a pass ends with it). */
  pass: TapView | undefined;
  /** The user acting on their own account, for audit entries. */
  ctx: RequestContext;
  /** Whether a form's token is this session's (under any key still held: a page rendered before a key rotation). */
  isOwnCsrf(presented: unknown): boolean;
}

const b64url = (b: Buffer) => b.toString('base64url');

/** True when the user signed in with multi-factor within `withinSeconds` (the step-up rule for sensitive pages). */
export function isRecentMfa(s: Pick<MySession, 'amr' | 'authTime'>, nowMs: number, withinSeconds = 600): boolean {
  return s.amr.includes('mfa') && nowMs / 1000 - s.authTime <= withinSeconds;
}

export interface AppSessions {
  readonly app: FirstPartyApp;
  readonly redirectUri: string;
  /** The signed-in user, or undefined (no cookie, expired, revoked, disabled, or the pass that began it is gone). */
  current(request: FastifyRequest): Promise<SignedIn | undefined>;
  /** Like current(), but answers a redirect to sign in (and returns undefined) when nobody is signed in. */
  requireSignedIn(request: FastifyRequest, reply: FastifyReply, returnTo: string): Promise<SignedIn | undefined>;
  /**
   * For pages and forms that add or delete methods: signed in, the form's CSRF token when `csrf` is given, and the
   * method-change gate. Otherwise it answers (sign-in redirect, 403, or the "sign in again" page) and returns undefined.
   */
  requireMethodChange(
    request: FastifyRequest,
    reply: FastifyReply,
    returnTo: string,
    csrf?: unknown,
  ): Promise<SignedIn | undefined>;
  validCsrf(signed: SignedIn, presented: unknown): boolean;
  /** Answers 403 for a form not sent from our page. */
  refuseCsrf(reply: FastifyReply): FastifyReply;
  /** Redirects to the authorize endpoint; `stepUp` asks for a fresh multi-factor sign-in (prompt=login, acr mfa). */
  startSignIn(reply: FastifyReply, returnTo?: string, stepUp?: boolean): FastifyReply;
  /** After the callback: stores a new session (ending the one this browser had, if any) and sets its cookie. */
  beginSession(request: FastifyRequest, reply: FastifyReply, start: MySessionStart): Promise<void>;
  /**
   * Sign-out: when the cookie's session id and the form token `csrf` belong together (the row may already be gone),
   * deletes the session and clears the cookie, and answers true; otherwise false and nothing changes.
   */
  endSession(request: FastifyRequest, reply: FastifyReply, csrf: unknown): Promise<boolean>;
  clearSession(reply: FastifyReply): void;
  openTransaction(request: FastifyRequest, reply: FastifyReply): Transaction | undefined;
}

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

export function createAppSessions(deps: Deps, app: FirstPartyApp): AppSessions {
  const { issuer } = deps.config;
  const https = issuer.startsWith('https:');
  const sessionCookie = https ? `__Host-gp-${app.key}` : `gp-${app.key}`;
  const txCookie = https ? `__Host-gp-${app.key}-tx` : `gp-${app.key}-tx`;
  const txPurpose = `${app.key}-tx`;
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: https };
  const redirectUri = `${issuer}${app.basePath}/callback`;

  const seal = (purpose: string, v: unknown) => deps.keyring.encrypt('secret-encryption', JSON.stringify(v), purpose);
  function open<T>(purpose: string, sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    try {
      return JSON.parse(deps.keyring.decryptText('secret-encryption', sealed, purpose)) as T;
    } catch {
      return undefined;
    }
  }

  const contextOf = (user: UserRecord, request: FastifyRequest): RequestContext => {
    const ip = request.ip ?? null;
    const ua = request.headers['user-agent'];
    return {
      actor: userActor(user, ip),
      correlationId: request.id,
      ipAddress: ip,
      userAgent: typeof ua === 'string' ? ua : null,
    };
  };

  /** The cookie's lifetime follows the row's idle expiry, so an idle browser drops it when the store would refuse it. */
  function setCookie(reply: FastifyReply, token: string, idleExpiresAt: Date): void {
    const seconds = Math.max(1, Math.floor((idleExpiresAt.getTime() - deps.clock.now().getTime()) / 1000));
    reply.setCookie(sessionCookie, token, { ...cookieBase, maxAge: seconds });
  }

  const tokenOf = (request: FastifyRequest): string | undefined => {
    const token = request.cookies[sessionCookie];
    // 256 random bits in base64url: anything else is not one of ours (and is never looked up).
    return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
  };

  /** The signed-in user with the session renewed (row and cookie), or undefined; a session found dead is deleted. */
  async function resume(request: FastifyRequest, reply: FastifyReply | undefined): Promise<SignedIn | undefined> {
    const token = tokenOf(request);
    if (!token) return undefined;
    const row = await resumeMySession(deps, token, app.key);
    if (!row) return undefined;
    const session: MySession = {
      sub: row.userId,
      amr: row.amr,
      authTime: row.authTime,
      ...(row.passId ? { passId: row.passId } : {}),
      csrf: csrfTokenOf(deps, token, app.key),
      idHash: row.idHash,
    };
    const user = await findUserByIdOrUpn(deps.db, row.userId);
    const ctx = user && contextOf(user, request);
    const [pass] = user && ctx ? await listTemporaryAccessPasses(deps, ctx, user.id) : [];
    // Disabled, deleted or revoked since (sessions_valid_from moved), or the pass that began it deleted, replaced
    // or over: the session is over, for every copy of the cookie.
    const holds =
      user?.accountEnabled &&
      row.authTime >= Math.floor(user.sessionsValidFrom.getTime() / 1000) &&
      passSignInHolds(session, pass?.pass, deps.clock.now());
    if (!holds || !user || !ctx) {
      await endMySession(deps, token, app.key);
      return undefined;
    }
    if (reply) setCookie(reply, token, row.idleExpiresAt);
    return { session, user, pass, ctx, isOwnCsrf: (presented) => isCsrfTokenOf(deps, token, presented, app.key) };
  }

  const current = (request: FastifyRequest) => resume(request, undefined);

  function startSignIn(reply: FastifyReply, returnTo: string = app.basePath, stepUp = false): FastifyReply {
    const tx: Transaction = {
      state: b64url(randomBytes(16)),
      nonce: b64url(randomBytes(16)),
      verifier: b64url(randomBytes(32)),
      exp: deps.clock.now().getTime() + 600_000,
      returnTo,
    };
    const url = new URL(`${issuer}/oauth2/v2.0/authorize`);
    const params: Record<string, string> = {
      client_id: app.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile',
      state: tx.state,
      nonce: tx.nonce,
      code_challenge: b64url(createHash('sha256').update(tx.verifier).digest()),
      code_challenge_method: 'S256',
    };
    // Step-up: a new sign-in (not the provider session) that must be multi-factor whatever the tenant's policies.
    if (stepUp) Object.assign(params, { prompt: 'login', acr_values: ACR_MFA });
    url.search = new URLSearchParams(params).toString();
    reply.setCookie(txCookie, seal(txPurpose, tx), { ...cookieBase, maxAge: 600 });
    return reply.header('cache-control', 'no-store').redirect(url.href, 303);
  }

  const validCsrf = (signed: SignedIn, presented: unknown) => signed.isOwnCsrf(presented);
  const refuseCsrf = (reply: FastifyReply) => {
    reply.request.log.warn({ reason: 'csrf' }, `${app.basePath} form refused: missing or wrong form token`);
    return sendPage(
      reply,
      403,
      layout(
        'Request refused',
        `<p role="alert">The form was not sent from ${app.formOrigin}. Go back and try again.</p>`,
      ),
    );
  };

  return {
    app,
    redirectUri,
    current,
    async requireSignedIn(request, reply, returnTo) {
      const signed = await resume(request, reply);
      if (!signed) {
        startSignIn(reply, returnTo);
        return undefined;
      }
      return signed;
    },
    async requireMethodChange(request, reply, returnTo, csrf) {
      const signed = await current(request);
      if (!signed) {
        startSignIn(reply, returnTo);
        return undefined;
      }
      if (csrf !== undefined && !validCsrf(signed, csrf)) {
        refuseCsrf(reply);
        return undefined;
      }
      const gate = methodChangeGate(
        signed.session,
        signed.pass,
        deps.clock.now().getTime(),
        deps.config.methodChangeWindowMinutes,
      );
      if (!gate.allowed) {
        sendPage(
          reply,
          403,
          reauthenticatePage({
            reason: gate.reason,
            returnTo,
            csrf: signed.session.csrf,
            windowMinutes: deps.config.methodChangeWindowMinutes,
          }),
        );
        return undefined;
      }
      return signed;
    },
    validCsrf,
    refuseCsrf,
    startSignIn,
    async beginSession(request, reply, start) {
      const previous = tokenOf(request);
      // A new sign-in in this browser (e.g. a step-up) replaces its session: the old id is never valid again.
      if (previous) await endMySession(deps, previous, app.key);
      const { token, row } = await startMySession(deps, start, app.key);
      setCookie(reply, token, row.idleExpiresAt);
    },
    async endSession(request, reply, csrf) {
      const token = tokenOf(request);
      if (!token || !isCsrfTokenOf(deps, token, csrf, app.key)) return false;
      await endMySession(deps, token, app.key);
      reply.clearCookie(sessionCookie, cookieBase);
      return true;
    },
    clearSession: (reply) => void reply.clearCookie(sessionCookie, cookieBase),
    openTransaction(request, reply) {
      const tx = open<Transaction>(txPurpose, request.cookies[txCookie]);
      reply.clearCookie(txCookie, cookieBase);
      return tx;
    },
  };
}

/** The /my app's sessions; other /my route files receive the same instance. */
export type MySessions = AppSessions;
export type RegisterMyPages = (app: FastifyInstance, deps: Deps, my: MySessions) => void;
