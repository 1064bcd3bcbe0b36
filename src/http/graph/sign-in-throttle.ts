// Gatepass extension under Graph: GET/DELETE /users/{id|userPrincipalName}/signInThrottle — a user's password
// failure counters, and clearing them (what `gatepass user unlock` does).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../services/deps.js';
import { clearThrottle, readSignInThrottle } from '../../services/throttle.js';
import { contextOf, GRAPH_METADATA } from './common.js';
import { userAudit } from './refusal-audit.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

export function registerSignInThrottleRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: Static<typeof Params> }>(
    '/users/:id/signInThrottle',
    { schema: { params: Params } },
    async (request) => {
      // The service shows where failed sign-ins came from only to a caller who may read the sign-in log.
      const shown = await readSignInThrottle(deps, contextOf(request), request.params.id);
      return {
        '@odata.context': `${GRAPH_METADATA}#users('${shown.userId}')/signInThrottle/$entity`,
        id: shown.userId,
        ...shown,
      };
    },
  );

  app.delete<{ Params: Static<typeof Params> }>(
    '/users/:id/signInThrottle',
    { schema: { params: Params }, config: userAudit('Unlock user sign-in', 'Update') },
    async (request, reply) => {
      // The permission check runs inside the audited use case, so a refusal is recorded too.
      await clearThrottle(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
