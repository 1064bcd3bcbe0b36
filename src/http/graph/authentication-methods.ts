// Graph `…/authentication/methods` (the mixed list), `softwareOathMethods`, `fido2Methods` (list, get, delete) and
// `passwordMethods` (list, get), under `/users/{id|upn}` and, for delegated tokens, `/me` (ENTRA-REFERENCE §3).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.js';
import type { MethodNotAllowedCode } from '../../domain/errors/methods.js';
import { audited } from '../../services/audited.js';
import {
  deleteAuthenticationMethod,
  listAuthenticationMethods,
  PASSWORD_METHOD_ID,
  securityInfoEntry,
  toGraphFido2,
  toGraphPassword,
  toGraphSoftwareOath,
  type AuthenticationMethods,
  type MethodKind,
} from '../../services/authentication-methods.js';
import type { Deps } from '../../services/deps.js';
import type { GuardedContext } from '../../services/guard.js';
import { toGraphEmailMethod } from '../../services/email-methods.js';
import { toGraphTap } from '../../services/temporary-access-passes.js';
import { notFoundError } from '../../services/user-lookup.js';
import {
  AnyQuery,
  authenticationContext,
  meOf,
  MeMethodParams,
  methodNotAllowed,
  MethodParams,
  refuseAllOptions,
  requireMeStepUp,
  selfContext,
  UserParams,
  type Query,
} from './authentication-common.js';
import { callerOf, contextOf } from './common.js';
import { NOT_A_CHANGE, userAudit } from './refusal-audit.js';

/** Who acts and on whom: `/users/{id}` is an administrator's path, `/me` the user's own. */
interface Subject {
  idOrUpn: string;
  ctx: GuardedContext;
  who: 'Admin' | 'User';
}

const adminSubject = (request: FastifyRequest<{ Params: { id: string } }>): Subject => ({
  idOrUpn: request.params.id,
  ctx: contextOf(request),
  who: 'Admin',
});

function meSubject(request: FastifyRequest): Subject {
  const userId = meOf(request);
  return { idOrUpn: userId, ctx: selfContext(request, userId), who: 'User' };
}

/** A `/me` delete with an app token is refused before the service runs; it is a refused change all the same, so audited. */
async function meDeleteSubject(deps: Deps, request: FastifyRequest, kind: MethodKind): Promise<Subject> {
  const { principal } = callerOf(request);
  if (principal.kind !== 'user') {
    await audited(deps, contextOf(request), securityInfoEntry('deleted', 'User', kind, undefined, 'me'), async () => {
      throw new AppError('meRequiresDelegated');
    });
  }
  const subject = meSubject(request);
  // Step-up as on Security info: a recent multi-factor sign-in, else 403 (audited as the refused delete it is).
  await requireMeStepUp(deps, request, subject.idOrUpn, async (refuse) => {
    await audited(deps, contextOf(request), securityInfoEntry('deleted', 'User', kind, undefined, 'me'), async () =>
      refuse(),
    );
  });
  return subject;
}

const contextFor = authenticationContext;

type Segment = 'softwareOathMethods' | 'fido2Methods' | 'passwordMethods';

/** Each typed collection: how its items are found in the user's methods and shown. */
const COLLECTIONS: Record<Segment, (m: AuthenticationMethods) => { id: string; graph: Record<string, unknown> }[]> = {
  softwareOathMethods: (m) => m.apps.map((a) => ({ id: a.id, graph: toGraphSoftwareOath(a) })),
  fido2Methods: (m) => m.passkeys.map((p) => ({ id: p.id, graph: toGraphFido2(p) })),
  passwordMethods: (m) => (m.password ? [{ id: PASSWORD_METHOD_ID, graph: toGraphPassword(m.password) }] : []),
};

const KIND_OF: Partial<Record<Segment, MethodKind>> = { softwareOathMethods: 'softwareOath', fido2Methods: 'fido2' };

/** What each collection refuses (CSDL: apps and passkeys Insertable=false, Updatable=false; password not Deletable either). */
const REFUSALS: Record<Segment, { create: MethodNotAllowedCode; update: MethodNotAllowedCode; itemAllow: string }> = {
  softwareOathMethods: {
    create: 'authenticatorAppNotCreatable',
    update: 'authenticatorAppNotUpdatable',
    itemAllow: 'GET, DELETE',
  },
  fido2Methods: { create: 'passkeyNotCreatable', update: 'passkeyNotUpdatable', itemAllow: 'GET, DELETE' },
  passwordMethods: { create: 'passwordMethodNotCreatable', update: 'passwordMethodNotUpdatable', itemAllow: 'GET' },
};

