// Records write attempts of authenticated callers that the Graph layer refuses before any use case ran (a body that
// fails validation, a wrong content type), so every refused change is in the audit log, not only those a service saw.
// Use cases record their own refusals through `audited`; this hook adds a row only when none exists for the request.
// A request with no valid token names nobody: auditing it would let anyone fill the audit log for free, so it gets
// one line in the server log instead (see logUnauthenticatedRefusal).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditCategory, AuditEntry, TargetResource } from '../../domain/audit.js';
import { recordAuditEvent } from '../../services/audited.js';
import type { Deps } from '../../services/deps.js';
import { hasAuditEventFor } from '../../services/audit-lookup.js';
import type { AppError } from '../../domain/errors.js';
import { toAppError } from '../graph-errors.js';

interface WriteRoute {
  activity: string;
  category: AuditCategory;
  operationType: AuditEntry['operationType'];
  type: TargetResource['type'];
}

const user = (activity: string, operationType: AuditEntry['operationType']): WriteRoute => ({
  activity,
  category: 'UserManagement',
  operationType,
  type: 'User',
});
const group = (activity: string, operationType: AuditEntry['operationType']): WriteRoute => ({
  activity,
  category: 'GroupManagement',
  operationType,
  type: 'Group',
});

/** Method + route → the activity a successful call would have recorded. */
const WRITE_ROUTES: Readonly<Record<string, WriteRoute>> = {
  'POST /v1.0/users': user('Add user', 'Add'),
  'PATCH /v1.0/users/:id': user('Update user', 'Update'),
  'DELETE /v1.0/users/:id': user('Delete user', 'Delete'),
  'POST /v1.0/users/:id/revokeSignInSessions': user('Invalidate all refresh tokens for user', 'Update'),
  'POST /v1.0/groups': group('Add group', 'Add'),
  'PATCH /v1.0/groups/:id': group('Update group', 'Update'),
  'DELETE /v1.0/groups/:id': group('Delete group', 'Delete'),
  'POST /v1.0/groups/:id/members/$ref': group('Add member to group', 'Assign'),
  'DELETE /v1.0/groups/:id/members/:memberId/$ref': group('Remove member from group', 'Unassign'),
  'POST /v1.0/users/:id/authentication/temporaryAccessPassMethods': user('Admin registered security info', 'Add'),
  'DELETE /v1.0/users/:id/authentication/temporaryAccessPassMethods/:methodId': user(
    'Admin deleted security info',
    'Delete',
  ),
  'DELETE /v1.0/me/authentication/temporaryAccessPassMethods/:methodId': user('User deleted security info', 'Delete'),
  'DELETE /v1.0/users/:id/authentication/softwareOathMethods/:methodId': user('Admin deleted security info', 'Delete'),
  'DELETE /v1.0/me/authentication/softwareOathMethods/:methodId': user('User deleted security info', 'Delete'),
  'DELETE /v1.0/users/:id/authentication/fido2Methods/:methodId': user('Admin deleted security info', 'Delete'),
  'DELETE /v1.0/me/authentication/fido2Methods/:methodId': user('User deleted security info', 'Delete'),
  'PATCH /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id': {
    activity: 'Authentication Methods Policy Update',
    category: 'Policy',
    operationType: 'Update',
    type: 'Policy',
  },
  'DELETE /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id': {
    activity: 'Authentication Methods Policy Update',
    category: 'Policy',
    operationType: 'Update',
    type: 'Policy',
  },
  'PATCH /v1.0/policies/identitySecurityDefaultsEnforcementPolicy': {
    activity: 'Update policy',
    category: 'Policy',
    operationType: 'Update',
    type: 'Policy',
  },
};

function writeRouteOf(request: FastifyRequest): WriteRoute | undefined {
  return WRITE_ROUTES[`${request.method} ${request.routeOptions.url ?? ''}`];
}

/** One warn line per refused request without a valid token: what, where from, why — never the header itself. */
function logUnauthenticatedRefusal(request: FastifyRequest, refusal: AppError): void {
  request.log.warn(
    {
      event: 'graph.unauthenticated_refusal',
      method: request.method,
      route: request.routeOptions.url ?? null,
      ip: request.ip,
      status: refusal.status,
      code: refusal.code,
    },
    'Graph request refused without a valid token (server log only, not audited)',
  );
}

export function auditRefusedWrites(graph: FastifyInstance, deps: Deps): void {
  graph.addHook('onError', async (request, _reply, error) => {
    const refusal = toAppError(error);
    // 429/503 are load shedding, not decisions about the change: recording them would turn a flood into writes.
    if (!refusal || refusal.status >= 500 || refusal.status === 429) return;
    // The flood guard aside, authentication is the first hook: a refusal without a caller is a missing or bad token.
    const caller = request.graphCaller;
    if (!caller) {
      logUnauthenticatedRefusal(request, refusal);
      return;
    }
    const route = writeRouteOf(request);
    if (!route) return;
    try {
      if (await hasAuditEventFor(deps, request.id)) return;
      const params = (request.params ?? {}) as Record<string, unknown>;
      const id =
        typeof params.id === 'string'
          ? params.id
          : route.type === 'Policy'
            ? '00000000-0000-0000-0000-000000000005'
            : '';
      const ctx = {
        actor: caller.actor,
        correlationId: request.id,
        ipAddress: request.ip,
      };
      const entry: AuditEntry = {
        activityDisplayName: route.activity,
        category: route.category,
        loggedByService: 'Core Directory',
        operationType: route.operationType,
        targetResources: [{ id, displayName: null, type: route.type }],
      };
      await recordAuditEvent(deps.db, deps, ctx, entry, 'failure', refusal.message);
    } catch (e) {
      // The refusal still reaches the caller; a failed audit write is a fault for the operator's log.
      request.log.error({ err: e }, 'could not audit a refused Graph write');
    }
  });
}
