// The admin center's directory blades beyond a user's own pages: Groups, Administrative units (one route builder for
// both) and "New user".

import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../services/deps.js';
import type { createConsoleGate } from './console.js';
import { GROUP_KIND, UNIT_KIND } from './container-kinds.js';
import { registerContainerRoutes } from './container-routes.js';
import { registerAdminNewUserRoutes } from './new-user-routes.js';

export function registerAdminDirectoryRoutes(
  web: FastifyInstance,
  deps: Deps,
  gate: ReturnType<typeof createConsoleGate>,
): void {
  registerContainerRoutes(web, deps, gate, GROUP_KIND);
  registerContainerRoutes(web, deps, gate, UNIT_KIND);
  registerAdminNewUserRoutes(web, deps, gate);
}
