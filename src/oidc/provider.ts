// Builds the oidc-provider instance: Entra's paths at the origin, keys from the store, our adapter, account
// lookup, client-secret check through keyed hashes, and Graph tokens: application permissions (`roles`) for client
// credentials (MICROSOFT-CLIENTS.md §1), delegated permissions (`scp`) for a signed-in user.

import { gatepassInteractionPolicy } from './interaction-policy.js';
import { firstPartyAppOf } from '../domain/first-party-apps.js';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Provider, { errors, type AdapterPayload, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import {
  asksForDefault,
  DEFAULT_DELEGATED_PERMISSIONS,
  delegatedPermissionsOf,
  readGraphScopes,
  type GraphScopeOptions,
  type RequestedGraphScopes,
} from '../domain/authz/graph-scopes.js';
import { APPLICATION_PERMISSION_NAMES } from '../domain/authz/permissions.js';
import { graphResourceScope, sortByConsent } from '../domain/consent.js';
import { ACR_MFA, ACR_PASSWORD } from '../domain/signin/factors.js';
import { matchesSecretHash, type ApplicationMetadata } from '../services/applications.js';
import type { Deps } from '../services/deps.js';
import { tenantWidePermissionsOf } from '../services/permission-grants.js';
import { loadCookieKeySet, loadSigningKeySet } from '../services/provider-keys.js';
import { createAdapterFactory } from './adapter.js';
import { createFindAccount, type GatepassAccount } from './claims.js';

export const GRAPH = 'https://graph.microsoft.com';

const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'];

export const ROUTES = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  end_session: '/oauth2/v2.0/logout',
  introspection: '/oauth2/v2.0/introspect',
  revocation: '/oauth2/v2.0/revoke',
  jwks: '/discovery/v2.0/keys',
  userinfo: '/oidc/userinfo',
} as const;

/**
 * HTML for the pages oidc-provider renders itself, and their headers; supplied by src/web (through app.ts) so all
 * pages share one layout and one Content-Security-Policy.
 */
export interface ProviderPages {
  error(out: { error: string; error_description?: string }, correlationId: string, at: Date): string;
  logoutConfirm(form: string, host: string): string;
  loggedOut(): string;
  /** Sets our pages' security headers on a raw response: oidc-provider's responses bypass Fastify's hooks. */
  setSecurityHeaders(res: ServerResponse): void;
}

/** What an app-only token's resource scope is computed with: delegated grants do not apply to it. */
const NO_GRANTS: ReadonlySet<string> = new Set();

/** Self-only delegated names (User.Read …) have no application form in Graph: never in an app token's `roles`. */
const APPLICATION_PERMISSIONS: ReadonlySet<string> = new Set(APPLICATION_PERMISSION_NAMES);

/**
 * Client metadata for an application. `placeholderSecret` is never compared: compareClientSecret (below) checks the
 * presented secret against `gatepass_secret_hashes`, the keyed hashes read with the client for this request.
 */
function clientMetadataFor(issuer: string, placeholderSecret: string) {
  return (app: ApplicationMetadata, secretHashes: string[]): AdapterPayload => {
    const common = {
      client_id: app.appId,
      client_name: app.displayName,
      gatepass_kind: app.kind,
      gatepass_require_consent: app.requireConsent,
    };
    if (app.kind === 'builtin') {
      // A built-in client that is not (or no longer) one of ours gets no redirect URI: it cannot sign anyone in.
      const base = firstPartyAppOf(app.appId)?.basePath;
      return {
        ...common,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: base ? [`${issuer}${base}/callback`] : [],
        post_logout_redirect_uris: base ? [`${issuer}${base}/signed-out`] : [],
      };
    }
    const secret = {
      client_secret: placeholderSecret,
      client_secret_expires_at: 0,
      token_endpoint_auth_method: 'client_secret_basic',
      gatepass_secret_hashes: secretHashes,
    };
    if (app.kind === 'daemon')
      return {
        ...common,
        ...secret,
        // What its app-only tokens carry, so the token endpoint needs no second read of the application.
        gatepass_roles: app.permissions.filter((p) => APPLICATION_PERMISSIONS.has(p)),
        gatepass_object_id: app.servicePrincipalId,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      } as AdapterPayload;
    return {
      ...common,
      ...secret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: app.redirectUris,
      post_logout_redirect_uris: app.postLogoutRedirectUris,
    } as AdapterPayload;
  };
}

const minutes = (m: number) => m * 60;

