// Graph `…/authentication/temporaryAccessPassMethods` (create, list, get, delete), under `/users/{id|upn}` and, for
// delegated tokens, `/me` (ENTRA-REFERENCE §1). The mixed `…/authentication/methods` list is in authentication-methods.ts.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.js';
import { PURPOSE_PROPERTY } from '../../domain/tap/constants.js';
import type { IssueRequest } from '../../domain/tap/pass.js';
import type { Deps } from '../../services/deps.js';
import type { GuardedContext } from '../../services/guard.js';
import {
  deleteTemporaryAccessPass,
  getTemporaryAccessPass,
  issueTemporaryAccessPass,
  listTemporaryAccessPasses,
  passEntry,
  toGraphTap,
  type TapView,
} from '../../services/temporary-access-passes.js';
import { readPassDiagnosis } from '../../services/tap-diagnosis.js';
import { findUserByIdOrUpn } from '../../services/user-lookup.js';
import { diagnose } from '../../domain/tap/diagnosis.js';
import { audited } from '../../services/audited.js';
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
import { contextOf } from './common.js';
import { NOT_A_CHANGE, userAudit } from './refusal-audit.js';

const TAP_TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethod';
/** The diagnosis's path segment, named like the policy's gatepassSignInFlow extension. */
const DIAGNOSIS_SEGMENT = 'gatepassDiagnosis';

/** Graph's writable properties, and Gatepass's purpose extension, by the IssueRequest field each fills. */
const WRITABLE: ReadonlyMap<string, keyof IssueRequest> = new Map([
  ['startDateTime', 'startDateTime'],
  ['lifetimeInMinutes', 'lifetimeInMinutes'],
  ['isUsableOnce', 'isUsableOnce'],
  [PURPOSE_PROPERTY, 'purpose'],
]);
const READ_ONLY = new Set(['id', 'temporaryAccessPass', 'createdDateTime', 'isUsable', 'methodUsabilityReason']);

/**
 * Reads the create body strictly: only Graph's writable properties (null = absent, as planIssue reads it) and
 * `@odata.type` of this type; a read-only or unknown property is a 400 naming it, never silently dropped.
 */
function issueRequestOf(body: unknown): IssueRequest {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('bodyNotObject', { target: 'body' });
  const request: { -readonly [K in keyof IssueRequest]: unknown } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '@odata.type') {
      if (value !== TAP_TYPE)
        throw new AppError('odataTypeMismatch', { target: key, params: { property: key, type: TAP_TYPE } });
    } else if (WRITABLE.has(key)) {
      request[WRITABLE.get(key)!] = value;
    } else if (READ_ONLY.has(key)) {
      throw new AppError('readOnlyOnCreate', { target: key, params: { property: key } });
    } else {
      throw new AppError('unknownProperty', {
        target: key,
        params: { property: key, type: 'microsoft.graph.temporaryAccessPassAuthenticationMethod' },
      });
    }
  }
  return request;
}

const collectionContext = authenticationContext;

/** List items as Graph's documentation shows them: no pass; `@odata.type` kept, as Kiota needs it for derived types. */
const listItem = (view: TapView) => toGraphTap(view, null);

