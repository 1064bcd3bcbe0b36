// Passkeys on Security info (/my/security-info/passkey…) and the two script files the passkey forms load (the pages'
// CSP allows only our own script files): SimpleWebAuthn's browser bundle and Gatepass's passkey.js.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../domain/errors.js';
import type { Deps } from '../services/deps.js';
import { methodChangeGate } from '../services/method-change-gate.js';
import { findPasskeyOfUser, passkeyRegistrationOptions, registerPasskey, renamePasskey } from '../services/passkeys.js';
import type { OidcHandle } from '../oidc/index.js';
import type { RetiredPass } from '../services/pass-retirement.js';
import { sendPage, type MySessions } from './app-session.js';
import { keepBrowserSession } from './retired-pass.js';
import { signInErrorPage } from './views/error-page.js';
import { addPasskeyPage, renamePasskeyPage } from './views/passkey-pages.js';

/** Read once at start: the UMD bundle sets the global SimpleWebAuthnBrowser (no bundler needed). */
function loadAssets(): { browserBundle: string; passkeyScript: string } {
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  const root = entry.slice(0, entry.lastIndexOf(`${path.sep}script${path.sep}`));
  return {
    browserBundle: readFileSync(path.join(root, 'dist', 'bundle', 'index.umd.min.js'), 'utf8'),
    passkeyScript: readFileSync(new URL('./assets/passkey.js', import.meta.url), 'utf8'),
  };
}

const sendScript = (reply: FastifyReply, body: string) =>
  reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(body);

const jsonError = (reply: FastifyReply, status: number, error: string, target: string, message: string) =>
  reply.code(status).header('cache-control', 'no-store').send({ error, target, message });

type AddBody = { csrf?: unknown; credential?: unknown; displayName?: unknown };
type RenameBody = { csrf?: unknown; displayName?: unknown };

const ADD_PATH = '/my/security-info/passkey';

export function registerPasskeyRoutes(
  app: FastifyInstance,
  deps: Deps,
  my: MySessions,
  oidc: Pick<OidcHandle, 'browserSession'>,
): void {
  const assets = loadAssets();
  app.get('/assets/webauthn/simplewebauthn-browser.js', async (_request, reply) =>
    sendScript(reply, assets.browserBundle),
  );
  app.get('/assets/webauthn/passkey.js', async (_request, reply) => sendScript(reply, assets.passkeyScript));

  const windowMinutes = deps.config.methodChangeWindowMinutes;

  app.get(ADD_PATH, async (request, reply) => {
    const signed = await my.requireMethodChange(request, reply, ADD_PATH);
    if (!signed) return reply;
    const gate = methodChangeGate(signed.session, signed.pass, deps.clock.now().getTime(), windowMinutes);
    return sendPage(
      reply,
      200,
      addPasskeyPage({ csrf: signed.session.csrf, until: gate.allowed ? gate.until : undefined }),
    );
  });

  // JSON for passkey.js: the same gate as the page, answered as JSON rather than pages.
  app.post<{ Body: { csrf?: unknown } }>(`${ADD_PATH}/options`, async (request, reply) => {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as { csrf?: unknown };
    const signed = await my.current(request);
    if (!signed)
      return jsonError(
        reply,
        401,
        'unauthenticated',
        'session',
        'You are signed out. Reload the page to sign in again.',
      );
    if (!my.validCsrf(signed, body.csrf))
      return jsonError(
        reply,
        403,
        'invalid_csrf_token',
        'csrf',
        'The request was not sent from your security info page. Reload it and try again.',
      );
    const gate = methodChangeGate(signed.session, signed.pass, deps.clock.now().getTime(), windowMinutes);
    if (!gate.allowed)
      return jsonError(
        reply,
        403,
        'reauthentication_required',
        'session',
        'To add a passkey, sign in again with a second factor: reload the page.',
      );
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .send(await passkeyRegistrationOptions(deps, signed.user));
  });

  app.post<{ Body: AddBody }>(ADD_PATH, async (request, reply) => {
    const body = (request.body ?? {}) as AddBody;
    const signed = await my.requireMethodChange(
      request,
      reply,
      ADD_PATH,
      typeof body.csrf === 'string' ? body.csrf : '',
    );
    if (!signed) return reply;
    // Read before the registration: retiring the pass ends the provider session too, and it is saved again after.
    const browser = await oidc.browserSession(request.raw, reply.raw);
    let retired: RetiredPass | undefined;
    try {
      ({ retiredPass: retired } = await registerPasskey(deps, signed.ctx, signed.user, {
        credential: body.credential,
        displayName: body.displayName,
        session: { idHash: signed.session.idHash, amr: signed.session.amr },
      }));
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      const gate = methodChangeGate(signed.session, signed.pass, deps.clock.now().getTime(), windowMinutes);
      return sendPage(
        reply,
        e.status,
        addPasskeyPage({
          csrf: signed.session.csrf,
          until: gate.allowed ? gate.until : undefined,
          displayName: typeof body.displayName === 'string' ? body.displayName.slice(0, 200) : '',
          error: e.message,
          errorField: e.target === 'displayName' ? 'displayName' : 'credential',
        }),
      );
    }
    await keepBrowserSession(browser, signed.user.id, retired);
    const done = retired ? 'passkey-added-pass-retired' : 'passkey-added';
    return reply.header('cache-control', 'no-store').redirect(`/my/security-info?done=${done}`, 303);
  });

  // Renaming is harmless: signed in and the form's CSRF token are enough (no method-change window).
  app.get<{ Params: { id: string } }>(`${ADD_PATH}/:id/rename`, async (request, reply) => {
    const signed = await my.requireSignedIn(request, reply, '/my/security-info');
    if (!signed) return reply;
    const method = await findPasskeyOfUser(deps, signed.user, request.params.id);
    if (!method) return notFound(reply, request.id);
    return sendPage(
      reply,
      200,
      renamePasskeyPage({ csrf: signed.session.csrf, id: method.id, displayName: method.displayName }),
    );
  });

  app.post<{ Params: { id: string }; Body: RenameBody }>(`${ADD_PATH}/:id/rename`, async (request, reply) => {
    const body = (request.body ?? {}) as RenameBody;
    const signed = await my.current(request);
    if (!signed) return my.startSignIn(reply, '/my/security-info');
    if (!my.validCsrf(signed, body.csrf)) return my.refuseCsrf(reply);
    try {
      await renamePasskey(deps, signed.ctx, signed.user, request.params.id, body.displayName);
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      if (e.status === 404) return notFound(reply, request.id);
      const name = typeof body.displayName === 'string' ? body.displayName.slice(0, 200) : '';
      return sendPage(
        reply,
        e.status,
        renamePasskeyPage({ csrf: signed.session.csrf, id: request.params.id, displayName: name, error: e.message }),
      );
    }
    return reply.header('cache-control', 'no-store').redirect('/my/security-info?done=passkey-renamed', 303);
  });

  function notFound(reply: FastifyReply, correlationId: string) {
    return sendPage(
      reply,
      404,
      signInErrorPage('Passkey not found', 'You have no passkey with this id. It may have been deleted.', {
        code: 'Request_ResourceNotFound',
        correlationId,
        at: deps.clock.now(),
      }),
    );
  }
}
