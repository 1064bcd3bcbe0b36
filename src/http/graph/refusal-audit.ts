// Records write attempts of authenticated callers that the Graph layer refuses before any use case ran (a body that
// fails validation, a wrong content type), so every refused change is in the audit log, not only those a service saw.
// Use cases record their own refusals through `audited`; this hook adds a row only when none exists for the request,
// as the route declares it in its `config.audit` (a write route that declares nothing cannot be registered).
// A request with no valid token names nobody: auditing it would let anyone fill the audit log for free, so it gets
// one line in the server log instead (see logUnauthenticatedRefusal).

import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { AuditCategory, AuditEntry, TargetResource, AuditActivity } from '../../domain/audit.js';
import { recordAuditEvent } from '../../services/audited.js';
import type { Deps } from '../../services/deps.js';
import { hasAuditEventFor } from '../../services/audit-lookup.js';
import type { AppError } from '../../domain/errors.js';
import { hasForbiddenCharacters } from '../../domain/control-characters.js';
import { toAppError } from '../graph-errors.js';

/** What a refused write records: the activity a successful call would have recorded, and on what. */
export interface RefusalAudit {
  activity: AuditActivity;
  category: AuditCategory;
  operationType: AuditEntry['operationType'];
  targetType: TargetResource['type'];
  /** The target's id when the path names none (`:id`), as for a tenant-wide policy. */
  targetId?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Every write route (POST, PATCH, PUT, DELETE) under /v1.0 declares what its refusal records; `false` only for
     * a verb the resource never allows (405), which changes nothing. Registering a write route without it fails.
     */
    audit?: RefusalAudit | false;
  }
}

export const userAudit = (activity: AuditActivity, operationType: AuditEntry['operationType']) => ({
  audit: { activity, category: 'UserManagement', operationType, targetType: 'User' } satisfies RefusalAudit,
});
export const groupAudit = (activity: AuditActivity, operationType: AuditEntry['operationType']) => ({
  audit: { activity, category: 'GroupManagement', operationType, targetType: 'Group' } satisfies RefusalAudit,
});
export const unitAudit = (activity: AuditActivity, operationType: AuditEntry['operationType']) => ({
  audit: { activity, category: 'AdministrativeUnit', operationType, targetType: 'Other' } satisfies RefusalAudit,
});

export const roleAudit = (activity: AuditActivity, operationType: AuditEntry['operationType']) => ({
  audit: { activity, category: 'RoleManagement', operationType, targetType: 'Role' } satisfies RefusalAudit,
});
export const policyAudit = (activity: AuditActivity, targetId?: string) => ({
  audit: {
    activity,
    category: 'Policy',
    operationType: 'Update',
    targetType: 'Policy',
    ...(targetId === undefined ? {} : { targetId }),
  } satisfies RefusalAudit,
});
/** A verb the resource never allows (405): nothing could have changed, so there is no refused change to record. */
export const NOT_A_CHANGE = { audit: false } as const;

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The write methods of a route that do not declare `config.audit`: a refusal there would go unaudited. */
export function undeclaredWrites(route: Pick<RouteOptions, 'method' | 'config'>): string[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return route.config?.audit === undefined ? methods.filter((m) => WRITE_METHODS.has(m.toUpperCase())) : [];
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
  graph.addHook('onRoute', (route) => {
    const missing = undeclaredWrites(route);
    if (missing.length > 0)
      throw new Error(`${missing.join(', ')} ${route.url} declares no config.audit (see http/graph/refusal-audit.ts)`);
  });
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
    // What the route declares (its `config.audit`): the activity a successful call would have recorded.
    const declared = request.routeOptions.config?.audit;
    if (!declared || !WRITE_METHODS.has(request.method)) return;
    try {
      if (await hasAuditEventFor(deps, request.id)) return;
      const params = (request.params ?? {}) as Record<string, unknown>;
      // An id refused for its characters is not recorded: PostgreSQL could not store it, and it names nothing.
      const id =
        typeof params.id === 'string' && !hasForbiddenCharacters(params.id) ? params.id : (declared.targetId ?? '');
      const ctx = {
        actor: caller.actor,
        correlationId: request.id,
        ipAddress: request.ip,
      };
      const entry: AuditEntry = {
        activityDisplayName: declared.activity,
        category: declared.category,
        loggedByService: 'Core Directory',
        operationType: declared.operationType,
        targetResources: [{ id, displayName: null, type: declared.targetType }],
      };
      await recordAuditEvent(deps.db, deps, ctx, entry, 'failure', refusal.message);
    } catch (e) {
      // The refusal still reaches the caller; a failed audit write is a fault for the operator's log.
      request.log.error({ err: e }, 'could not audit a refused Graph write');
    }
  });
}
