// Liveness and readiness probes.

import type { FastifyInstance } from 'fastify';
import type { Deps } from '../services/deps.js';
import { areMigrationsApplied } from '../services/readiness.js';

export function registerHealth(app: FastifyInstance, deps: Deps): void {
  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { rateLimit: false } }, async (_request, reply) => {
    try {
      if (!(await areMigrationsApplied(deps))) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'store unreachable' });
    }
  });
}
