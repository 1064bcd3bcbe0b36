// GET/POST /signin/:uid — the interaction pages oidc-provider sends the browser to (bound to its interaction cookie).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { needsAdminConsent } from '../domain/consent.js';
import { ACR_MFA } from '../domain/signin/factors.js';
import { FIRST_PARTY_APPS } from '../domain/first-party-apps.js';
import type { InteractionDetails, OidcHandle } from '../oidc/index.js';
import { SETUP_ONLY_PROMPT } from '../domain/tap/purpose.js';
import { storeOutage } from '../services/store-outage.js';
import type { Deps } from '../services/deps.js';
import {
  chooseMethod,
  currentView,
  isValidCsrf,
  csrfTokenFor,
  passkeySignInOptions,
  restart,
  setupOnlyView,
  submitAuthenticatorCode,
  submitNewPassword,
  submitPasskey,
  submitPasskeyDiscoverable,
  submitPassword,
  submitTap,
  submitUsername,
  usePassword,
  type SignInRequest,
  type SignInView,
} from '../services/sign-in/index.js';
import { type ErrorSpec, errorCatalogue } from '../domain/errors.js';
import { type SignInErrorKind, type SignInRefusalPage, signInErrors } from '../domain/errors/sign-in.js';
import { findApplicationByClientId } from '../services/applications.js';
import { troubleshootingOf } from '../services/sign-in-log.js';
import { DEVICE_COOKIE_DAYS, deviceCookieName, deviceCookieValue, userOfDeviceCookie } from './device-cookie.js';
import { signInErrorPage } from './views/error-page.js';
import {
  changePasswordPage,
  consentPage,
  methodOfOtherWay,
  authenticatorAppPage,
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

/** A refusal page of the catalogue (title, words, status and the sign-in log's code). */
function refusalPage(deps: Deps, request: FastifyRequest, reply: FastifyReply, kind: SignInRefusalPage): FastifyReply {
  const entry: ErrorSpec = errorCatalogue[kind];
  return sendHtml(
    reply,
    entry.status,
    signInErrorPage(signInErrors[kind].title, entry.message as string, {
      code: entry.signInErrorCode ?? entry.graphCode,
      correlationId: request.id,
      at: deps.clock.now(),
    }),
  );
}

const sessionGone = (deps: Deps, request: FastifyRequest, reply: FastifyReply) =>
  refusalPage(deps, request, reply, 'signInPageExpired');

/**
 * A JSON refusal of the options endpoint, from the catalogue: `{ error, target, message }`, read by the page script.
 * Not Graph's envelope: its per-request ids would make the answers differ between users, and the answer before a
 * passkey is asked for must be the same for every user (test/http/sign-in-out-of-turn.test.ts).
 */
function jsonRefusal(reply: FastifyReply, kind: SignInErrorKind, target: string) {
  const entry: ErrorSpec = errorCatalogue[kind];
  return reply.code(entry.status).send({ error: entry.graphCode, target, message: entry.message as string });
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
    } catch (e) {
      // An unreadable interaction is a session gone, but not while the store is down: that is a 503 to retry.
      if (storeOutage(e)) throw e;
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

  /**
   * A session limited to setting up methods asked for another app: it is refused, and the page leads to Security
   * info, which the same session opens without signing in again.
   */
  async function setupOnly(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    d: InteractionDetails,
    req: SignInRequest,
  ) {
    const view = await setupOnlyView(deps, req, { accountId: d.session?.accountId ?? '', amr: d.session?.amr ?? [] });
    const link = `<p><a class="button primary" href="${FIRST_PARTY_APPS.my.basePath}/security-info">Go to Security info</a></p>`;
    return render(request, reply, d, req, view, link);
  }

  /** `refusalExtra`: HTML shown on a refusal page under its message (a way forward, e.g. a link). */
  async function render(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    d: InteractionDetails,
    req: SignInRequest,
    view: SignInView,
    refusalExtra?: string,
  ) {
    const form: FormContext = { uid: d.uid, csrf: csrfTokenFor(deps, d.uid), clientName: req.app.displayName };
    // A step refused by this request (it logged a failed sign-in): the log row's details, as Entra shows them.
    const refusedStep = view.kind !== 'refused' && view.kind !== 'done' && view.error !== undefined;
    const trouble = refusedStep ? await troubleshootingOf(deps, req.correlationId) : undefined;
    if (trouble) form.trouble = { code: trouble.errorCode, correlationId: trouble.correlationId, at: trouble.at };
    switch (view.kind) {
      case 'username':
        return sendHtml(reply, view.error ? 400 : 200, usernamePage(form, view));
      case 'password':
        return sendHtml(reply, view.error ? 401 : 200, passwordPage(form, view.loginName, view));
      case 'tap':
        return sendHtml(reply, view.error ? 401 : 200, tapPage(form, view.loginName, view));
      case 'authenticatorApp':
        return sendHtml(reply, view.error ? 401 : 200, authenticatorAppPage(form, view.loginName, view));
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
          errorCatalogue[view.error].status,
          signInErrorPage(
            view.title,
            view.message,
            { code: view.errorCode, correlationId: view.correlationId, at: view.at },
            refusalExtra,
          ),
        );
      }
      default:
        // Every view has its page: a new kind of view fails to compile here.
        return view satisfies never;
    }
  }

  app.get<Params>('/signin/:uid', async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return sessionGone(deps, request, reply);
    const req = await requestOf(request, d);
    if (d.prompt.name === SETUP_ONLY_PROMPT) return setupOnly(request, reply, d, req);
    if (d.prompt.name === 'consent') {
      // The OpenID scopes and the Graph permissions the app asks for (delegated: it acts as this user).
      const resourceScopes = Object.values(
        (d.prompt.details.missingResourceScopes as Record<string, string[]> | undefined) ?? {},
      ).flat();
      // Only what a user may consent to: an admin-only permission needs an administrator's tenant-wide grant.
      const missing = [
        ...((d.prompt.details.missingOIDCScope as string[] | undefined) ?? []),
        ...resourceScopes.filter((scope) => !needsAdminConsent(scope, [deps.config.issuer])),
      ];
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
      if (!d) return jsonRefusal(reply, 'signInPageExpired', 'uid');
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as {
        csrf?: unknown;
        mode?: unknown;
      };
      if (!isValidCsrf(deps, d.uid, body.csrf)) return jsonRefusal(reply, 'signInOptionsInvalidCsrf', 'csrf');
      const answer = await passkeySignInOptions(deps, await requestOf(request, d), body.mode);
      if (!answer.ok) return jsonRefusal(reply, answer.error, answer.target);
      return reply.code(200).send(answer.options);
    },
  );

  app.post<Params & { Body: Body }>('/signin/:uid', async (request, reply) => {
    const d = await details(request, reply);
    if (!d) return sessionGone(deps, request, reply);
    const body = (request.body ?? {}) as Body;
    if (!isValidCsrf(deps, d.uid, body.csrf)) return refusalPage(deps, request, reply, 'signInInvalidCsrf');
    const req = await requestOf(request, d);
    // Nothing posted here changes what the session may reach: only a method of the user's own does (Security info).
    if (d.prompt.name === SETUP_ONLY_PROMPT) return setupOnly(request, reply, d, req);
    switch (body.action) {
      case 'username':
        return render(request, reply, d, req, await submitUsername(deps, req, body.username));
      case 'password':
        return render(request, reply, d, req, await submitPassword(deps, req, body.password));
      case 'tap':
        return render(request, reply, d, req, await submitTap(deps, req, body.tap));
      // The form's action and input keep their published names (`otp`).
      case 'otp':
        return render(request, reply, d, req, await submitAuthenticatorCode(deps, req, body.otp));
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
        return render(request, reply, d, req, await chooseMethod(deps, req, methodOfOtherWay(body.method)));
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
