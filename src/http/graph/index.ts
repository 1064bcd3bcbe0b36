// Registers the Microsoft-Graph-compatible API under /v1.0: bearer authentication first (401 before any 400),
// JSON bodies only, strict TypeBox validation, then one module per resource.

import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../../services/deps.js';
import { createBearerAuthenticator } from '../plugins/authn.js';
import { typeboxValidatorCompiler } from './common.js';
import { registerGroupRoutes } from './groups.js';
import { registerAdministrativeUnitRoutes } from './administrative-units.js';
import { registerMeRoutes } from './me.js';
import { registerPermissionGrantRoutes } from './oauth2-permission-grants.js';
import { registerOrganizationRoutes } from './organization.js';
import { registerPolicyRoutes } from './policies.js';
import { auditRefusedWrites } from './refusal-audit.js';
import { registerRoleManagementRoutes } from './role-management.js';
import { registerSignInThrottleRoutes } from './sign-in-throttle.js';
import { registerUserRoutes } from './users.js';
import { registerTemporaryAccessPassRoutes } from './temporary-access-pass-methods.js';
import { registerEmailMethodRoutes } from './email-methods.js';
import { registerAuthenticationMethodRoutes } from './authentication-methods.js';
import { registerAuthenticationMethodsPolicyRoutes } from './authentication-methods-policy.js';
import { registerAuditLogRoutes } from './audit-logs.js';

export async function registerGraph(app: FastifyInstance, deps: Deps): Promise<void> {
  const authenticate = createBearerAuthenticator(deps);
  await app.register(
    async (graph) => {
      graph.setValidatorCompiler(typeboxValidatorCompiler);
      graph.decorateRequest('graphCaller', undefined);
      auditRefusedWrites(graph, deps);
      graph.addHook('onRequest', async (request) => {
        request.graphCaller = await authenticate(request);
      });
      // Graph takes JSON only; a form post is refused instead of being read as an object.
      graph.addHook('onRequest', async (request) => {
        if (request.method !== 'POST' && request.method !== 'PATCH' && request.method !== 'PUT') return;
        const type = request.headers['content-type'];
        const hasBody =
          request.headers['content-length'] !== undefined
            ? request.headers['content-length'] !== '0'
            : request.headers['transfer-encoding'] !== undefined;
        if (type === undefined && !hasBody) return;
        if (!/^application\/json\s*(;|$)/i.test(type ?? ''))
          throw new AppError('unsupportedContentType', { target: 'content-type', params: { type: type ?? '' } });
      });
      registerUserRoutes(graph, deps);
      registerMeRoutes(graph, deps);
      registerPermissionGrantRoutes(graph, deps);
      registerGroupRoutes(graph, deps);
      registerAdministrativeUnitRoutes(graph, deps);
      registerPolicyRoutes(graph, deps);
      registerOrganizationRoutes(graph, deps);
      registerSignInThrottleRoutes(graph, deps);
      registerTemporaryAccessPassRoutes(graph, deps);
      registerEmailMethodRoutes(graph, deps);
      registerAuthenticationMethodRoutes(graph, deps);
      registerAuthenticationMethodsPolicyRoutes(graph, deps);
      registerAuditLogRoutes(graph, deps);
      registerRoleManagementRoutes(graph, deps);
    },
    { prefix: '/v1.0' },
  );
}