/** The sign-in behind a token being issued: the code or refresh token it comes from carries amr and auth_time. */
function signInBehind(ctx: KoaContextWithOIDC): { amr: string[]; authTime: number } | undefined {
  const e = ctx.oidc?.entities as
    | {
        AuthorizationCode?: { amr?: unknown; authTime?: unknown };
        RefreshToken?: { amr?: unknown; authTime?: unknown };
      }
    | undefined;
  const source = e?.AuthorizationCode ?? e?.RefreshToken;
  if (!source || !Array.isArray(source.amr) || typeof source.authTime !== 'number') return undefined;
  return { amr: source.amr.filter((v): v is string => typeof v === 'string'), authTime: source.authTime };
}

/** Whether the sign-in behind this token (or browser session) used a Temporary Access Pass. */
function viaTap(ctx: KoaContextWithOIDC | undefined, token?: unknown): boolean {
  const own = token && typeof token === 'object' ? (token as { amr?: unknown }).amr : undefined;
  const e = ctx?.oidc?.entities as
    | { AuthorizationCode?: { amr?: unknown }; RefreshToken?: { amr?: unknown } }
    | undefined;
  const amr = own ?? e?.AuthorizationCode?.amr ?? e?.RefreshToken?.amr ?? ctx?.oidc?.session?.amr;
  return Array.isArray(amr) && amr.includes('tap');
}

