// Graph `/directory/administrativeUnits`: list, create, get/update/delete, members (list, add with `$ref`, remove
// with `/{id}/$ref`); and `/users/{id}/memberOf`, the user's units and groups.

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  addAdministrativeUnitMemberByReference,
  createAdministrativeUnit,
  deleteAdministrativeUnit,
  getAdministrativeUnit,
  listAdministrativeUnitMembers,
  listAdministrativeUnits,
  removeAdministrativeUnitMember,
  updateAdministrativeUnit,
} from '../../services/administrative-units.js';
import type { Deps } from '../../services/deps.js';
import {
  ADMINISTRATIVE_UNIT_PROPERTIES,
  toGraphAdministrativeUnit,
  toGraphGroup,
} from '../../services/graph-shapes.js';
import { listMemberOf } from '../../services/member-of.js';
import {
  collectionBody,
  contextOf,
  contextUrl,
  countOption,
  refuseUnsupportedOptions,
  selectOption,
  topOption,
} from './common.js';
import { limitedDirectoryObject, registerMemberRoutes } from './member-routes.js';
import { unitAudit } from './refusal-audit.js';

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const AnyQueryValue = Type.Union([Type.String(), Type.Array(Type.String())]);
const UNIT_TYPE = '#microsoft.graph.administrativeUnit';
const UNITS = 'directory/administrativeUnits';

const unitWritable = {
  '@odata.type': Type.Optional(Type.Literal(UNIT_TYPE)),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
};
const CreateUnitBody = Type.Object(
  {
    ...unitWritable,
    displayName: Type.String({ minLength: 1, maxLength: 256 }),
    // Only public units exist here: Graph's default, null.
    visibility: Type.Optional(Type.Null()),
  },
  { additionalProperties: false },
);
const UpdateUnitBody = Type.Object(unitWritable, { additionalProperties: false });
const UnitParams = Type.Object({ id: Type.String({ pattern: GUID }) }, { additionalProperties: false });
const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
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
const NoQuery = Type.Object({}, { additionalProperties: AnyQueryValue });

const unitBody = (unit: Parameters<typeof toGraphAdministrativeUnit>[0], select?: string[]) => ({
  '@odata.type': UNIT_TYPE,
  ...toGraphAdministrativeUnit(unit, select),
});

function registerUnitRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    `/${UNITS}`,
    { schema: { querystring: ListQuery } },
    async (request) => {
      const q = request.query;
      refuseUnsupportedOptions(q, ['$top', '$select', '$filter', '$skiptoken', '$count']);
      // The options are read once the service has checked that the caller may list units.
      const shown: { select?: (typeof ADMINISTRATIVE_UNIT_PROPERTIES)[number][] } = {};
      const page = await listAdministrativeUnits(deps, contextOf(request), () => {
        shown.select = selectOption(q.$select, ADMINISTRATIVE_UNIT_PROPERTIES);
        return { filter: q.$filter, top: topOption(q.$top), skipToken: q.$skiptoken, count: countOption(q.$count) };
      });
      const { select } = shown;
      return collectionBody(
        deps,
        request,
        contextUrl(UNITS, select),
        page,
        page.units.map((u) => unitBody(u, select)),
      );
    },
  );

  app.post<{ Body: Static<typeof CreateUnitBody> }>(
    `/${UNITS}`,
    { schema: { body: CreateUnitBody }, config: unitAudit('Add administrative unit', 'Add') },
    async (request, reply) => {
      const b = request.body;
      const unit = await createAdministrativeUnit(deps, contextOf(request), {
        displayName: b.displayName,
        description: b.description,
      });
      reply.code(201).header('location', new URL(`/v1.0/${UNITS}/${unit.id}`, deps.config.issuer).toString());
      return { '@odata.context': contextUrl(UNITS, undefined, '/$entity'), ...unitBody(unit) };
    },
  );

  app.get<{ Params: Static<typeof UnitParams>; Querystring: Static<typeof GetQuery> }>(
    `/${UNITS}/:id`,
    { schema: { params: UnitParams, querystring: GetQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query, ['$select']);
      const select = selectOption(request.query.$select, ADMINISTRATIVE_UNIT_PROPERTIES);
      const unit = await getAdministrativeUnit(deps, contextOf(request), request.params.id);
      return { '@odata.context': contextUrl(UNITS, select, '/$entity'), ...unitBody(unit, select) };
    },
  );

  app.patch<{ Params: Static<typeof UnitParams>; Body: Static<typeof UpdateUnitBody> }>(
    `/${UNITS}/:id`,
    { schema: { params: UnitParams, body: UpdateUnitBody }, config: unitAudit('Update administrative unit', 'Update') },
    async (request, reply) => {
      const { '@odata.type': _type, ...patch } = request.body;
      await updateAdministrativeUnit(deps, contextOf(request), request.params.id, patch);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof UnitParams> }>(
    `/${UNITS}/:id`,
    { schema: { params: UnitParams }, config: unitAudit('Delete administrative unit', 'Delete') },
    async (request, reply) => {
      await deleteAdministrativeUnit(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

function registerUnitMemberRoutes(app: FastifyInstance, deps: Deps): void {
  registerMemberRoutes(app, deps, {
    collection: `/${UNITS}`,
    audit: {
      add: unitAudit('Add member to administrative unit', 'Assign'),
      remove: unitAudit('Remove member from administrative unit', 'Unassign'),
    },
    list: listAdministrativeUnitMembers,
    addByReference: addAdministrativeUnitMemberByReference,
    remove: removeAdministrativeUnitMember,
  });

  app.get<{ Params: Static<typeof UserParams>; Querystring: Static<typeof NoQuery> }>(
    '/users/:id/memberOf',
    { schema: { params: UserParams, querystring: NoQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query as Record<string, unknown>, []);
      const { items } = await listMemberOf(deps, contextOf(request), request.params.id);
      const value = items.map((item) => {
        const shown =
          item.kind === 'administrativeUnit' ? toGraphAdministrativeUnit(item.unit) : toGraphGroup(item.group);
        const type = item.kind === 'administrativeUnit' ? UNIT_TYPE : '#microsoft.graph.group';
        return { '@odata.type': type, ...(item.limited ? limitedDirectoryObject(shown) : shown) };
      });
      return collectionBody(deps, request, contextUrl('directoryObjects'), {}, value);
    },
  );
}

export function registerAdministrativeUnitRoutes(app: FastifyInstance, deps: Deps): void {
  registerUnitRoutes(app, deps);
  registerUnitMemberRoutes(app, deps);
}
