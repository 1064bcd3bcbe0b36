// Graph `/groups`: list, create, get/update/delete, members (list, add with `$ref`, remove with `/{id}/$ref`).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import type { Deps } from '../../services/deps.js';
import { GROUP_PROPERTIES, toGraphGroup, toGraphUser, USER_PROPERTIES } from '../../services/graph-shapes.js';
import {
  addGroupMemberByReference,
  createGroup,
  deleteGroup,
  getGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
  updateGroup,
  type GroupPatch,
} from '../../services/groups.js';
import {
  contextOf,
  contextUrl,
  countOption,
  collectionBody,
  refuseUnsupportedOptions,
  selectOption,
  topOption,
} from './common.js';
import { groupAudit } from './refusal-audit.js';

/** Graph's answer for a member the caller may not read: its id, and every other property it would show as null. */
export function limitedDirectoryObject(shown: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(shown).map((key) => [key, key === 'id' ? shown[key] : null]));
}

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const AnyQueryValue = Type.Union([Type.String(), Type.Array(Type.String())]);

const groupWritable = {
  '@odata.type': Type.Optional(Type.Literal('#microsoft.graph.group')),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
  mailNickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  securityEnabled: Type.Optional(Type.Boolean()),
  mailEnabled: Type.Optional(Type.Boolean()),
  // Only security groups exist here: an empty list, as Graph returns for them.
  groupTypes: Type.Optional(Type.Array(Type.String(), { maxItems: 0 })),
};
const CreateGroupBody = Type.Object(
  { ...groupWritable, displayName: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
const UpdateGroupBody = Type.Object(groupWritable, { additionalProperties: false });
const GroupParams = Type.Object({ id: Type.String({ pattern: GUID }) }, { additionalProperties: false });
const MemberParams = Type.Object(
  { id: Type.String({ pattern: GUID }), memberId: Type.String({ pattern: GUID }) },
  { additionalProperties: false },
);
const RefBody = Type.Object(
  { '@odata.id': Type.String({ minLength: 1, maxLength: 2048 }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    $top: Type.Optional(Type.String()),
    $select: Type.Optional(Type.String()),
    $filter: Type.Optional(Type.String()),
    $skiptoken: Type.Optional(Type.String()),
    $count: Type.Optional(Type.String()),
  },
  { additionalProperties: AnyQueryValue },
);
const GetQuery = Type.Object({ $select: Type.Optional(Type.String()) }, { additionalProperties: AnyQueryValue });

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

export function registerGroupRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/groups',
    { schema: { querystring: ListQuery } },
    async (request) => {
      const q = request.query;
      refuseUnsupportedOptions(q, ['$top', '$select', '$filter', '$skiptoken', '$count']);
      // The options are read once the service has checked that the caller may list groups.
      const shown: { select?: (typeof GROUP_PROPERTIES)[number][] } = {};
      const page = await listGroups(deps, contextOf(request), () => {
        shown.select = selectOption(q.$select, GROUP_PROPERTIES);
        return { filter: q.$filter, top: topOption(q.$top), skipToken: q.$skiptoken, count: countOption(q.$count) };
      });
      const { select } = shown;
      return collectionBody(
        deps,
        request,
        contextUrl('groups', select),
        page,
        page.groups.map((g) => toGraphGroup(g, select)),
      );
    },
  );

  app.post<{ Body: Static<typeof CreateGroupBody> }>(
    '/groups',
    { schema: { body: CreateGroupBody }, config: groupAudit('Add group', 'Add') },
    async (request, reply) => {
      const b = request.body;
      const group = await createGroup(deps, contextOf(request), {
        displayName: b.displayName,
        description: b.description,
        mailNickname: b.mailNickname,
        securityEnabled: b.securityEnabled,
        mailEnabled: b.mailEnabled,
      });
      reply.code(201).header('location', new URL(`/v1.0/groups/${group.id}`, deps.config.issuer).toString());
      return { '@odata.context': contextUrl('groups', undefined, '/$entity'), ...toGraphGroup(group) };
    },
  );

  app.get<{ Params: Static<typeof GroupParams>; Querystring: Static<typeof GetQuery> }>(
    '/groups/:id',
    { schema: { params: GroupParams, querystring: GetQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query, ['$select']);
      const select = selectOption(request.query.$select, GROUP_PROPERTIES);
      const group = await getGroup(deps, contextOf(request), request.params.id);
      return { '@odata.context': contextUrl('groups', select, '/$entity'), ...toGraphGroup(group, select) };
    },
  );

  app.patch<{ Params: Static<typeof GroupParams>; Body: Static<typeof UpdateGroupBody> }>(
    '/groups/:id',
    { schema: { params: GroupParams, body: UpdateGroupBody }, config: groupAudit('Update group', 'Update') },
    async (request, reply) => {
      const { '@odata.type': _type, groupTypes: _groupTypes, ...patch } = request.body;
      await updateGroup(deps, contextOf(request), request.params.id, patch satisfies GroupPatch);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof GroupParams> }>(
    '/groups/:id',
    { schema: { params: GroupParams }, config: groupAudit('Delete group', 'Delete') },
    async (request, reply) => {
      await deleteGroup(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof GroupParams>; Querystring: Static<typeof ListQuery> }>(
    '/groups/:id/members',
    { schema: { params: GroupParams, querystring: ListQuery } },
    async (request) => {
      const q = request.query;
      refuseUnsupportedOptions(q, ['$top', '$select', '$skiptoken']);
      const shown: { select?: (typeof USER_PROPERTIES)[number][] } = {};
      const page = await listGroupMembers(deps, contextOf(request), request.params.id, () => {
        shown.select = selectOption(q.$select, USER_PROPERTIES);
        return { top: topOption(q.$top), skipToken: q.$skiptoken };
      });
      const { select } = shown;
      // A members list may mix object types, so every item names its type (the SDKs rely on it). A caller who may read
      // the group but not users gets Graph's "limited information": the type and id, every other property null.
      const members = page.members.map((u) => {
        const shown = toGraphUser(u, select);
        return {
          '@odata.type': '#microsoft.graph.user',
          ...(page.limited.has(u.id) ? limitedDirectoryObject(shown) : shown),
        };
      });
      return collectionBody(deps, request, contextUrl('directoryObjects', select), page, members);
    },
  );

  app.post<{ Params: Static<typeof GroupParams>; Body: Static<typeof RefBody> }>(
    '/groups/:id/members/$ref',
    { schema: { params: GroupParams, body: RefBody }, config: groupAudit('Add member to group', 'Assign') },
    async (request, reply) => {
      await addGroupMemberByReference(deps, contextOf(request), request.params.id, () =>
        memberIdFromODataId(deps, request.body['@odata.id']),
      );
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof MemberParams> }>(
    '/groups/:id/members/:memberId/$ref',
    { schema: { params: MemberParams }, config: groupAudit('Remove member from group', 'Unassign') },
    async (request, reply) => {
      await removeGroupMember(deps, contextOf(request), request.params.id, request.params.memberId);
      return reply.code(204).send();
    },
  );
}
