// Whether a client secret authenticates its application the way the token endpoint checks it: the client as the
// client cache finds it (services/client-cache.ts, read through the store's change count), its secrets valid now,
// compared with the presented one by keyed hash (services/applications.ts matchesSecretHash).

import { matchesSecretHash, validSecretHashes } from '../../src/services/applications.js';
import { createClientCache } from '../../src/services/client-cache.js';
import type { Deps } from '../../src/services/deps.js';

export async function clientSecretWorks(
  deps: Pick<Deps, 'db' | 'keyring' | 'clock'>,
  appId: string,
  presented: string,
): Promise<boolean> {
  const client = await createClientCache(deps).find(appId);
  if (!client) return false;
  return matchesSecretHash(deps, validSecretHashes(client.secrets, deps.clock.now().getTime()), presented);
}
