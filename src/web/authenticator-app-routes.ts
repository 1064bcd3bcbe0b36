// /my/security-info/authenticator-app — adding an authenticator app from Security info, behind the method-change
// gate (a multi-factor sign-in within the window): the page shows a new key, the form confirms it with one code.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../domain/errors.js';
import {
  beginAuthenticatorAppRegistration,
  confirmAuthenticatorAppRegistration,
  DEFAULT_AUTHENTICATOR_APP_NAME,
  openAuthenticatorAppRegistration,
  type PendingAppRegistration,
} from '../services/authenticator-apps.js';
import type { Deps } from '../services/deps.js';
import type { OidcHandle } from '../oidc/index.js';
import type { RetiredPass } from '../services/pass-retirement.js';
import { sendPage, type MySessions, type SignedIn } from './app-session.js';
import { keepBrowserSession } from './retired-pass.js';
import { authenticatorAppPage, type AuthenticatorAppPageView } from './views/authenticator-app-pages.js';

export const AUTHENTICATOR_APP_PATH = '/my/security-info/authenticator-app';

type Body = { csrf?: unknown; pending?: unknown; code?: unknown; displayName?: unknown };

export function registerAuthenticatorAppRoutes(
  app: FastifyInstance,
  deps: Deps,
  my: MySessions,
  oidc: Pick<OidcHandle, 'browserSession'>,
): void {
  async function show(
    reply: FastifyReply,
    status: number,
    signed: SignedIn,
    pending: PendingAppRegistration,
    displayName: string,
    error?: AuthenticatorAppPageView['error'],
  ) {
    // qrcode is loaded when a registration first needs it, not at start-up.
    const qrDataUrl = await (await import('qrcode')).default.toDataURL(pending.uri, {
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 200,
    });
    return sendPage(
      reply,
      status,
      authenticatorAppPage({
        qrDataUrl,
        secretBase32: pending.secretBase32,
        accountName: signed.user.userPrincipalName,
        issuer: new URL(pending.uri).searchParams.get('issuer') ?? '',
        pending: pending.token,
        csrf: signed.session.csrf,
        displayName,
        minutesLeft: Math.max(1, Math.ceil((pending.expiresAt.getTime() - deps.clock.now().getTime()) / 60_000)),
        ...(error ? { error } : {}),
      }),
    );
  }

  app.get(AUTHENTICATOR_APP_PATH, async (request, reply) => {
    const signed = await my.requireMethodChange(request, reply, AUTHENTICATOR_APP_PATH);
    if (!signed) return reply;
    return show(
      reply,
      200,
      signed,
      beginAuthenticatorAppRegistration(deps, signed.user),
      DEFAULT_AUTHENTICATOR_APP_NAME,
    );
  });

  app.post<{ Body: Body }>(AUTHENTICATOR_APP_PATH, async (request, reply) => {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Body;
    // A missing token is checked too (undefined would skip the check).
    const signed = await my.requireMethodChange(request, reply, AUTHENTICATOR_APP_PATH, body.csrf ?? null);
    if (!signed) return reply;
    // Read before the registration: retiring the pass ends the provider session too, and it is saved again after.
    const browser = await oidc.browserSession(request.raw, reply.raw);
    let retired: RetiredPass | undefined;
    try {
      ({ retiredPass: retired } = await confirmAuthenticatorAppRegistration(deps, signed.ctx, signed.user, {
        token: body.pending,
        code: body.code,
        displayName: body.displayName,
        session: { idHash: signed.session.idHash, amr: signed.session.amr },
      }));
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      // The same form sent again after it succeeded: the app is registered, nothing more to do.
      if (e.code === 'authenticatorAppAlreadyRegistered')
        return reply.header('cache-control', 'no-store').redirect('/my/security-info', 303);
      const typedName =
        typeof body.displayName === 'string' ? body.displayName.slice(0, 200) : DEFAULT_AUTHENTICATOR_APP_NAME;
      const pending = openAuthenticatorAppRegistration(deps, signed.user, body.pending);
      // An expired or altered setup starts afresh with a new key; otherwise the same QR code, so the app set up stays valid.
      if (!pending || e.target === 'pending')
        return show(reply, 400, signed, beginAuthenticatorAppRegistration(deps, signed.user), typedName, {
          message: e.message,
        });
      const field = e.target === 'code' || e.target === 'displayName' ? e.target : undefined;
      return show(reply, 400, signed, pending, typedName, { message: e.message, ...(field ? { field } : {}) });
    }
    await keepBrowserSession(browser, signed.user.id, retired);
    const done = retired ? 'authenticator-app-added-pass-retired' : 'authenticator-app-added';
    return reply.header('cache-control', 'no-store').redirect(`/my/security-info?done=${done}`, 303);
  });
}
