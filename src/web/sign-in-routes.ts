// GET/POST /signin/:uid — the interaction pages oidc-provider sends the browser to (bound to its interaction cookie).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACR_MFA } from '../domain/signin/factors.js';
import type { InteractionDetails, OidcHandle } from '../oidc/index.js';
import type { Deps } from '../services/deps.js';
import {
  chooseMethod,
  currentView,
  isValidCsrf,
  csrfTokenFor,
  passkeySignInOptions,
  restart,
  submitNewPassword,
  submitOtp,
  submitPasskey,
  submitPasskeyDiscoverable,
  submitPassword,
  submitTap,
  submitUsername,
  usePassword,
  SIGN_IN_ERROR_CODES,
  type SignInRequest,
  type SignInView,
} from '../services/sign-in.js';
import { findApplicationByClientId } from '../services/applications.js';
import { DEVICE_COOKIE_DAYS, deviceCookieName, deviceCookieValue, userOfDeviceCookie } from './device-cookie.js';
import { signInErrorPage } from './views/error-page.js';
import {
  changePasswordPage,
  consentPage,
  otpPage,
  passkeyPage,
  passwordPage,
  tapPage,
  usernamePage,
  type FormContext,
} from './views/sign-in-pages.js';

type Params = { Params: { uid: string } };
type Body = {
  action?: string;
  csrf?: string;
  username?: string;
  password?: string;
  tap?: string;
  newPassword?: string;
  confirmPassword?: string;
  decision?: string;
  /** "Sign in another way": the chosen method. */
  method?: string;
  /** A code from an authenticator app. */
  otp?: string;
  /** A passkey's answer (the WebAuthn assertion as JSON). */
  credential?: string;
};

function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

function sessionGone(deps: Deps, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendHtml(
    reply,
    400,
    signInErrorPage(
      'Sign-in expired',
      'This sign-in page has expired or was opened in another browser. Go back to the application and start again.',
      { code: SIGN_IN_ERROR_CODES.interactionEnded, correlationId: request.id, at: deps.clock.now() },
    ),
  );
}

