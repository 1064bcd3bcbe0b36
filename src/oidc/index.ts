// Mounts the OpenID Connect provider at the origin with Entra's paths, plus the per-tenant aliases.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { needsAdminConsent } from '../domain/consent.js';
import type { Deps } from '../services/deps.js';
import { createProvider, type ProviderPages } from './provider.js';
import { startKeyRefresh } from './key-refresh.js';
import { registerTenantEndpoints } from './tenant-endpoints.js';

export interface InteractionDetails {
  uid: string;
  prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
  params: Record<string, unknown>;
  /** The browser session the request came with; amr is what its sign-in proved. */
  session?: { accountId?: string; uid?: string; amr?: string[] };
  grantId?: string;
  lastSubmission?: Record<string, unknown>;
  returnTo: string;
}

export interface LoginResult {
  accountId: string;
  amr: string[];
  acr: string;
  /** Epoch seconds of the sign-in. */
  ts: number;
}

/** What the web pages use of the provider; routes never reach provider internals directly. */
export interface OidcHandle {
  readonly provider: Provider;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  /** Records the result and returns the URL the browser must go to next (oidc-provider's resume endpoint). */
  finishLogin(req: IncomingMessage, res: ServerResponse, login: LoginResult): Promise<string>;
  finishConsent(req: IncomingMessage, res: ServerResponse): Promise<string>;
  abort(req: IncomingMessage, res: ServerResponse, error: string, description: string): Promise<string>;
  /**
   * Ends the provider's browser session named by the request's session cookie, as end_session's "Yes, sign me out"
   * does (its grants are revoked unless they outlive logout), without the confirmation page. For /my's sign-out,
   * which is a same-origin form with its own CSRF check. The next authorization request asks for a sign-in.
   */
  endBrowserSession(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * The provider's browser session named by the request's session cookie, read now, so that it can be saved again
   * with another amr after something ended it: a registration that retired the pass the session signed in with.
   */
  browserSession(req: IncomingMessage, res: ServerResponse): Promise<BrowserSession>;
}

export interface BrowserSession {
  readonly accountId: string | undefined;
  readonly amr: readonly string[];
  /** Saves the session as read, resting on `amr`, for what remained of its lifetime. */
  rebase(amr: string[]): Promise<void>;
}

const ALL_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD'] as const;

/** `pages` come from src/web (passed in by app.ts), so oidc-provider's own pages share our layout and headers. */
export async function registerOidc(app: FastifyInstance, deps: Deps, pages: ProviderPages): Promise<OidcHandle> {
  const provider = await createProvider(deps, pages);
  const callback = provider.callback();
  const keyRefresh = startKeyRefresh(provider, deps);
  app.addHook('onClose', async () => keyRefresh.stop());

  // Hijacked before Fastify reads the body, so oidc-provider reads the raw stream itself.
  const handTo = (rewrite?: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    const raw = req.raw as IncomingMessage & { gatepassRequestId?: string };
    raw.gatepassRequestId = req.id;
    if (rewrite) {
      const url = raw.url ?? '/';
      const q = url.indexOf('?');
      raw.url = rewrite + (q >= 0 ? url.slice(q) : '');
    }
    // Hijacked responses skip helmet: oidc-provider's own pages get the same headers as ours here.
    pages.setSecurityHeaders(reply.raw);
    await callback(raw, reply.raw);
  };

  for (const url of ['/.well-known/openid-configuration', '/oauth2/*', '/discovery/v2.0/keys', '/oidc/userinfo'])
    app.route({ method: [...ALL_METHODS], url, onRequest: handTo(), handler: async () => {} });
  registerTenantEndpoints(app, deps, handTo);

  return {
    provider,
    interactionDetails: async (req, res) =>
      (await provider.interactionDetails(req, res)) as unknown as InteractionDetails,
    finishLogin: (req, res, login) =>
      provider.interactionResult(req, res, { login: { ...login, remember: true } }, { mergeWithLastSubmission: false }),
    finishConsent: async (req, res) => {
      const details = await provider.interactionDetails(req, res);
      const { prompt, params, session } = details;
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
      const d = prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      // A user's consent never grants an admin-only permission (the consent page does not offer one either).
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
        const consentable = scopes.filter((scope) => !needsAdminConsent(scope, [deps.config.issuer]));
        if (consentable.length > 0) grant.addResourceScope(indicator, consentable.join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    },
    abort: (req, res, error, description) =>
      provider.interactionResult(
        req,
        res,
        { error, error_description: description },
        { mergeWithLastSubmission: false },
      ),
    endBrowserSession: async (req, res) => {
      // Session.get reads and checks the signed session cookie; an unknown or missing one yields an unsaved session.
      const session = await provider.Session.get(provider.createContext(req, res));
      for (const clientId of Object.keys(session.authorizations ?? {})) {
        const { grantId, persistsLogout } = session.authorizationFor(clientId) ?? {};
        if (!grantId || persistsLogout) continue;
        await Promise.all(
          [provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode].map((model) =>
            model.revokeByGrantId(grantId),
          ),
        );
        await (await provider.Grant.find(grantId))?.destroy();
      }
      await session.destroy();
    },
    browserSession: async (req, res) => {
      const session = await provider.Session.get(provider.createContext(req, res));
      const exp = (session as { exp?: unknown }).exp;
      return {
        accountId: session.accountId,
        amr: session.amr ?? [],
        rebase: async (amr) => {
          if (!session.accountId || typeof exp !== 'number') return;
          const left = exp - Math.floor(deps.clock.now().getTime() / 1000);
          if (left <= 0) return;
          session.amr = amr;
          await session.save(left);
        },
      };
    },
  };
}
