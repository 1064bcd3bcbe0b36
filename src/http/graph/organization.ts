// Graph `/organization`: the one tenant, its id, name and verified domains.

import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../services/deps.js';
import { callerOf, GRAPH_METADATA } from './common.js';

export function registerOrganizationRoutes(app: FastifyInstance, deps: Deps): void {
  // Any valid token may read it, as Graph lets any signed-in user (User.Read) read their organization.
  app.get('/organization', async (request) => {
    callerOf(request);
    const tenant = deps.tenant;
    return {
      '@odata.context': `${GRAPH_METADATA}#organization`,
      value: [
        {
          id: tenant.id,
          displayName: tenant.displayName,
          tenantType: 'AAD',
          verifiedDomains: tenant.domains.map((d, i) => ({
            name: d.name,
            isDefault: d.isDefault,
            isInitial: i === 0,
            type: 'Managed',
            capabilities: 'None',
          })),
        },
      ],
    };
  });
}
