// Graph `/roleManagement/directory`: role definitions (built-in and custom) and role assignments, as Graph's
// unifiedRoleDefinition and unifiedRoleAssignment.

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../../services/deps.js';
import { toGraphUser } from '../../services/graph-shapes.js';
import { allows } from '../../services/guard.js';
import {
  createRoleAssignment,
  deleteRoleAssignment,
  getRoleAssignment,
  listRoleAssignments,
  toGraphRoleAssignment,
  type ExpandedRoleAssignment,
  type RolePrincipal,
} from '../../services/role-assignments.js';
import {
  createRoleDefinition,
  deleteRoleDefinition,
  getRoleDefinition,
  listRoleDefinitions,
  toGraphRoleDefinition,
  updateRoleDefinition,
  type RoleDefinitionPatch,
} from '../../services/role-definitions.js';
import { contextOf, contextUrl, refuseUnsupportedOptions } from './common.js';
import { limitedDirectoryObject } from './member-routes.js';
import { roleAudit } from './refusal-audit.js';

const BASE = '/roleManagement/directory';
const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const AnyQueryValue = Type.Union([Type.String(), Type.Array(Type.String())]);
const IdParams = Type.Object({ id: Type.String({ pattern: GUID }) }, { additionalProperties: false });
const NoQuery = Type.Object({}, { additionalProperties: AnyQueryValue });
const AssignmentsQuery = Type.Object(
  { $filter: Type.Optional(Type.String()), $expand: Type.Optional(Type.String()) },
  { additionalProperties: AnyQueryValue },
);
const RolePermission = Type.Object(
  {
    allowedResourceActions: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 100 }),
    condition: Type.Optional(Type.Null()),
    excludedResourceActions: Type.Optional(Type.Array(Type.String(), { maxItems: 0 })),
  },
  { additionalProperties: false },
);
const definitionWritable = {
  '@odata.type': Type.Optional(Type.Literal('#microsoft.graph.unifiedRoleDefinition')),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
  isEnabled: Type.Optional(Type.Boolean()),
  rolePermissions: Type.Optional(Type.Array(RolePermission, { minItems: 1, maxItems: 1 })),
  // Graph lets a client send these on create; only the tenant scope exists for a role definition here.
  resourceScopes: Type.Optional(Type.Array(Type.Literal('/'), { maxItems: 1 })),
  templateId: Type.Optional(Type.String({ maxLength: 64 })),
  version: Type.Optional(Type.String({ maxLength: 16 })),
};
const CreateDefinitionBody = Type.Object(
  {
    ...definitionWritable,
    displayName: Type.String({ minLength: 1, maxLength: 256 }),
    rolePermissions: Type.Array(RolePermission, { minItems: 1, maxItems: 1 }),
  },
  { additionalProperties: false },
);
const UpdateDefinitionBody = Type.Object(definitionWritable, { additionalProperties: false });
const CreateAssignmentBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.Literal('#microsoft.graph.unifiedRoleAssignment')),
    principalId: Type.String({ pattern: GUID }),
    roleDefinitionId: Type.String({ pattern: GUID }),
    directoryScopeId: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

type Expand = 'principal' | 'roleDefinition';

