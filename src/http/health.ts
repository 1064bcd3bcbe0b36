// Liveness and readiness probes.

import type { FastifyInstance } from 'fastify';
import type { Deps } from '../services/deps.js';
import { areMigrationsApplied, checkStoreWritable } from '../services/readiness.js';
import { STORE_RETRY_AFTER_SECONDS } from '../services/store-outage.js';

export function registerHealth(app: FastifyInstance, deps: Deps): void {
  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { rateLimit: false } }, async (request, reply) => {
    try {
      if (!(await areMigrationsApplied(deps))) return reply.code(503).send({ status: 'migrations pending' });
      await checkStoreWritable(deps);
      return { status: 'ready' };
    } catch (error) {
      // Not ready until the store is back; each probe asks afresh, so readiness returns by itself.
      request.log.warn({ err: error }, 'readiness: the store is unavailable');
      return reply
        .code(503)
        .header('retry-after', String(STORE_RETRY_AFTER_SECONDS))
        .send({ status: 'store unreachable' });
    }
  });
}
