// Mounts the OpenID Connect provider at the origin with Entra's paths.

import type { FastifyInstance } from 'fastify';
import type { Deps } from '../services/deps.js';

export interface OidcHandle {
  /** Filled in by the OIDC module. */
  readonly ready: boolean;
}

export async function registerOidc(_app: FastifyInstance, _deps: Deps): Promise<OidcHandle> {
  return { ready: false };
}
