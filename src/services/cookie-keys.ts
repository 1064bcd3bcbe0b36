// Rotation of the keys oidc-provider signs its cookies with (the session, interaction and resume cookies), across
// processes, on the same schedule as the token-signing keys (domain/signing-keys.ts): a new key is published to every
// process (so each can verify what another signs with it) before any process signs with it, and the keys it replaces
// keep verifying until every cookie they signed has expired, then are removed. Gatepass's own cookies hold random ids,
// values sealed with the server key or keyed hashes made with it, and follow the server key's rotation instead.
//
// The keys are one sealed server secret: a JSON list of { kid, value, createdAt, activatesAt, retiredAt }. Stores made
// before rotation existed hold a bare list of values, read as keys active since the epoch, the first one signing.

import { randomBytes } from 'node:crypto';
import { type KeySchedule, scheduleKeys, type KeyTimes } from '../domain/signing-keys.js';
import type { DbOrTx } from '../store/db.js';
import { createKeysRepo } from '../store/repos/keys.js';
import type { Deps } from './deps.js';
import { CLOCK_LEEWAY_MS, type Rotation } from './signing-keys.js';

/** The server secret that holds the cookie keys. */
export const COOKIE_KEYS_SECRET = 'oidc-cookie-keys';

export interface CookieKey extends KeyTimes {
  value: string;
}

const AAD = `server-secret:${COOKIE_KEYS_SECRET}`;

/** How long a retired cookie key still verifies: the longest a cookie it signed can live (the session's). */
export function cookieRetentionMs(deps: Pick<Deps, 'config'>): number {
  return deps.config.sessionMaxMinutes * 60_000 + CLOCK_LEEWAY_MS;
}

export function newCookieKey(now: number, activatesAt: number | null): CookieKey {
  return {
    kid: randomBytes(9).toString('base64url'),
    value: randomBytes(32).toString('base64url'),
    createdAt: now,
    activatesAt,
    retiredAt: null,
  };
}

function parseCookieKeys(plain: string): CookieKey[] {
  const parsed = JSON.parse(plain) as unknown;
  if (!Array.isArray(parsed)) throw new Error('the stored cookie keys are not a list');
  // The first of a legacy list signs: it is given the later creation time.
  return parsed.map((entry: unknown, i) =>
    typeof entry === 'string'
      ? { kid: `legacy-${i}`, value: entry, createdAt: parsed.length - i, activatesAt: null, retiredAt: null }
      : (entry as CookieKey),
  );
}

interface StoredCookieKeys {
  keys: CookieKey[];
  /** The sealed value as read, for a compare-and-swap write. */
  sealed: string;
}

async function readCookieKeys(deps: Pick<Deps, 'keyring'>, db: DbOrTx): Promise<StoredCookieKeys> {
  const sealed = await createKeysRepo(db).findServerSecret(COOKIE_KEYS_SECRET);
  if (!sealed) throw new Error('no cookie keys in the store (bootstrap did not run)');
  return { keys: parseCookieKeys(deps.keyring.decryptText('secret-encryption', sealed, AAD)), sealed };
}

export function sealCookieKeys(deps: Pick<Deps, 'keyring'>, keys: readonly CookieKey[]): string {
  return deps.keyring.encrypt('secret-encryption', JSON.stringify(keys), AAD);
}

/** The cookie keys as they stand now: `published` holds the signing key first, then every key that still verifies. */
export async function cookieKeySchedule(
  deps: Pick<Deps, 'db' | 'keyring' | 'clock' | 'config'>,
  db: DbOrTx = deps.db,
): Promise<KeySchedule<CookieKey>> {
  const { keys } = await readCookieKeys(deps, db);
  return scheduleKeys(keys, deps.clock.now().getTime(), cookieRetentionMs(deps));
}

/**
 * Writes `change(keys)` over the stored keys if nobody wrote in between; otherwise reads again and retries, so two
 * processes changing the keys at once both take effect.
 */
async function changeCookieKeys<T>(
  deps: Pick<Deps, 'keyring'>,
  db: DbOrTx,
  change: (keys: CookieKey[]) => { keys: CookieKey[]; result: T } | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const stored = await readCookieKeys(deps, db);
    const changed = change(stored.keys);
    if (!changed) return undefined;
    const sealed = sealCookieKeys(deps, changed.keys);
    if (await createKeysRepo(db).replaceServerSecret(COOKIE_KEYS_SECRET, stored.sealed, sealed)) return changed.result;
  }
  throw new Error('the cookie keys kept changing under this write; try again');
}

/** Adds the next cookie key, signing from now + GATEPASS_KEY_ACTIVATION_DELAY_SECONDS; the keys before it retire then. */
export async function rotateCookieKey(
  deps: Pick<Deps, 'keyring' | 'clock' | 'config'>,
  db: DbOrTx,
  now = deps.clock.now().getTime(),
): Promise<Rotation> {
  const activatesAt = now + deps.config.keyActivationDelaySeconds * 1000;
  const added = newCookieKey(now, activatesAt);
  const rotation = await changeCookieKeys(deps, db, (keys) => {
    const { removable } = scheduleKeys(keys, now, cookieRetentionMs(deps));
    const gone = new Set(removable.map((k) => k.kid));
    const kept = keys.filter((k) => !gone.has(k.kid));
    const retiring = kept.filter((k) => k.retiredAt === null);
    return {
      keys: [added, ...kept.map((k) => (k.retiredAt === null ? { ...k, retiredAt: activatesAt } : k))],
      result: { kid: added.kid, activatesAt, retiredKids: retiring.map((k) => k.kid), removedKids: [...gone] },
    };
  });
  return rotation!;
}

/** Drops the cookie keys whose retention is over; returns how many. */
export async function removeExpiredCookieKeys(
  deps: Pick<Deps, 'db' | 'keyring' | 'clock' | 'config'>,
): Promise<number> {
  const removed = await changeCookieKeys(deps, deps.db, (keys) => {
    const { removable } = scheduleKeys(keys, deps.clock.now().getTime(), cookieRetentionMs(deps));
    if (removable.length === 0) return undefined;
    const gone = new Set(removable.map((k) => k.kid));
    return { keys: keys.filter((k) => !gone.has(k.kid)), result: gone.size };
  });
  return removed ?? 0;
}
