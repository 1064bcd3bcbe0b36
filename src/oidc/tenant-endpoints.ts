// The per-tenant endpoints Microsoft's libraries call: /{tenant}/v2.0/.well-known/openid-configuration and
// /{tenant}/oauth2/v2.0/token|authorize|logout, where {tenant} is a verified domain or the tenant id (MICROSOFT-CLIENTS.md §2).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../services/deps.js';
import { ROUTES } from './provider.js';

export type HandTo = (rewrite?: string) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function isKnownTenant(deps: Pick<Deps, 'tenant'>, segment: string): boolean {
  const t = segment.toLowerCase();
  return t === deps.tenant.id.toLowerCase() || deps.tenant.domains.some((d) => d.name.toLowerCase() === t);
}

function refuseUnknownTenant(reply: FastifyReply, tenant: string) {
  // Entra: AADSTS90002
  return reply
    .code(400)
    .header('cache-control', 'no-store')
    .send({
      error: 'invalid_tenant',
      error_description: `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      error_codes: [90002],
    });
}

export function registerTenantEndpoints(app: FastifyInstance, deps: Deps, handTo: HandTo): void {
  const { issuer } = deps.config;

  app.get<{ Params: { tenant: string } }>('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    const t = String(req.params.tenant).toLowerCase();
    if (!isKnownTenant(deps, t)) return refuseUnknownTenant(reply, t);
    // MSAL replaces the first path segment with the tenant it was given, so the endpoints carry it.
    const base = `${issuer}/${t}`;
    return {
      issuer,
      jwks_uri: `${issuer}${ROUTES.jwks}`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      userinfo_endpoint: `${issuer}${ROUTES.userinfo}`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      code_challenge_methods_supported: ['S256'],
      tenant_region_scope: null,
      cloud_instance_name: 'gatepass',
    };
  });

  const alias = (method: 'GET' | 'POST', suffix: 'token' | 'authorize' | 'logout') => {
    const target = `/oauth2/v2.0/${suffix}`;
    const forward = handTo(target);
    app.route<{ Params: { tenant: string } }>({
      method,
      url: `/:tenant/oauth2/v2.0/${suffix}`,
      // Validated before the hijack, so an unknown tenant never reaches oidc-provider.
      onRequest: async (req, reply) => {
        const t = String(req.params.tenant);
        if (!isKnownTenant(deps, t)) return refuseUnknownTenant(reply, t);
        await forward(req, reply);
        return undefined;
      },
      handler: async () => {},
    });
  };
  alias('POST', 'token');
  alias('GET', 'authorize');
  alias('POST', 'authorize');
  alias('GET', 'logout');
  alias('POST', 'logout');
}
