// The key material oidc-provider is configured with: the published signing keys (private JWKs, current first; see
// signing-keys.ts for rotation) and the cookie keys, each decrypted under the context it was sealed with (services/bootstrap.ts).

import type { JsonWebKey } from 'node:crypto';
import { cookieKeySchedule } from './cookie-keys.js';
import type { Deps } from './deps.js';
import { privateJwksOf, signingKeySchedule } from './signing-keys.js';

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

export interface CookieKeySet {
  /** The values oidc-provider is given: the signing key first, then every key that still verifies. */
  values: string[];
  kids: string[];
  nextChangeAt: number | undefined;
  removable: number;
}

/** The keys oidc-provider signs and verifies its cookies with, now (services/cookie-keys.ts for rotation). */
export async function loadCookieKeySet(deps: Pick<Deps, 'db' | 'keyring' | 'clock' | 'config'>): Promise<CookieKeySet> {
  const schedule = await cookieKeySchedule(deps);
  if (!schedule.current) throw new Error('no active cookie key in the store (bootstrap did not run)');
  return {
    values: schedule.published.map((k) => k.value),
    kids: schedule.published.map((k) => k.kid),
    nextChangeAt: schedule.nextChangeAt,
    removable: schedule.removable.length,
  };
}
