// Graph `/oauth2PermissionGrants`: an administrator's tenant-wide grants of delegated Graph permissions to an app
// (`consentType: AllPrincipals`, `resourceId` Microsoft Graph, `scope` space-separated). Admin-only permissions reach
// a delegated token only through one of these. List, get, create (201) and delete (204).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditEntry, AuditActivity } from '../../domain/audit.js';
import type { Deps } from '../../services/deps.js';
import {
  createPermissionGrant,
  deletePermissionGrant,
  getPermissionGrant,
  listPermissionGrants,
  toGraphPermissionGrant,
} from '../../services/permission-grants.js';
import { contextOf, contextUrl, refuseUnsupportedOptions } from './common.js';
import type { RefusalAudit } from './refusal-audit.js';

const grantAudit = (activity: AuditActivity, operationType: AuditEntry['operationType']) => ({
  audit: { activity, category: 'ApplicationManagement', operationType, targetType: 'App' } satisfies RefusalAudit,
});

const GrantParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
const AnyQuery = Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) });
const CreateGrantBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.Literal('#microsoft.graph.oAuth2PermissionGrant')),
    clientId: Type.String({ minLength: 1, maxLength: 64 }),
    consentType: Type.Literal('AllPrincipals'),
    principalId: Type.Optional(Type.Null()),
    resourceId: Type.String({ minLength: 1, maxLength: 64 }),
    scope: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);

const SET = 'oauth2PermissionGrants';

export function registerPermissionGrantRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Record<string, string | string[]> }>(
    `/${SET}`,
    { schema: { querystring: AnyQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query, []);
      const grants = await listPermissionGrants(deps, contextOf(request));
      return { '@odata.context': contextUrl(SET), value: grants.map(toGraphPermissionGrant) };
    },
  );

  app.get<{ Params: Static<typeof GrantParams>; Querystring: Record<string, string | string[]> }>(
    `/${SET}/:id`,
    { schema: { params: GrantParams, querystring: AnyQuery } },
    async (request) => {
      refuseUnsupportedOptions(request.query, []);
      const grant = await getPermissionGrant(deps, contextOf(request), request.params.id);
      return { '@odata.context': contextUrl(SET, undefined, '/$entity'), ...toGraphPermissionGrant(grant) };
    },
  );

  app.post<{ Body: Static<typeof CreateGrantBody> }>(
    `/${SET}`,
    { schema: { body: CreateGrantBody }, config: grantAudit('Add delegated permission grant', 'Assign') },
    async (request, reply) => {
      const b = request.body;
      const grant = await createPermissionGrant(deps, contextOf(request), {
        clientId: b.clientId,
        consentType: b.consentType,
        resourceId: b.resourceId,
        scope: b.scope,
      });
      reply.code(201).header('location', new URL(`/v1.0/${SET}/${grant.id}`, deps.config.issuer).toString());
      return { '@odata.context': contextUrl(SET, undefined, '/$entity'), ...toGraphPermissionGrant(grant) };
    },
  );

  app.delete<{ Params: Static<typeof GrantParams> }>(
    `/${SET}/:id`,
    { schema: { params: GrantParams }, config: grantAudit('Remove delegated permission grant', 'Unassign') },
    async (request, reply) => {
      await deletePermissionGrant(deps, contextOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