/** `$expand=principal,roleDefinition` (either, or both); anything else is Graph's 400. */
function expandOption(text: string | undefined): Expand[] {
  if (text === undefined) return [];
  const out: Expand[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const found = (['principal', 'roleDefinition'] as const).find((e) => e.toLowerCase() === part.toLowerCase());
    if (!found)
      throw new AppError('invalidQueryOption', {
        target: '$expand',
        params: { option: '$expand', detail: `'${part}' cannot be expanded; use principal or roleDefinition.` },
      });
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/** The expanded principal: a user (limited to its id when the caller may not read users) or a service principal. */
function graphPrincipal(ctxAllowsUser: (id: string) => boolean, principal: RolePrincipal): Record<string, unknown> {
  if (principal.type === 'servicePrincipal')
    return {
      '@odata.type': '#microsoft.graph.servicePrincipal',
      id: principal.id,
      appId: principal.app.appId,
      displayName: principal.app.displayName,
      servicePrincipalType: 'Application',
      accountEnabled: true,
    };
  const user = toGraphUser(principal.user);
  return {
    '@odata.type': '#microsoft.graph.user',
    ...(ctxAllowsUser(principal.id) ? user : limitedDirectoryObject(user)),
  };
}

export function registerRoleManagementRoutes(app: FastifyInstance, deps: Deps): void {
  const graphAssignment = (ctxAllowsUser: (id: string) => boolean, a: ExpandedRoleAssignment) => ({
    ...toGraphRoleAssignment(a.assignment),
    ...(a.principal ? { principal: graphPrincipal(ctxAllowsUser, a.principal) } : {}),
    ...(a.roleDefinition ? { roleDefinition: toGraphRoleDefinition(a.roleDefinition) } : {}),
  });

  app.get(`${BASE}/roleDefinitions`, { schema: { querystring: NoQuery } }, async (request) => {
    refuseUnsupportedOptions(request.query as Record<string, unknown>, []);
    const roles = await listRoleDefinitions(deps, contextOf(request));
    return {
      '@odata.context': contextUrl('roleManagement/directory/roleDefinitions'),
      value: roles.map(toGraphRoleDefinition),
    };
  });

  app.post<{ Body: Static<typeof CreateDefinitionBody> }>(
    `${BASE}/roleDefinitions`,
    { schema: { body: CreateDefinitionBody }, config: roleAudit('Add role definition', 'Add') },
    async (request, reply) => {
      const b = request.body;
      const role = await createRoleDefinition(deps, contextOf(request), {
        displayName: b.displayName,
        description: b.description ?? null,
        ...(b.isEnabled === undefined ? {} : { isEnabled: b.isEnabled }),
        allowedResourceActions: b.rolePermissions[0]?.allowedResourceActions ?? [],
      });
      reply
        .code(201)
        .header('location', new URL(`/v1.0${BASE}/roleDefinitions/${role.id}`, deps.config.issuer).toString());
      return {
        '@odata.context': contextUrl('roleManagement/directory/roleDefinitions', undefined, '/$entity'),
        ...toGraphRoleDefinition(role),
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    `${BASE}/roleDefinitions/:id`,
    { schema: { params: IdParams, querystring: NoQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query as Record<string, unknown>, []);
      const role = await getRoleDefinition(deps, contextOf(request), request.params.id);
      return {
        '@odata.context': contextUrl('roleManagement/directory/roleDefinitions', undefined, '/$entity'),
        ...toGraphRoleDefinition(role),
      };
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateDefinitionBody> }>(
    `${BASE}/roleDefinitions/:id`,
    { schema: { params: IdParams, body: UpdateDefinitionBody }, config: roleAudit('Update role definition', 'Update') },
    async (request, reply) => {
      const b = request.body;
      const patch: RoleDefinitionPatch = {
        ...(b.displayName === undefined ? {} : { displayName: b.displayName }),
        ...(b.description === undefined ? {} : { description: b.description }),
        ...(b.isEnabled === undefined ? {} : { isEnabled: b.isEnabled }),
        ...(b.rolePermissions === undefined
          ? {}
          : { allowedResourceActions: b.rolePermissions[0]?.allowedResourceActions ?? [] }),
      };
      await updateRoleDefinition(deps, contextOf(request), request.params.id, patch);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    `${BASE}/roleDefinitions/:id`,
    { schema: { params: IdParams }, config: roleAudit('Delete role definition', 'Delete') },
    async (request, reply) => {
      await deleteRoleDefinition(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof AssignmentsQuery> }>(
    `${BASE}/roleAssignments`,
    { schema: { querystring: AssignmentsQuery } },
    async (request) => {
      const q = request.query;
      refuseUnsupportedOptions(q, ['$filter', '$expand']);
      const ctx = contextOf(request);
      const rows = await listRoleAssignments(deps, ctx, () => ({ filter: q.$filter, expand: expandOption(q.$expand) }));
      const may = (id: string) => allows(ctx, 'microsoft.directory/users/standard/read', { kind: 'user', id });
      return {
        '@odata.context': contextUrl('roleManagement/directory/roleAssignments'),
        value: rows.map((a) => graphAssignment(may, a)),
      };
    },
  );

  app.post<{ Body: Static<typeof CreateAssignmentBody> }>(
    `${BASE}/roleAssignments`,
    { schema: { body: CreateAssignmentBody }, config: roleAudit('Add member to role', 'Assign') },
    async (request, reply) => {
      const b = request.body;
      const created = await createRoleAssignment(deps, contextOf(request), {
        principalId: b.principalId,
        roleDefinitionId: b.roleDefinitionId,
        directoryScopeId: b.directoryScopeId,
      });
      reply
        .code(201)
        .header('location', new URL(`/v1.0${BASE}/roleAssignments/${created.id}`, deps.config.issuer).toString());
      return {
        '@odata.context': contextUrl('roleManagement/directory/roleAssignments', undefined, '/$entity'),
        ...toGraphRoleAssignment(created),
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof AssignmentsQuery> }>(
    `${BASE}/roleAssignments/:id`,
    { schema: { params: IdParams, querystring: AssignmentsQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query, ['$expand']);
      const ctx = contextOf(request);
      const found = await getRoleAssignment(deps, ctx, request.params.id, expandOption(request.query.$expand));
      const may = (id: string) => allows(ctx, 'microsoft.directory/users/standard/read', { kind: 'user', id });
      return {
        '@odata.context': contextUrl('roleManagement/directory/roleAssignments', undefined, '/$entity'),
        ...graphAssignment(may, found),
      };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    `${BASE}/roleAssignments/:id`,
    { schema: { params: IdParams }, config: roleAudit('Remove member from role', 'Unassign') },
    async (request, reply) => {
      await deleteRoleAssignment(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