export function registerAuthenticationMethodRoutes(app: FastifyInstance, deps: Deps): void {
  /** Password (fixed id) when the user has one, the pass, authenticator apps, passkeys; each typed for Kiota's polymorphic parsing. */
  async function mixed(subject: Subject) {
    const m = await listAuthenticationMethods(deps, subject.ctx, subject.idOrUpn);
    const value = [
      ...(m.password ? [toGraphPassword(m.password)] : []),
      ...(m.pass ? [toGraphTap(m.pass, null)] : []),
      ...m.apps.map(toGraphSoftwareOath),
      ...m.passkeys.map(toGraphFido2),
      ...(m.email ? [toGraphEmailMethod(m.email)] : []),
    ];
    return { userId: m.user.id, value };
  }

  async function methods(request: FastifyRequest, subject: Subject) {
    refuseAllOptions(request.query as Query);
    const { userId, value } = await mixed(subject);
    return { '@odata.context': contextFor(userId, 'methods'), value };
  }

  /** Graph's "Get authenticationMethod": one item of the mixed list, of whatever type, with its @odata.type. */
  async function oneMethod(request: FastifyRequest, subject: Subject, methodId: string) {
    refuseAllOptions(request.query as Query);
    const { userId, value } = await mixed(subject);
    const item = value.find((m) => String(m.id).toLowerCase() === methodId.toLowerCase());
    if (!item) throw notFoundError(methodId);
    return { '@odata.context': `${contextFor(userId, 'methods')}/$entity`, ...item };
  }

  async function list(request: FastifyRequest, subject: Subject, segment: Segment) {
    refuseAllOptions(request.query as Query);
    const m = await listAuthenticationMethods(deps, subject.ctx, subject.idOrUpn);
    return {
      '@odata.context': contextFor(m.user.id, segment),
      value: COLLECTIONS[segment](m).map((item) => item.graph),
    };
  }

  async function getOne(request: FastifyRequest, subject: Subject, segment: Segment, methodId: string) {
    refuseAllOptions(request.query as Query);
    const m = await listAuthenticationMethods(deps, subject.ctx, subject.idOrUpn);
    const item = COLLECTIONS[segment](m).find((i) => i.id.toLowerCase() === methodId.toLowerCase());
    if (!item) throw notFoundError(methodId);
    return { '@odata.context': `${contextFor(m.user.id, segment)}/$entity`, ...item.graph };
  }

  async function remove(reply: FastifyReply, subject: Subject, kind: MethodKind, methodId: string) {
    await deleteAuthenticationMethod(deps, subject.ctx, subject.idOrUpn, kind, methodId, subject.who);
    return reply.code(204).send();
  }

  const users = '/users/:id/authentication';
  const me = '/me/authentication';

  app.get<{ Params: Static<typeof UserParams>; Querystring: Query }>(
    `${users}/methods`,
    { schema: { params: UserParams, querystring: AnyQuery } },
    (request) => methods(request, adminSubject(request)),
  );
  app.get<{ Querystring: Query }>(`${me}/methods`, { schema: { querystring: AnyQuery } }, (request) =>
    methods(request, meSubject(request)),
  );
  app.get<{ Params: Static<typeof MethodParams>; Querystring: Query }>(
    `${users}/methods/:methodId`,
    { schema: { params: MethodParams, querystring: AnyQuery } },
    (request) => oneMethod(request, adminSubject(request), request.params.methodId),
  );
  app.get<{ Params: Static<typeof MeMethodParams>; Querystring: Query }>(
    `${me}/methods/:methodId`,
    { schema: { params: MeMethodParams, querystring: AnyQuery } },
    (request) => oneMethod(request, meSubject(request), request.params.methodId),
  );
  // The mixed list is read-only: a method is added through its own collection.
  for (const path of [`${users}/methods`, `${me}/methods`])
    app.post(path, { config: NOT_A_CHANGE }, async (_request, reply) =>
      methodNotAllowed(reply, 'GET', 'methodsAddedByCollection'),
    );

  for (const segment of Object.keys(COLLECTIONS) as Segment[]) {
    const kind = KIND_OF[segment];
    const refusal = REFUSALS[segment];

    app.get<{ Params: Static<typeof UserParams>; Querystring: Query }>(
      `${users}/${segment}`,
      { schema: { params: UserParams, querystring: AnyQuery } },
      (request) => list(request, adminSubject(request), segment),
    );
    app.get<{ Params: Static<typeof MethodParams>; Querystring: Query }>(
      `${users}/${segment}/:methodId`,
      { schema: { params: MethodParams, querystring: AnyQuery } },
      (request) => getOne(request, adminSubject(request), segment, request.params.methodId),
    );
    app.get<{ Querystring: Query }>(`${me}/${segment}`, { schema: { querystring: AnyQuery } }, (request) =>
      list(request, meSubject(request), segment),
    );
    app.get<{ Params: Static<typeof MeMethodParams>; Querystring: Query }>(
      `${me}/${segment}/:methodId`,
      { schema: { params: MeMethodParams, querystring: AnyQuery } },
      (request) => getOne(request, meSubject(request), segment, request.params.methodId),
    );

    if (kind) {
      app.delete<{ Params: Static<typeof MethodParams> }>(
        `${users}/${segment}/:methodId`,
        { schema: { params: MethodParams }, config: userAudit('Admin deleted security info', 'Delete') },
        (request, reply) => remove(reply, adminSubject(request), kind, request.params.methodId),
      );
      app.delete<{ Params: Static<typeof MeMethodParams> }>(
        `${me}/${segment}/:methodId`,
        { schema: { params: MeMethodParams }, config: userAudit('User deleted security info', 'Delete') },
        async (request, reply) =>
          remove(reply, await meDeleteSubject(deps, request, kind), kind, request.params.methodId),
      );
    } else {
      for (const path of [`${users}/${segment}/:methodId`, `${me}/${segment}/:methodId`])
        app.delete(path, { config: NOT_A_CHANGE }, async (_request, reply) =>
          methodNotAllowed(reply, refusal.itemAllow, refusal.update),
        );
    }
    for (const path of [`${users}/${segment}`, `${me}/${segment}`])
      app.post(path, { config: NOT_A_CHANGE }, async (_request, reply) =>
        methodNotAllowed(reply, 'GET', refusal.create),
      );
    for (const path of [`${users}/${segment}/:methodId`, `${me}/${segment}/:methodId`])
      app.patch(path, { config: NOT_A_CHANGE }, async (_request, reply) =>
        methodNotAllowed(reply, refusal.itemAllow, refusal.update),
      );
  }
}
