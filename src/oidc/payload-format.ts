// How oidc-provider's payloads are stored (oidc_payloads): every id as its keyed hashes (`id-hash`, one per key
// held, current key first), every payload encrypted under `oidc-payload-encryption` bound to `<model>:<id hash>`.
// Spelled here only: the adapter writes and reads through it, and the services read what they need of a payload
// through createOidcPayloadReader (Deps.oidcPayloads), never by decrypting it themselves.

import type { AdapterPayload } from 'oidc-provider';
import type { Keyring } from '../crypto/keyring.js';
import type { OidcPayloadReader } from '../services/deps.js';

/** The keyed hashes of an id under every key held, current key first: lookups match rows written before a rotation. */
export function idHashesOf(keyring: Keyring, id: string): string[] {
  return keyring.keyedHashCandidates('id-hash', id);
}

/** The keyed hash of an id under the current key: what a new row is stored under. */
export function idHashOf(keyring: Keyring, id: string): string {
  return keyring.keyedHash('id-hash', id);
}

export function sealPayload(keyring: Keyring, model: string, idHash: string, payload: AdapterPayload): string {
  return keyring.encrypt('oidc-payload-encryption', JSON.stringify(payload), `${model}:${idHash}`);
}

/** Throws when the payload cannot be opened (e.g. sealed under a key no longer held). */
export function openPayload(keyring: Keyring, model: string, idHash: string, sealed: string): AdapterPayload {
  return JSON.parse(keyring.decryptText('oidc-payload-encryption', sealed, `${model}:${idHash}`)) as AdapterPayload;
}

export function createOidcPayloadReader(keyring: Keyring): OidcPayloadReader {
  return {
    grantIdHashesOfSession({ idHash, sealed }) {
      try {
        // A session's grants (one per app it signed in to) sit inside its payload.
        const payload = openPayload(keyring, 'Session', idHash, sealed) as {
          authorizations?: Record<string, { grantId?: unknown }>;
        };
        return Object.values(payload.authorizations ?? {})
          .map((a) => a.grantId)
          .filter((g): g is string => typeof g === 'string')
          .flatMap((g) => idHashesOf(keyring, g));
      } catch {
        return []; // sealed under a retired key: the session row itself still goes
      }
    },
  };
}
