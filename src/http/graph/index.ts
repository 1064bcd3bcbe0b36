// Registers the Microsoft-Graph-compatible API under /v1.0.

import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../services/deps.js';

export async function registerGraph(_app: FastifyInstance, _deps: Deps): Promise<void> {
  // Routes are added by the Graph modules (users, groups, policies…).
}
