// Graph `/users/{id|upn}/authentication/emailMethods` (create, list, get, update, delete): the user's notification
// email, where "This wasn't me" notices go (ENTRA-REFERENCE: emailAuthenticationMethod). Set by an administrator, it
// counts as verified.

import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../../services/deps.js';
import {
  addEmailMethod,
  deleteEmailMethod,
  EMAIL_METHOD_TYPE,
  getEmailMethod,
  listEmailMethods,
  toGraphEmailMethod,
  updateEmailMethod,
} from '../../services/email-methods.js';
import {
  AnyQuery,
  authenticationContext,
  MethodParams,
  refuseAllOptions,
  UserParams,
  type Query,
} from './authentication-common.js';
import { contextOf } from './common.js';
import { userAudit } from './refusal-audit.js';

/** The body's emailAddress; `@odata.type` of this type allowed, anything else refused by name. */
function emailAddressOf(body: unknown, required: boolean): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError('bodyNotObject', { target: 'body' });
  for (const [key, value] of Object.entries(body)) {
    if (key === '@odata.type' && value === EMAIL_METHOD_TYPE) continue;
    if (key === '@odata.type')
      throw new AppError('odataTypeMismatch', { target: key, params: { property: key, type: EMAIL_METHOD_TYPE } });
    if (key === 'id') throw new AppError('readOnlyOnCreate', { target: key, params: { property: key } });
    if (key !== 'emailAddress')
      throw new AppError('unknownProperty', {
        target: key,
        params: { property: key, type: 'microsoft.graph.emailAuthenticationMethod' },
      });
  }
  const address = (body as { emailAddress?: unknown }).emailAddress;
  if (required && address === undefined) throw new AppError('invalidEmailAddress', { target: 'emailAddress' });
  return address;
}

export function registerEmailMethodRoutes(app: FastifyInstance, deps: Deps): void {
  const base = '/users/:id/authentication/emailMethods';
  const entity = (userId: string) => `${authenticationContext(userId, 'emailMethods')}/$entity`;

  app.post<{ Params: Static<typeof UserParams> }>(
    base,
    { schema: { params: UserParams }, config: userAudit('Admin registered security info', 'Add') },
    async (request, reply) => {
      refuseAllOptions(request.query as Query);
      const m = await addEmailMethod(deps, contextOf(request), request.params.id, emailAddressOf(request.body, true));
      reply
        .code(201)
        .header(
          'location',
          new URL(`/v1.0/users/${m.userId}/authentication/emailMethods/${m.id}`, deps.config.issuer).toString(),
        );
      return { '@odata.context': entity(m.userId), ...toGraphEmailMethod(m) };
    },
  );

  app.get<{ Params: Static<typeof UserParams>; Querystring: Query }>(
    base,
    { schema: { params: UserParams, querystring: AnyQuery } },
    async (request) => {
      refuseAllOptions(request.query as Query);
      const { userId, methods } = await listEmailMethods(deps, contextOf(request), request.params.id);
      return {
        '@odata.context': authenticationContext(userId, 'emailMethods'),
        value: methods.map(toGraphEmailMethod),
      };
    },
  );

  app.get<{ Params: Static<typeof MethodParams>; Querystring: Query }>(
    `${base}/:methodId`,
    { schema: { params: MethodParams, querystring: AnyQuery } },
    async (request) => {
      refuseAllOptions(request.query as Query);
      const m = await getEmailMethod(deps, contextOf(request), request.params.id, request.params.methodId);
      return { '@odata.context': entity(m.userId), ...toGraphEmailMethod(m) };
    },
  );

  app.patch<{ Params: Static<typeof MethodParams> }>(
    `${base}/:methodId`,
    { schema: { params: MethodParams }, config: userAudit('Admin updated security info', 'Update') },
    async (request, reply) => {
      const address = emailAddressOf(request.body, true);
      await updateEmailMethod(deps, contextOf(request), request.params.id, request.params.methodId, address);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof MethodParams> }>(
    `${base}/:methodId`,
    { schema: { params: MethodParams }, config: userAudit('Admin deleted security info', 'Delete') },
    async (request, reply) => {
      await deleteEmailMethod(deps, contextOf(request), request.params.id, request.params.methodId);
      return reply.code(204).send();
    },
  );
}
