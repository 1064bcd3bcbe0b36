// Graph `/auditLogs/directoryAudits` and `/auditLogs/signIns`: filtered, ordered, paged listings and single reads
// (ENTRA-REFERENCE §7), needing AuditLog.Read.All.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  getDirectoryAudit,
  getSignIn,
  listDirectoryAudits,
  listSignIns,
  toGraphSignIn,
  type LogQuery,
} from '../../services/audit-logs.js';
import type { Deps } from '../../services/deps.js';
import { AppError } from '../../domain/errors.js';
import { contextOf, contextUrl, collectionBody, refuseUnsupportedOptions, topOption } from './common.js';

const ListQuery = Type.Object(
  {
    $top: Type.Optional(Type.String()),
    $filter: Type.Optional(Type.String()),
    $orderby: Type.Optional(Type.String()),
    $skiptoken: Type.Optional(Type.String()),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);
const NoQuery = Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false });

type Query = Static<typeof ListQuery>;

/** Repeated options (`$top=1&$top=2`) arrive as arrays: ambiguous, so refused. */
function single(query: Query, name: '$top' | '$filter' | '$orderby' | '$skiptoken'): string | undefined {
  const value: unknown = (query as Record<string, unknown>)[name];
  if (value === undefined || typeof value === 'string') return value;
  return refuse(name);
}

function refuse(name: string): never {
  throw new AppError('queryOptionRepeated', { target: name, params: { option: name } });
}

/** $orderby is supported here besides the common options, so it is checked by name before the shared check. */
function logQueryOf(request: FastifyRequest<{ Querystring: Query }>): LogQuery {
  const q = request.query;
  const { $orderby: _orderby, ...rest } = q as Record<string, unknown>;
  refuseUnsupportedOptions(rest, ['$top', '$filter', '$skiptoken']);
  return {
    filter: single(q, '$filter'),
    top: topOption(single(q, '$top')),
    orderBy: single(q, '$orderby'),
    skipToken: single(q, '$skiptoken'),
  };
}

export function registerAuditLogRoutes(app: FastifyInstance, deps: Deps): void {
  // Routes match case-insensitively (app.ts), so this also serves Graph's `/auditLogs/directoryaudits` alias.
  {
    const segment = 'directoryAudits';
    app.get<{ Querystring: Query }>(
      `/auditLogs/${segment}`,
      { schema: { querystring: ListQuery } },
      async (request) => {
        const page = await listDirectoryAudits(deps, contextOf(request), logQueryOf(request));
        return collectionBody(deps, request, contextUrl('auditLogs/directoryAudits'), page, page.items);
      },
    );
    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof NoQuery> }>(
      `/auditLogs/${segment}/:id`,
      { schema: { params: IdParams, querystring: NoQuery } },
      async (request) => {
        refuseUnsupportedOptions(request.query as Record<string, unknown>, []);
        const audit = await getDirectoryAudit(deps, contextOf(request), request.params.id);
        return { '@odata.context': contextUrl('auditLogs/directoryAudits', undefined, '/$entity'), ...audit };
      },
    );
  }

  app.get<{ Querystring: Query }>('/auditLogs/signIns', { schema: { querystring: ListQuery } }, async (request) => {
    const page = await listSignIns(deps, contextOf(request), logQueryOf(request));
    return collectionBody(deps, request, contextUrl('auditLogs/signIns'), page, page.items.map(toGraphSignIn));
  });
  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof NoQuery> }>(
    '/auditLogs/signIns/:id',
    { schema: { params: IdParams, querystring: NoQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query as Record<string, unknown>, []);
      const signIn = await getSignIn(deps, contextOf(request), request.params.id);
      return { '@odata.context': contextUrl('auditLogs/signIns', undefined, '/$entity'), ...toGraphSignIn(signIn) };
    },
  );
}
