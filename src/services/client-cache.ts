// oidc-provider looks a client up, and checks its secret, at every token request. The application and its secrets
// are kept here in memory with the store's change count of applications (triggers of migration 0022 count every
// write, from any process); a lookup reads only that count, and reads the application and its secrets again when
// it moved. A change made anywhere (the CLI, another server process) holds from the next request, as when every
// lookup read the tables.

import { isGuid } from '../domain/ids.js';
import { createApplicationsRepo, type SecretValidity } from '../store/repos/applications.js';
import type { ApplicationMetadata } from './applications.js';
import type { Deps } from './deps.js';

export interface CachedClient {
  readonly app: ApplicationMetadata;
  readonly secrets: readonly SecretValidity[];
}

export interface ClientCache {
  /** The application whose client id this is, as the store has it now; undefined when there is none. */
  find(clientId: string): Promise<CachedClient | undefined>;
}

/** At most this many clients are held; an unknown client id is never held, so guessing ids cannot fill it. */
const MAX_CLIENTS = 1000;

export function createClientCache(deps: Pick<Deps, 'db'>): ClientCache {
  const held = new Map<string, { count: number; client: CachedClient }>();
  // Made once: deps.db is the root handle, and a repository is a dozen closures to make at every token request.
  const repo = createApplicationsRepo(deps.db);
  return {
    async find(clientId) {
      if (!isGuid(clientId)) return undefined;
      const appId = clientId.toLowerCase();
      // The count first: whatever is read after it is at least as new as the state it counts.
      const count = await repo.readChangeCount();
      const cached = held.get(appId);
      if (cached?.count === count) return cached.client;
      const app = await repo.findApplicationMetadataByAppId(appId);
      if (!app) {
        held.delete(appId);
        return undefined;
      }
      const client = { app, secrets: await repo.listSecretValidity(appId) };
      held.delete(appId);
      if (held.size >= MAX_CLIENTS) held.delete(held.keys().next().value!);
      held.set(appId, { count, client });
      return client;
    },
  };
}
