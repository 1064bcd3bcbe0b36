// Graph `/groups`: list, create, get/update/delete, members (list, add with `$ref`, remove with `/{id}/$ref`).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../services/deps.js';
import { GROUP_PROPERTIES, toGraphGroup } from '../../services/graph-shapes.js';
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
import { registerMemberRoutes } from './member-routes.js';
import { groupAudit } from './refusal-audit.js';

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

  registerMemberRoutes(app, deps, {
    collection: '/groups',
    audit: {
      add: groupAudit('Add member to group', 'Assign'),
      remove: groupAudit('Remove member from group', 'Unassign'),
    },
    list: listGroupMembers,
    addByReference: addGroupMemberByReference,
    remove: removeGroupMember,
  });
}
