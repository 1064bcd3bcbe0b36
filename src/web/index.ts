// Server-rendered pages: sign-in interactions and the user's /my pages.

import type { FastifyInstance } from 'fastify';
import type { OidcHandle } from '../oidc/index.js';
import type { Deps } from '../services/deps.js';

export async function registerWeb(_app: FastifyInstance, _deps: Deps, _oidc: OidcHandle): Promise<void> {
  // Pages are added by the web module.
}
