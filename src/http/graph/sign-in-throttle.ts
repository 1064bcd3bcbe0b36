// Gatepass extension under Graph: GET/DELETE /users/{id|userPrincipalName}/signInThrottle — a user's password
// failure counters, and clearing them (what `gatepass user unlock` does).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../services/deps.js';
import { userAuthzTarget } from '../../services/guard.js';
import { clearThrottle, getThrottleState } from '../../services/throttle.js';
import { getUserByIdOrUpn } from '../../services/user-lookup.js';
import { callerOf, contextOf, enforce, GRAPH_METADATA } from './common.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

export function registerSignInThrottleRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: Static<typeof Params> }>('/users/:id/signInThrottle', { schema: { params: Params } }, async (request) => {
    const user = await getUserByIdOrUpn(deps.db, request.params.id);
    enforce(request, callerOf(request).principal, 'microsoft.directory/users/standard/read', await userAuthzTarget(deps.db, user.id));
    const state = await getThrottleState(deps, user.id);
    return { '@odata.context': `${GRAPH_METADATA}#users('${user.id}')/signInThrottle/$entity`, id: user.id, ...state };
  });

  app.delete<{ Params: Static<typeof Params> }>('/users/:id/signInThrottle', { schema: { params: Params } }, async (request, reply) => {
    // The permission check runs inside the audited use case, so a refusal is recorded too.
    await clearThrottle(deps, contextOf(request), request.params.id);
    return reply.code(204).send();
  });
}