export async function createProvider(deps: Deps, pages: ProviderPages): Promise<Provider> {
  const { issuer } = deps.config;
  const https = issuer.startsWith('https:');
  // `<issuer>/.default` names Graph too: some scripts take the authority for the resource.
  const scopeOptions: GraphScopeOptions = { oidcScopes: new Set(OIDC_SCOPES), graphAliases: [issuer] };
  /** The Graph part of a `scope` parameter; a value Entra would refuse is refused here, naming it. */
  const requestedGraph = (scope: unknown): RequestedGraphScopes => {
    const reading = readGraphScopes(typeof scope === 'string' ? scope : undefined, scopeOptions);
    if (reading.ok) return reading.graph;
    const { problem } = reading;
    if (problem.kind === 'unknownResource') throw new errors.InvalidTarget(problem.message);
    throw new errors.InvalidScope(problem.message, problem.scope);
  };
  const tenantWideOf = (clientId: string) => tenantWidePermissionsOf(deps.db, clientId);
  const resourceScopeFor = graphResourceScope(scopeOptions);
  const placeholderSecret = randomBytes(32).toString('base64url');
  const nowSeconds = () => Math.floor(deps.clock.now().getTime() / 1000);
  /**
   * Tokens from a pass sign-in never outlive the pass as it stands when they are issued (Entra, 2026): the lifetime
   * is cut at the pass's end. Without a pass any more, such a token gets the least lifetime oidc-provider allows.
   */
  const capForPass = (seconds: number) => (ctx: KoaContextWithOIDC | undefined, token?: unknown) => {
    if (!viaTap(ctx, token)) return seconds;
    const end = (ctx?.oidc?.entities?.Account as GatepassAccount | undefined)?.tapEndsAt;
    return end === undefined ? 1 : Math.max(1, Math.min(seconds, end - nowSeconds()));
  };

  const configuration: Configuration = {
    adapter: createAdapterFactory(deps, clientMetadataFor(issuer, placeholderSecret)),
    // The current key first: oidc-provider signs with the first that fits (see key-refresh.ts for rotation).
    jwks: { keys: (await loadSigningKeySet(deps)).jwks },
    findAccount: createFindAccount(deps),
    cookies: {
      // The signing key first; key-refresh.ts swaps in a rotation (Koa's app.keys is read at every request).
      keys: (await loadCookieKeySet(deps)).values,
      // __Host- requires Path=/, which only the session cookie has; the interaction cookies are path-scoped,
      // so they take __Secure- (still Secure-only, never settable over http).
      names: https
        ? { session: '__Host-gp-session', interaction: '__Secure-gp-interaction', resume: '__Secure-gp-resume' }
        : { session: 'gp-session', interaction: 'gp-interaction', resume: 'gp-resume' },
      long: { httpOnly: true, sameSite: 'lax', ...(https ? { secure: true } : {}) },
      short: { httpOnly: true, sameSite: 'lax', ...(https ? { secure: true } : {}) },
    },
    routes: ROUTES,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    responseTypes: ['code'],
    scopes: OIDC_SCOPES,
    claims: {
      // acr, amr and auth_time are standalone claims in oidc-provider (sent only when asked for with the claims
      // parameter); Entra always puts them in the ID token, so they ride on the openid scope.
      openid: ['sub', 'oid', 'tid', 'acr', 'amr', 'auth_time', 'sid'],
      profile: ['name', 'preferred_username', 'given_name', 'family_name'],
      email: ['email'],
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
    },
    acrValues: [ACR_PASSWORD, ACR_MFA],
    // Entra puts name and preferred_username in the ID token of a code flow too.
    conformIdTokenClaims: false,
    extraClientMetadata: {
      properties: [
        'gatepass_kind',
        'gatepass_require_consent',
        'gatepass_roles',
        'gatepass_object_id',
        'gatepass_secret_hashes',
      ],
    },
    pkce: { required: () => true },
    interactions: {
      policy: gatepassInteractionPolicy(),
      url: (_ctx, interaction) => `/signin/${interaction.uid}`,
    },
    ttl: {
      AccessToken: capForPass(minutes(deps.config.accessTokenMinutes)),
      IdToken: capForPass(minutes(deps.config.accessTokenMinutes)),
      ClientCredentials: minutes(deps.config.accessTokenMinutes),
      AuthorizationCode: 60,
      RefreshToken: capForPass(minutes(deps.config.refreshTokenMinutes)),
      Grant: minutes(deps.config.refreshTokenMinutes),
      Interaction: 600, // issue #2: an interaction lives at most 10 minutes
      // Idle lifetime, renewed on each use (the session is re-saved), never past the absolute lifetime.
      Session: (ctx, session) => {
        const now = nowSeconds();
        const absoluteEnd = (session.loginTs ?? now) + minutes(deps.config.sessionMaxMinutes);
        const lifetime = Math.max(1, Math.min(minutes(deps.config.sessionIdleMinutes), absoluteEnd - now));
        return capForPass(lifetime)(ctx, session);
      },
    },
    // Refresh tokens rotate on every use; presenting a rotated one revokes the whole grant (oidc-provider's reuse detection).
    rotateRefreshToken: true,
    // Entra issues refresh tokens without OIDC's prompt=consent rule for offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    loadExistingGrant: async (ctx) => {
      const client = ctx.oidc.client!;
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const graph = requestedGraph(ctx.oidc.params?.scope);
      const sorted = sortByConsent(graph.values, await tenantWideOf(client.clientId), scopeOptions);
      const firstParty = client.gatepass_require_consent !== true;
      // What an administrator granted for every user is never asked of the user; the rest of a consent app's
      // request goes to the consent page, which offers only what a user may consent to.
      if (!firstParty && (sorted.adminGranted.length === 0 || !ctx.oidc.session?.accountId)) return existing;
      const grant =
        existing ?? new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: ctx.oidc.session!.accountId! });
      if (sorted.adminGranted.length > 0) grant.addResourceScope(GRAPH, sorted.adminGranted.join(' '));
      if (firstParty) {
        // First-party apps (created by an administrator without --require-consent) are admin-consented for what a
        // user may consent to: no consent screen. Admin-only permissions still need a tenant-wide grant: the
        // resource server leaves out those without one (getResourceServerInfo), so no token carries them.
        grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
        const claims = ctx.oidc.requestParamClaims;
        if (claims) grant.addOIDCClaims([...claims]);
        if (sorted.userConsentable.length > 0) grant.addResourceScope(GRAPH, sorted.userConsentable.join(' '));
      }
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => !('clientId' in token) || token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = pages.logoutConfirm(form, ctx.host);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = pages.loggedOut();
        },
      },
      resourceIndicators: {
        enabled: true,
        // MSAL and most scripts never send `resource`: derive it from "<resource>/.default".
        // Named Graph permissions (full or bare) also make Graph the resource, as in Entra.
        defaultResource: async (ctx, _client, oneOf) => {
          if (oneOf) return oneOf;
          const scope = ctx.oidc.params?.scope;
          const graph = requestedGraph(scope);
          if (ctx.oidc.params?.grant_type === 'client_credentials' && !graph.isDefault)
            // Entra: AADSTS1002012 (named permissions are for delegated flows only)
            throw new errors.InvalidScope(
              'client credential flows must ask for <resource>/.default, e.g. https://graph.microsoft.com/.default',
              String(scope ?? ''),
            );
          return graph.values.length > 0 ? GRAPH : undefined;
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource, client) => {
          if (resource !== GRAPH) throw new errors.InvalidTarget(`unknown resource ${resource}`);
          requestedGraph(ctx.oidc.params?.scope); // an explicit `resource` skips defaultResource, not the scope check
          // Admin-only permissions exist for this client only while an administrator grants them tenant-wide: read
          // fresh at every authorization, code exchange and refresh, so a removed grant drops out of the next token.
          // An app-only token carries application permissions (`roles`), never delegated ones: the grants do not
          // apply, and without them no admin-only delegated value can be in its scope.
          const appOnly = ctx.oidc.params?.grant_type === 'client_credentials';
          const tenantWide = appOnly ? NO_GRANTS : await tenantWideOf(client.clientId);
          return {
            scope: resourceScopeFor(tenantWide),
            audience: GRAPH,
            accessTokenTTL: minutes(deps.config.accessTokenMinutes),
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: async (ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        // The client the request authenticated as, read from the store for this request (adapter.ts).
        const client = ctx?.oidc?.client;
        if (!client || client.clientId !== token.clientId) return undefined;
        return {
          roles: client.gatepass_roles,
          tid: deps.tenant.id,
          appid: client.clientId,
          azp: client.clientId,
          oid: client.gatepass_object_id,
          idtyp: 'app',
          ver: '1.0',
        };
      }
      if (token.kind === 'AccessToken' && 'accountId' in token && token.accountId) {
        // amr and auth_time let Graph apply the step-up rule and end pass tokens with their pass; gp_tap (a Gatepass
        // extension) names the pass of a pass sign-in, so replacing it ends the token even within the same second.
        const signIn = signInBehind(ctx);
        const tapId = (ctx.oidc?.entities?.Account as GatepassAccount | undefined)?.tapId;
        const user = {
          oid: token.accountId,
          tid: deps.tenant.id,
          idtyp: 'user',
          appid: token.clientId,
          azp: token.clientId,
          ver: '1.0',
          ...(signIn ? { amr: signIn.amr, auth_time: signIn.authTime } : {}),
          ...(signIn?.amr.includes('tap') && tapId ? { gp_tap: tapId } : {}),
        };
        if (token.resourceServer?.audience !== GRAPH) return user;
        // Entra's `scp`: the granted permission names, space-separated. What they reach is bounded by the user's
        // directory roles at each request (authorize), so an admin scope does nothing for a user without a role.
        // `.default` is the self-service set plus whatever an administrator granted the app for every user, read now.
        const granted = (token.scope ?? '').split(' ');
        const defaults = asksForDefault(granted, scopeOptions)
          ? [...DEFAULT_DELEGATED_PERMISSIONS, ...(await tenantWideOf(token.clientId!))]
          : DEFAULT_DELEGATED_PERMISSIONS;
        const scp = delegatedPermissionsOf(granted, scopeOptions, defaults);
        return scp.length > 0 ? { ...user, scp: scp.join(' ') } : user;
      }
      return undefined;
    },
    formats: {
      customizers: {
        jwt: async (_ctx, token, jwt) => {
          jwt.header = { typ: 'JWT' }; // Entra's header; oidc-provider's default is at+jwt (the kid is kept)
          if (token.kind === 'ClientCredentials') jwt.payload.sub = jwt.payload.oid; // Entra: sub = oid for app tokens
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = pages.error(
        out as { error: string; error_description?: string },
        correlationOf(ctx),
        deps.clock.now(),
      );
    },
    discovery: { tenant_region_scope: null, cloud_instance_name: 'gatepass' },
  };

  const provider = new Provider(issuer, configuration);
  if (deps.config.trustProxy !== false) provider.proxy = true;

  // Client secrets are stored as keyed hashes only, so oidc-provider's plain comparison cannot work. The
  // documented extension point is the Client model; we replace its compareClientSecret (called by
  // client_secret_basic/post authentication after the client was found) with our keyed-hash comparison, against
  // the hashes of the secrets valid when this request found the client.
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(
    this: { gatepass_secret_hashes?: unknown },
    actual: string,
  ) {
    const stored = this.gatepass_secret_hashes;
    const hashes = Array.isArray(stored) ? stored.filter((h): h is string => typeof h === 'string') : [];
    return matchesSecretHash(deps, hashes, actual);
  };

  provider.on('server_error', (_ctx, err) => deps.log.error({ err }, 'oidc-provider server error'));
  return provider;
}

/** The request id Fastify assigned (passed through on the raw request), shown on error pages. */
export function correlationOf(ctx: KoaContextWithOIDC): string {
  const id = (ctx.req as { gatepassRequestId?: string }).gatepassRequestId;
  return id ?? randomBytes(8).toString('hex');
}