export function registerSignInRoutes(app: FastifyInstance, deps: Deps, oidc: OidcHandle): void {
  const https = deps.config.issuer.startsWith('https:');
  const deviceCookie = deviceCookieName(https);

  /**
   * After a completed sign-in this browser becomes familiar to the user (smart lock-out). Added to the raw response's
   * cookies: oidc-provider has set its own there, and Fastify's headers would replace them.
   */
  function rememberBrowser(reply: FastifyReply, userId: string): void {
    const cookie = app.serializeCookie(deviceCookie, deviceCookieValue(deps.keyring, userId, deps.clock.now()), {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: https,
      maxAge: DEVICE_COOKIE_DAYS * 86_400,
    });
    const previous = reply.raw.getHeader('set-cookie');
    const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
    reply.raw.setHeader('set-cookie', [...list, cookie]);
  }

  async function details(request: FastifyRequest, reply: FastifyReply): Promise<InteractionDetails | undefined> {
    try {
      const d = await oidc.interactionDetails(request.raw, reply.raw);
      // The uid in the path must be the one bound to this browser's interaction cookie.
      return d.uid === (request.params as { uid: string }).uid ? d : undefined;
    } catch {
      return undefined;
    }
  }

  async function requestOf(request: FastifyRequest<Params>, d: InteractionDetails): Promise<SignInRequest> {
    const clientId = String(d.params.client_id ?? '');
    const client = await findApplicationByClientId(deps, clientId);
    const ua = request.headers['user-agent'];
    return {
      uid: d.uid,
      correlationId: request.id,
      ipAddress: request.ip ?? null,
      userAgent: typeof ua === 'string' ? ua : null,
      app: { appId: clientId, displayName: client?.displayName ?? clientId },
      requireMfa: String(d.params.acr_values ?? '')
        .split(' ')
        .includes(ACR_MFA),
      familiarUserId: userOfDeviceCookie(deps.keyring, request.cookies[deviceCookie], deps.clock.now()) ?? null,
    };
  }

  async function render(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    d: InteractionDetails,
    req: SignInRequest,
    view: SignInView,
  ) {
    const form: FormContext = { uid: d.uid, csrf: csrfTokenFor(deps, d.uid), clientName: req.app.displayName };
    switch (view.kind) {
      case 'username':
        return sendHtml(reply, view.error ? 400 : 200, usernamePage(form, view));
      case 'password':
        return sendHtml(reply, view.error ? 401 : 200, passwordPage(form, view.loginName, view));
      case 'tap':
        return sendHtml(reply, view.error ? 401 : 200, tapPage(form, view.loginName, view));
      case 'otp':
        return sendHtml(reply, view.error ? 401 : 200, otpPage(form, view.loginName, view));
      case 'passkey':
        return sendHtml(reply, view.error ? 401 : 200, passkeyPage(form, view.loginName, view));
      case 'changePassword':
        return sendHtml(reply, view.error ? 400 : 200, changePasswordPage(form, view.loginName, view));
      case 'done': {
        const url = await oidc.finishLogin(request.raw, reply.raw, view.login);
        rememberBrowser(reply, view.login.accountId);
        return reply.header('cache-control', 'no-store').redirect(url, 303);
      }
      case 'refused': {
        if (view.retryAfterSeconds !== undefined) reply.header('retry-after', String(view.retryAfterSeconds));
        return sendHtml(
          reply,
          view.status,
          signInErrorPage(view.title, view.message, {
            code: view.errorCode,
            correlationId: view.correlationId,
            at: view.at,
          }),
        );
      }
    }
  }

  app.get<Params>('/signin/:uid', async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return sessionGone(deps, request, reply);
    const req = await requestOf(request, d);
    if (d.prompt.name === 'consent') {
      // The OpenID scopes and the Graph permissions the app asks for (delegated: it acts as this user).
      const resourceScopes = Object.values(
        (d.prompt.details.missingResourceScopes as Record<string, string[]> | undefined) ?? {},
      ).flat();
      const missing = [...((d.prompt.details.missingOIDCScope as string[] | undefined) ?? []), ...resourceScopes];
      return sendHtml(
        reply,
        200,
        consentPage({ uid: d.uid, csrf: csrfTokenFor(deps, d.uid), clientName: req.app.displayName }, missing),
      );
    }
    return render(request, reply, d, req, await currentView(deps, req));
  });

  // WebAuthn request options for the passkey forms (JSON; the same interaction cookie and CSRF token as the forms).
  app.post<Params & { Body: { csrf?: unknown; mode?: unknown } }>(
    '/signin/:uid/passkey/options',
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const d = await details(request, reply);
      if (!d)
        return reply.code(400).send({
          error: 'interaction_ended',
          target: 'uid',
          message:
            'This sign-in page has expired or was opened in another browser. Go back to the application and start again.',
        });
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
        csrf?: unknown;
        mode?: unknown;
      };
      if (!isValidCsrf(deps, d.uid, body.csrf))
        return reply.code(403).send({
          error: 'invalid_csrf_token',
          target: 'csrf',
          message: 'The request was not sent from this sign-in page. Reload it and try again.',
        });
      const answer = await passkeySignInOptions(deps, await requestOf(request, d), body.mode);
      if (!answer.ok)
        return reply
          .code(answer.status)
          .send({ error: 'invalid_request', target: answer.target, message: answer.message });
      return reply.code(200).send(answer.options);
    },
  );

  app.post<Params & { Body: Body }>('/signin/:uid', async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return sessionGone(deps, request, reply);
    const body = (request.body ?? {}) as Body;
    if (!isValidCsrf(deps, d.uid, body.csrf))
      return sendHtml(
        reply,
        403,
        signInErrorPage('Request refused', 'The form was not sent from this sign-in page. Go back and try again.', {
          code: 'invalid_csrf_token',
          correlationId: request.id,
          at: deps.clock.now(),
        }),
      );
    const req = await requestOf(request, d);
    switch (body.action) {
      case 'username':
        return render(request, reply, d, req, await submitUsername(deps, req, body.username));
      case 'password':
        return render(request, reply, d, req, await submitPassword(deps, req, body.password));
      case 'tap':
        return render(request, reply, d, req, await submitTap(deps, req, body.tap));
      case 'otp':
        return render(request, reply, d, req, await submitOtp(deps, req, body.otp));
      case 'passkey':
        return render(request, reply, d, req, await submitPasskey(deps, req, body.credential));
      case 'passkeyDiscoverable':
        return render(request, reply, d, req, await submitPasskeyDiscoverable(deps, req, body.credential));
      case 'usePassword':
        return render(request, reply, d, req, await usePassword(deps, req));
      case 'newPassword':
        return render(
          request,
          reply,
          d,
          req,
          await submitNewPassword(deps, req, body.newPassword, body.confirmPassword),
        );
      case 'restart':
        return render(request, reply, d, req, await restart(deps, req));
      case 'choose':
        return render(request, reply, d, req, await chooseMethod(deps, req, body.method));
      case 'consent': {
        if (d.prompt.name !== 'consent') return sessionGone(deps, request, reply);
        const url =
          body.decision === 'accept'
            ? await oidc.finishConsent(request.raw, reply.raw)
            : await oidc.abort(request.raw, reply.raw, 'access_denied', 'The user declined to consent.');
        return reply.header('cache-control', 'no-store').redirect(url, 303);
      }
      default:
        return render(request, reply, d, req, await currentView(deps, req));
    }
  });
}
