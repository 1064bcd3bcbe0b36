// The key material oidc-provider is configured with, as bootstrap stored it: the active signing keys (private JWKs)
// and the cookie keys, each decrypted under the context it was sealed with (services/bootstrap.ts).

import type { JsonWebKey } from 'node:crypto';
import { COOKIE_KEYS_SECRET } from './bootstrap.js';
import type { Deps } from './deps.js';
import { createKeysRepo } from '../store/repos/keys.js';

/** The private JWKs of the active signing keys, newest first. */
export async function loadSigningJwks(deps: Pick<Deps, 'db' | 'keyring'>): Promise<JsonWebKey[]> {
  const rows = await createKeysRepo(deps.db).listActiveSigningKeys();
  if (rows.length === 0) throw new Error('no signing key in the store (bootstrap did not run)');
  return rows.map(
    (r) =>
      JSON.parse(
        deps.keyring.decryptText('secret-encryption', r.privateJwkSealed, `signing-key:${r.kid}`),
      ) as JsonWebKey,
  );
}

/** The keys oidc-provider signs its cookies with. */
export async function loadCookieKeys(deps: Pick<Deps, 'db' | 'keyring'>): Promise<string[]> {
  const sealed = await createKeysRepo(deps.db).findServerSecret(COOKIE_KEYS_SECRET);
  if (!sealed) throw new Error('no cookie keys in the store (bootstrap did not run)');
  return JSON.parse(
    deps.keyring.decryptText('secret-encryption', sealed, `server-secret:${COOKIE_KEYS_SECRET}`),
  ) as string[];
}
