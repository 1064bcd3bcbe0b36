// Gatepass extension under Graph: GET/DELETE /users/{id|userPrincipalName}/signInThrottle — a user's password
// failure counters, and clearing them (what `gatepass user unlock` does).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { authorize, type Principal } from '../../domain/authz/authorize.js';
import type { Deps } from '../../services/deps.js';
import { TENANT_TARGET, userAuthzTarget } from '../../services/guard.js';
import {
  clearThrottle,
  getThrottleState,
  type FactorThrottleState,
  type ThrottleState,
} from '../../services/throttle.js';
import { getUserByIdOrUpn } from '../../services/user-lookup.js';
import { callerOf, contextOf, enforce, GRAPH_METADATA } from './common.js';
import { userAudit } from './refusal-audit.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

/**
 * Where failed sign-ins came from is sign-in log data: reading it takes what reading the sign-in log takes
 * (AuditLog.Read.All, and for a delegated caller a role that may read sign-in reports), not just User.Read.All.
 */
export function mayReadSignInSources(principal: Principal): boolean {
  return authorize(principal, 'microsoft.directory/signInReports/allProperties/read', TENANT_TARGET).allowed;
}

type FactorView = Omit<FactorThrottleState, 'addresses'> & { addresses: FactorThrottleState['addresses'] | null };

/** The counters with every per-address breakdown replaced by null: the totals and waits stay visible. */
export function withoutSourceAddresses(state: ThrottleState) {
  const hide = (f: FactorThrottleState): FactorView => ({ ...f, addresses: null });
  return {
    ...hide(state),
    userId: state.userId,
    temporaryAccessPass: hide(state.temporaryAccessPass),
    authenticatorApp: hide(state.authenticatorApp),
    passkey: hide(state.passkey),
  };
}

export function registerSignInThrottleRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: Static<typeof Params> }>(
    '/users/:id/signInThrottle',
    { schema: { params: Params } },
    async (request) => {
      const user = await getUserByIdOrUpn(deps.db, request.params.id);
      const { principal } = callerOf(request);
      enforce(request, principal, 'microsoft.directory/users/standard/read', await userAuthzTarget(deps.db, user.id));
      const state = await getThrottleState(deps, user.id);
      const shown = mayReadSignInSources(principal) ? state : withoutSourceAddresses(state);
      return {
        '@odata.context': `${GRAPH_METADATA}#users('${user.id}')/signInThrottle/$entity`,
        id: user.id,
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
