// Graph `/policies/authenticationMethodsPolicy` and its TemporaryAccessPass configuration: GET, PATCH (merge → 204),
// DELETE (reset → 204) (ENTRA-REFERENCE §2).

import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.js';
import { DEFAULT_TAP_POLICY, TAP_CONFIGURATION_ID, toGraphTapConfiguration } from '../../domain/tap/policy.js';
import type { Deps } from '../../services/deps.js';
import { getAuthenticationMethodsPolicy, readTapPolicy } from '../../services/authentication-methods-policy.js';
import { updateTapPolicy } from '../../services/tap-policy.js';
import { contextOf, GRAPH_METADATA } from './common.js';
import { policyAudit } from './refusal-audit.js';

/** A refused change of the configuration records the activity a change records. */
const UPDATE = 'Authentication Methods Policy Update';
const POLICY_PATH = '/policies/authenticationMethodsPolicy';
const CONFIG_PATH = `${POLICY_PATH}/authenticationMethodConfigurations/:id`;

const ConfigParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
const AnyQuery = Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) });

const DESCRIPTION =
  'The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings';

/** No optional query parameters here (Gatepass returns every property; $select/$expand would be silently wrong). */
function refuseOptions(query: Record<string, unknown>): void {
  for (const key of Object.keys(query))
    if (key.startsWith('$')) throw new AppError('queryOptionNotSupported', { target: key, params: { option: key } });
}

/** 'TemporaryAccessPass' in any case (Graph accepts 'temporaryAccessPass' too); any other configuration is not served. */
function checkConfigId(id: string): void {
  if (id.toLowerCase() !== TAP_CONFIGURATION_ID.toLowerCase())
    throw new AppError('resourceNotFound', { target: 'id', params: { id } });
}

function includeTargetsContext(): string {
  return `${GRAPH_METADATA}#policies/authenticationMethodsPolicy/authenticationMethodConfigurations('${TAP_CONFIGURATION_ID}')/microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration/includeTargets`;
}

/**
 * DELETE resets to Entra's defaults but keeps `state`: a reset meant to undo tuning must not silently re-enable
 * passes an administrator switched off (nor switch off the method the tenant's onboarding relies on).
 */
const RESET_PATCH = (() => {
  const { state: _state, '@odata.type': _type, id: _id, ...rest } = toGraphTapConfiguration(DEFAULT_TAP_POLICY);
  return rest;
})();

export function registerAuthenticationMethodsPolicyRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: Static<typeof AnyQuery> }>(
    POLICY_PATH,
    { schema: { querystring: AnyQuery } },
    async (request) => {
      refuseOptions(request.query as Record<string, unknown>);
      const { tap, lastModified } = await getAuthenticationMethodsPolicy(deps, contextOf(request));
      return {
        '@odata.context': `${GRAPH_METADATA}#authenticationMethodsPolicy`,
        id: 'authenticationMethodsPolicy',
        displayName: 'Authentication Methods Policy',
        description: DESCRIPTION,
        lastModifiedDateTime: lastModified?.toISOString() ?? null,
        policyVersion: '1.5',
        policyMigrationState: 'migrationComplete',
        reconfirmationInDays: 0,
        registrationEnforcement: {
          authenticationMethodsRegistrationCampaign: {
            snoozeDurationInDays: 1,
            state: 'disabled',
            excludeTargets: [],
            includeTargets: [],
          },
        },
        authenticationMethodConfigurations: [toGraphTapConfiguration(tap)],
      };
    },
  );

  app.get<{ Params: Static<typeof ConfigParams>; Querystring: Static<typeof AnyQuery> }>(
    CONFIG_PATH,
    { schema: { params: ConfigParams, querystring: AnyQuery } },
    async (request) => {
      refuseOptions(request.query as Record<string, unknown>);
      // The service checks the permission first: a caller without it gets 403 whatever the id.
      const policy = await readTapPolicy(deps, contextOf(request));
      checkConfigId(request.params.id);
      const config = toGraphTapConfiguration(policy);
      const { includeTargets, excludeTargets, ...head } = config;
      return {
        '@odata.context': `${GRAPH_METADATA}#authenticationMethodConfigurations/$entity`,
        ...head,
        'includeTargets@odata.context': includeTargetsContext(),
        includeTargets,
        excludeTargets,
      };
    },
  );

  // The body goes to the policy service as it came: it reads it strictly and refuses a bad PATCH whole, naming the rule.
  app.patch<{ Params: Static<typeof ConfigParams> }>(
    CONFIG_PATH,
    { schema: { params: ConfigParams }, config: policyAudit(UPDATE) },
    async (request, reply) => {
      refuseOptions(request.query as Record<string, unknown>);
      checkConfigId(request.params.id);
      const body: unknown = request.body ?? {};
      await updateTapPolicy(deps, contextOf(request), body);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Static<typeof ConfigParams> }>(
    CONFIG_PATH,
    { schema: { params: ConfigParams }, config: policyAudit(UPDATE) },
    async (request, reply) => {
      checkConfigId(request.params.id);
      await updateTapPolicy(deps, contextOf(request), RESET_PATCH);
      return reply.code(204).send();
    },
  );
}
