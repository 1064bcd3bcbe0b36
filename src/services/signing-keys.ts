// Signing-key rotation across processes: a new key is stored as "next" (published, not signing) and becomes current
// at a time written with it; the key it replaces gets that same time as its retirement and verifies until every
// token it signed has expired. Each process reads the schedule from the store (domain/signing-keys.ts).

import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';
import { scheduleKeys, type KeySchedule } from '../domain/signing-keys.js';
import type { DbOrTx } from '../store/db.js';
import { createKeysRepo, type SigningKeyRow, type StoredSigningKey } from '../store/repos/keys.js';
import type { Deps } from './deps.js';

/** Leeway for clocks that differ between processes and relying parties. */
export const CLOCK_LEEWAY_MS = 60_000;

/** A fresh RS256 key pair, its private half sealed with the keyring. */
export function generateSigningKey(keyring: Keyring, now: number): SigningKeyRow {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(16).toString('base64url');
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    alg: 'RS256',
    privateJwkSealed: keyring.encrypt('secret-encryption', JSON.stringify(privateJwk), `signing-key:${kid}`),
    publicJwk: JSON.stringify(publicJwk),
    createdAt: now,
  };
}

/** How long a retired key still verifies: the longest lifetime of a JWT Gatepass signs (access and ID tokens). */
export function retentionMs(deps: Pick<Deps, 'config'>): number {
  return deps.config.accessTokenMinutes * 60_000 + CLOCK_LEEWAY_MS;
}

/** The keys as they stand now. */
export async function signingKeySchedule(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  db: DbOrTx = deps.db,
): Promise<KeySchedule<StoredSigningKey>> {
  const keys = await createKeysRepo(db).listSigningKeys();
  return scheduleKeys(keys, deps.clock.now().getTime(), retentionMs(deps));
}

/** The private JWKs to configure oidc-provider with, the current key first. */
export function privateJwksOf(deps: Pick<Deps, 'keyring'>, keys: readonly StoredSigningKey[]): JsonWebKey[] {
  return keys.map(
    (k) =>
      JSON.parse(
        deps.keyring.decryptText('secret-encryption', k.privateJwkSealed, `signing-key:${k.kid}`),
      ) as JsonWebKey,
  );
}

/** Drops the keys whose retention is over; returns how many. */
export async function removeExpiredSigningKeys(deps: Pick<Deps, 'db' | 'clock' | 'config'>): Promise<number> {
  const { removable } = await signingKeySchedule(deps);
  return createKeysRepo(deps.db).deleteSigningKeys(removable.map((k) => k.kid));
}

/** One kind of key's rotation: the key added, when it signs, and the keys it retires and removes. */
export interface Rotation {
  kid: string;
  /** When the new key starts signing and the keys before it retire (epoch ms). */
  activatesAt: number;
  retiredKids: string[];
  removedKids: string[];
}

/**
 * Adds the next signing key, to sign from now + GATEPASS_KEY_ACTIVATION_DELAY_SECONDS; every key not yet retired
 * retires at that moment. Keys whose retention is over are removed on the way. Runs in the caller's transaction.
 */
export async function rotateSigningKey(
  deps: Pick<Deps, 'clock' | 'config' | 'keyring'>,
  tx: DbOrTx,
  now = deps.clock.now().getTime(),
): Promise<Rotation> {
  const activatesAt = now + deps.config.keyActivationDelaySeconds * 1000;
  const row = generateSigningKey(deps.keyring, now);
  const repo = createKeysRepo(tx);
  const before = await repo.listSigningKeys();
  const { removable } = scheduleKeys(before, now, retentionMs(deps));
  await repo.insertSigningKey({ ...row, activatesAt });
  await repo.retireSigningKeysExcept(row.kid, activatesAt);
  await repo.deleteSigningKeys(removable.map((k) => k.kid));
  const gone = new Set(removable.map((k) => k.kid));
  return {
    kid: row.kid,
    activatesAt,
    retiredKids: before.filter((k) => k.retiredAt === null && !gone.has(k.kid)).map((k) => k.kid),
    removedKids: [...gone],
  };
}
