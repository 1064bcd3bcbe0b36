// Graph `/organization`: the one tenant, its id, name and verified domains.

import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../../services/deps.js';
import {
  listSecurityContacts,
  SECURITY_CONTACTS_PROPERTY,
  setSecurityContacts,
} from '../../services/security-contacts.js';
import { notFoundError } from '../../services/user-lookup.js';
import { callerOf, contextOf, GRAPH_METADATA } from './common.js';
import type { RefusalAudit } from './refusal-audit.js';

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
          [SECURITY_CONTACTS_PROPERTY]: await listSecurityContacts(deps),
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

  // Only the security contacts are writable: who is mailed when a user disputes a Temporary Access Pass.
  const audit = {
    audit: {
      activity: 'Set Company Information',
      category: 'DirectoryManagement',
      operationType: 'Update',
      targetType: 'Directory',
    } satisfies RefusalAudit,
  };
  app.patch<{ Params: { id: string } }>('/organization/:id', { config: audit }, async (request, reply) => {
    const ctx = contextOf(request);
    if (request.params.id.toLowerCase() !== deps.tenant.id) throw notFoundError(request.params.id);
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AppError('bodyNotObject', { target: 'body' });
    for (const key of Object.keys(body))
      if (key !== SECURITY_CONTACTS_PROPERTY && key !== '@odata.type')
        throw new AppError('unknownProperty', {
          target: key,
          params: { property: key, type: 'microsoft.graph.organization' },
        });
    await setSecurityContacts(deps, ctx, (body as Record<string, unknown>)[SECURITY_CONTACTS_PROPERTY] ?? []);
    return reply.code(204).send();
  });
}
