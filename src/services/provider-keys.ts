// The key material oidc-provider is configured with: the published signing keys (private JWKs, current first; see
// signing-keys.ts for rotation) and the cookie keys, each decrypted under the context it was sealed with (services/bootstrap.ts).

import type { JsonWebKey } from 'node:crypto';
import { COOKIE_KEYS_SECRET } from './bootstrap.js';
import type { Deps } from './deps.js';
import { privateJwksOf, signingKeySchedule } from './signing-keys.js';
import { createKeysRepo } from '../store/repos/keys.js';

export interface SigningKeySet {
  /** The private JWKs to publish, the current (signing) key first. */
  jwks: JsonWebKey[];
  /** Their kids in the same order: equal lists mean an unchanged key set. */
  kids: string[];
  /** When the set changes next without anyone writing (an activation or a retention ending), epoch ms. */
  nextChangeAt: number | undefined;
  /** Retired keys whose retention is over (removeExpiredSigningKeys drops them). */
  removable: number;
}

/** The signing keys to publish now (next, current and retired ones), the current one first. */
export async function loadSigningKeySet(
  deps: Pick<Deps, 'db' | 'keyring' | 'clock' | 'config'>,
): Promise<SigningKeySet> {
  const schedule = await signingKeySchedule(deps);
  if (!schedule.current) throw new Error('no active signing key in the store (bootstrap did not run)');
  return {
    jwks: privateJwksOf(deps, schedule.published),
    kids: schedule.published.map((k) => k.kid),
    nextChangeAt: schedule.nextChangeAt,
    removable: schedule.removable.length,
  };
}

/** The keys oidc-provider signs its cookies with. */
export async function loadCookieKeys(deps: Pick<Deps, 'db' | 'keyring'>): Promise<string[]> {
  const sealed = await createKeysRepo(deps.db).findServerSecret(COOKIE_KEYS_SECRET);
  if (!sealed) throw new Error('no cookie keys in the store (bootstrap did not run)');
  return JSON.parse(
    deps.keyring.decryptText('secret-encryption', sealed, `server-secret:${COOKIE_KEYS_SECRET}`),
  ) as string[];
}
