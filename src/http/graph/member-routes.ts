// Graph's `members` of a container (a group, an administrative unit): list, add with `$ref`, remove with
// `/{id}/$ref`. The containers differ only in their path, their service calls and their audit names.

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import type { Deps } from '../../services/deps.js';
import type { GuardedContext } from '../../services/guard.js';
import { toGraphUser, USER_PROPERTIES } from '../../services/graph-shapes.js';
import type { ListOptions } from '../../services/list-query.js';
import type { UserRecord } from '../../services/users.js';
import { collectionBody, contextOf, contextUrl, refuseUnsupportedOptions, selectOption, topOption } from './common.js';
import type { RefusalAudit } from './refusal-audit.js';

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const AnyQueryValue = Type.Union([Type.String(), Type.Array(Type.String())]);
const ContainerParams = Type.Object({ id: Type.String({ pattern: GUID }) }, { additionalProperties: false });
const MemberParams = Type.Object(
  { id: Type.String({ pattern: GUID }), memberId: Type.String({ pattern: GUID }) },
  { additionalProperties: false },
);
const RefBody = Type.Object(
  { '@odata.id': Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);
const MembersQuery = Type.Object(
  {
    $top: Type.Optional(Type.String()),
    $select: Type.Optional(Type.String()),
    $skiptoken: Type.Optional(Type.String()),
  },
  { additionalProperties: AnyQueryValue },
);

/** Graph's answer for a member the caller may not read: its id, and every other property it would show as null. */
export function limitedDirectoryObject(shown: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(shown).map((key) => [key, key === 'id' ? shown[key] : null]));
}

/**
 * The member id from an `@odata.id`: Graph's `https://graph.microsoft.com/v1.0/directoryObjects/{id}` (or `/users/{id}`),
 * also on our own origin, so scripts written for Graph work after changing only the base URL.
 */
export function memberIdFromODataId(deps: Deps, odataId: string): string {
  const refuse = () => new AppError('invalidODataId', { target: '@odata.id' });
  let url: URL;
  try {
    url = new URL(odataId);
  } catch {
    throw refuse();
  }
  const origins = new Set(['https://graph.microsoft.com', new URL(deps.config.issuer).origin]);
  if (!origins.has(url.origin)) throw refuse();
  const match = /^\/(?:v1\.0|beta)\/(?:directoryObjects|users)\/([^/]+)$/i.exec(url.pathname);
  const id = match ? decodeURIComponent(match[1]!) : '';
  if (!isGuid(id)) throw refuse();
  return id.toLowerCase();
}

type RouteAudit = { readonly audit: RefusalAudit };
type MembersPage = { members: UserRecord[]; limited: ReadonlySet<string>; nextSkipToken?: string };

export interface MemberRoutes {
  /** The container's collection path without the version: "/groups", "/directory/administrativeUnits". */
  readonly collection: string;
  readonly audit: { readonly add: RouteAudit; readonly remove: RouteAudit };
  list(
    deps: Deps,
    ctx: GuardedContext,
    id: string,
    options: ListOptions<{ top?: number; skipToken?: string }>,
  ): Promise<MembersPage>;
  addByReference(deps: Deps, ctx: GuardedContext, id: string, memberOf: () => string): Promise<void>;
  remove(deps: Deps, ctx: GuardedContext, id: string, memberId: string): Promise<void>;
}

export function registerMemberRoutes(app: FastifyInstance, deps: Deps, routes: MemberRoutes): void {
  app.get<{ Params: Static<typeof ContainerParams>; Querystring: Static<typeof MembersQuery> }>(
    `${routes.collection}/:id/members`,
    { schema: { params: ContainerParams, querystring: MembersQuery } },
    async (request) => {
      const q = request.query;
      refuseUnsupportedOptions(q, ['$top', '$select', '$skiptoken']);
      const shown: { select?: (typeof USER_PROPERTIES)[number][] } = {};
      const page = await routes.list(deps, contextOf(request), request.params.id, () => {
        shown.select = selectOption(q.$select, USER_PROPERTIES);
        return { top: topOption(q.$top), skipToken: q.$skiptoken };
      });
      const { select } = shown;
      // A members list may mix object types, so every item names its type (the SDKs rely on it). A caller who may read
      // the container but not users gets Graph's "limited information": the type and id, every other property null.
      const members = page.members.map((u) => {
        const user = toGraphUser(u, select);
        return {
          '@odata.type': '#microsoft.graph.user',
          ...(page.limited.has(u.id) ? limitedDirectoryObject(user) : user),
        };
      });
      return collectionBody(deps, request, contextUrl('directoryObjects', select), page, members);
    },
  );

  app.post<{ Params: Static<typeof ContainerParams>; Body: Static<typeof RefBody> }>(
    `${routes.collection}/:id/members/$ref`,
    { schema: { params: ContainerParams, body: RefBody }, config: routes.audit.add },
    async (request, reply) => {
      await routes.addByReference(deps, contextOf(request), request.params.id, () =>
        memberIdFromODataId(deps, request.body['@odata.id']),
      );
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof MemberParams> }>(
    `${routes.collection}/:id/members/:memberId/$ref`,
    { schema: { params: MemberParams }, config: routes.audit.remove },
    async (request, reply) => {
      await routes.remove(deps, contextOf(request), request.params.id, request.params.memberId);
      return reply.code(204).send();
    },
  );
}
