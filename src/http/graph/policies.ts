// Graph `/policies/identitySecurityDefaultsEnforcementPolicy` (ENTRA-REFERENCE §4): GET, and PATCH {isEnabled} → 204.

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../services/deps.js';
import {
  readSecurityDefaults,
  SECURITY_DEFAULTS_OBJECT_ID,
  setSecurityDefaults,
} from '../../services/security-defaults.js';
import { contextOf, GRAPH_METADATA, refuseUnsupportedOptions, selectOption } from './common.js';
import { policyAudit } from './refusal-audit.js';

const PROPERTIES = ['id', 'displayName', 'description', 'isEnabled'] as const;
const DESCRIPTION =
  'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.';

const PatchBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.Literal('#microsoft.graph.identitySecurityDefaultsEnforcementPolicy')),
    isEnabled: Type.Boolean(),
  },
  { additionalProperties: false },
);
const GetQuery = Type.Object(
  { $select: Type.Optional(Type.String()) },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);

const PATH = '/policies/identitySecurityDefaultsEnforcementPolicy';

export function registerPolicyRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Static<typeof GetQuery> }>(PATH, { schema: { querystring: GetQuery } }, async (request) => {
    refuseUnsupportedOptions(request.query, ['$select']);
    const { isEnabled } = await readSecurityDefaults(deps, contextOf(request));
    const select = selectOption(request.query.$select, PROPERTIES);
    const all: Record<(typeof PROPERTIES)[number], unknown> = {
      id: SECURITY_DEFAULTS_OBJECT_ID,
      displayName: 'Security Defaults',
      description: DESCRIPTION,
      isEnabled,
    };
    const body: Record<string, unknown> = {
      '@odata.context': `${GRAPH_METADATA}#policies/identitySecurityDefaultsEnforcementPolicy${select ? `(${select.join(',')})` : ''}`,
    };
    for (const key of PROPERTIES) if (!select || select.includes(key)) body[key] = all[key];
    return body;
  });

  const audit = policyAudit('Update policy', SECURITY_DEFAULTS_OBJECT_ID);
  app.patch<{ Body: Static<typeof PatchBody> }>(
    PATH,
    { schema: { body: PatchBody }, config: audit },
    async (request, reply) => {
      const { isEnabled } = request.body;
      // The use case checks the permission, so a refusal is audited as the same "Update policy" activity.
      await setSecurityDefaults(deps, contextOf(request), isEnabled);
      return reply.code(204).send();
    },
  );
}
