// What every `…/authentication/…` route shares (Graph's authentication-method resources, ENTRA-REFERENCE §1, §3): the
// path and query schemas, the refusals Graph gives on these endpoints, and who `/me` is and what they may delete.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.js';
import type { MethodNotAllowedCode } from '../../domain/errors/methods.js';
import type { Deps } from '../../services/deps.js';
import type { GuardedContext } from '../../services/guard.js';
import { methodChangeGateOf } from '../../services/method-change-gate.js';
import { callerOf, contextOf, GRAPH_METADATA } from './common.js';

const DELETE = 'microsoft.directory/users/authenticationMethods/delete';

export const UserParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const MethodParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 256 }), methodId: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const MeMethodParams = Type.Object(
  { methodId: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const AnyQuery = Type.Object(
  {},
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

export type Query = Static<typeof AnyQuery>;

/** The auth-method endpoints "do not support optional query parameters": any $option is a 400 naming it. */
export function refuseAllOptions(query: Query): void {
  for (const key of Object.keys(query))
    if (key.startsWith('$')) throw new AppError('queryOptionsNotAccepted', { target: key, params: { option: key } });
}

/** A verb Graph does not allow on the resource: 405 with `Allow`, so a client learns the operation, not the path, is wrong. */
export function methodNotAllowed(reply: FastifyReply, allow: string, refusal: MethodNotAllowedCode): never {
  void reply.header('allow', allow);
  throw new AppError(refusal);
}

/** `/me` names the signed-in user of a delegated token; an app token has no "me" (Graph answers 400). */
export function meOf(request: FastifyRequest): string {
  const { principal } = callerOf(request);
  if (principal.kind !== 'user') throw new AppError('meRequiresDelegated');
  return principal.userId;
}

/**
 * The context for `/me/…`: a user may delete their own methods, the pass included (Entra lets users do it from
 * Security info; Graph's delegated self permission is UserAuthenticationMethod.ReadWrite). The shared authorization
 * rules refuse credential deletion "on self" for administrators acting through the admin path, so on the self path the
 * scope alone decides a delete; every other action goes through the usual guard.
 */
export function selfContext(request: FastifyRequest, userId: string): GuardedContext {
  const ctx = contextOf(request);
  const { principal } = callerOf(request);
  const scopes = principal.kind === 'user' ? principal.scopes : [];
  return {
    ...ctx,
    guard: (action, target) => {
      const onSelf = target.kind === 'user' && target.id === userId;
      if (
        action === DELETE &&
        onSelf &&
        scopes.some((s) => s === 'UserAuthenticationMethod.ReadWrite' || s === 'UserAuthenticationMethod.ReadWrite.All')
      )
        return;
      ctx.guard?.(action, target);
    },
  };
}

/** `@odata.context` of a user's authentication collection (`segment`), e.g. `…#users('{id}')/authentication/methods`. */
export const authenticationContext = (userId: string, segment: string) =>
  `${GRAPH_METADATA}#users('${userId}')/authentication/${segment}`;

/**
 * The step-up rule of Security info, on Graph's `/me` method changes: the token's sign-in must be multi-factor and
 * recent (GATEPASS_METHOD_CHANGE_WINDOW_MINUTES; 10 minutes after a one-time pass, as Entra). Otherwise a 403 telling
 * the user to sign in again with MFA, recorded by `recordRefusal` as the other /me refusals are. Admin paths are not gated.
 */
export async function requireMeStepUp(
  deps: Deps,
  request: FastifyRequest,
  userId: string,
  recordRefusal: (refuse: () => never) => Promise<void>,
): Promise<void> {
  const signIn = callerOf(request).signIn;
  const gate =
    signIn?.authTime === undefined
      ? ({ allowed: false, reason: 'notMultiFactor' } as const)
      : await methodChangeGateOf(deps, userId, { amr: signIn.amr, authTime: signIn.authTime });
  if (gate.allowed) return;
  const refusal = gate.reason === 'notMultiFactor' ? 'methodChangeNeedsMultiFactor' : 'methodChangeSignInTooOld';
  await recordRefusal(() => {
    throw new AppError(refusal);
  });
}