export function registerTemporaryAccessPassRoutes(app: FastifyInstance, deps: Deps): void {
  const base = '/users/:id/authentication/temporaryAccessPassMethods';

  async function list(request: FastifyRequest, idOrUpn: string, ctx: GuardedContext) {
    refuseAllOptions(request.query as Query);
    const views = await listTemporaryAccessPasses(deps, ctx, idOrUpn);
    const userId = views[0]?.pass.userId ?? (await findUserByIdOrUpn(deps.db, idOrUpn))?.id ?? idOrUpn;
    return { '@odata.context': collectionContext(userId, 'temporaryAccessPassMethods'), value: views.map(listItem) };
  }

  async function getOne(request: FastifyRequest, idOrUpn: string, methodId: string, ctx: GuardedContext) {
    refuseAllOptions(request.query as Query);
    const view = await getTemporaryAccessPass(deps, ctx, idOrUpn, methodId);
    return {
      '@odata.context': `${collectionContext(view.pass.userId, 'temporaryAccessPassMethods')}/$entity`,
      ...toGraphTap(view, null),
    };
  }

  const issue = { schema: { params: UserParams }, config: userAudit('Admin registered security info', 'Add') };
  app.post<{ Params: Static<typeof UserParams> }>(base, issue, async (request, reply) => {
    refuseAllOptions(request.query as Query);
    const issued = await issueTemporaryAccessPass(
      deps,
      contextOf(request),
      request.params.id,
      issueRequestOf(request.body),
    );
    reply
      .code(201)
      .header(
        'location',
        new URL(
          `/v1.0/users/${issued.pass.userId}/authentication/temporaryAccessPassMethods/${issued.pass.id}`,
          deps.config.issuer,
        ).toString(),
      );
    return {
      '@odata.context': `${collectionContext(issued.pass.userId, 'temporaryAccessPassMethods')}/$entity`,
      ...toGraphTap(issued, issued.temporaryAccessPass),
    };
  });

  app.get<{ Params: Static<typeof UserParams>; Querystring: Query }>(
    base,
    { schema: { params: UserParams, querystring: AnyQuery } },
    (request) => list(request, request.params.id, contextOf(request)),
  );

  app.get<{ Params: Static<typeof MethodParams>; Querystring: Query }>(
    `${base}/:methodId`,
    { schema: { params: MethodParams, querystring: AnyQuery } },
    (request) => getOne(request, request.params.id, request.params.methodId, contextOf(request)),
  );

  // Gatepass extension: "Why doesn't this pass work?", guarded exactly as GET of the pass; times in UTC.
  app.get<{ Params: Static<typeof MethodParams>; Querystring: Query }>(
    `${base}/:methodId/${DIAGNOSIS_SEGMENT}`,
    { schema: { params: MethodParams, querystring: AnyQuery } },
    async (request) => {
      refuseAllOptions(request.query as Query);
      const { user, facts } = await readPassDiagnosis(
        deps,
        contextOf(request),
        request.params.id,
        request.params.methodId,
      );
      const passId = facts.pass?.id ?? request.params.methodId;
      return {
        '@odata.context': `${collectionContext(user.id, 'temporaryAccessPassMethods')}('${passId}')/${DIAGNOSIS_SEGMENT}`,
        ...diagnose(facts, (at) => at.toISOString()),
      };
    },
  );

  app.delete<{ Params: Static<typeof MethodParams> }>(
    `${base}/:methodId`,
    { schema: { params: MethodParams }, config: userAudit('Admin deleted security info', 'Delete') },
    async (request, reply) => {
      await deleteTemporaryAccessPass(deps, contextOf(request), request.params.id, request.params.methodId, 'Admin');
      return reply.code(204).send();
    },
  );

  // CSDL: temporaryAccessPassMethods is Updatable=false. Graph's exact answer is unconfirmed; 405 says it plainly.
  app.patch(`${base}/:methodId`, { config: NOT_A_CHANGE }, async (_request, reply) =>
    methodNotAllowed(reply, 'GET, DELETE', 'passNotUpdatable'),
  );

  // `/me`: the signed-in user's own passes (delegated tokens only).
  const me = '/me/authentication/temporaryAccessPassMethods';
  app.get<{ Querystring: Query }>(me, { schema: { querystring: AnyQuery } }, (request) => {
    const userId = meOf(request);
    return list(request, userId, selfContext(request, userId));
  });
  app.get<{ Params: Static<typeof MeMethodParams>; Querystring: Query }>(
    `${me}/:methodId`,
    { schema: { params: MeMethodParams, querystring: AnyQuery } },
    (request) => {
      const userId = meOf(request);
      return getOne(request, userId, request.params.methodId, selfContext(request, userId));
    },
  );
  app.delete<{ Params: Static<typeof MeMethodParams> }>(
    `${me}/:methodId`,
    { schema: { params: MeMethodParams }, config: userAudit('User deleted security info', 'Delete') },
    async (request, reply) => {
      const userId = meOf(request);
      // Step-up as on Security info; the refusal is recorded as the failed delete it is.
      await requireMeStepUp(deps, request, userId, async (refuse) => {
        await audited(deps, contextOf(request), passEntry('deleted', 'User', undefined, userId), async () => refuse());
      });
      await deleteTemporaryAccessPass(deps, selfContext(request, userId), userId, request.params.methodId, 'User');
      return reply.code(204).send();
    },
  );
  // Graph v1.0 has no self-service create (ENTRA-REFERENCE §1.2): 405, so a client learns the method, not the path, is wrong.
  app.post(me, { config: NOT_A_CHANGE }, async (_request, reply) =>
    methodNotAllowed(reply, 'GET', 'passNotSelfCreatable'),
  );
  app.patch(`${me}/:methodId`, { config: NOT_A_CHANGE }, async (_request, reply) =>
    methodNotAllowed(reply, 'GET, DELETE', 'passNotUpdatable'),
  );
}
