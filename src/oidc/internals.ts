// The only reach into oidc-provider's internals. oidc-provider takes its signing keys once, at construction
// (configuration.jwks); rotation across processes needs a running provider to take a new set. The provider keeps
// them in its private state (helpers/weak_cache.js: `keystore` for signing and verifying, `jwks` for the JWKS
// endpoint), filled by helpers/initialize_keystore.js. We refill both the same way, for the key type we store
// (RS256 RSA keys with kid, alg and use set, as services/signing-keys.ts makes them). Pinned by
// test/http/key-rotation.test.ts: an upgrade of oidc-provider that changes this fails there.

import type { JsonWebKey } from 'node:crypto';
import type Provider from 'oidc-provider';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

/** The public members initialize_keystore.js publishes of each key. */
const PUBLIC_MEMBERS = ['kty', 'use', 'key_ops', 'kid', 'alg', 'crv', 'e', 'n', 'x', 'x5c', 'y', 'pub'] as const;

/** The kids the provider publishes, in its order (the first one signs). */
export function publishedKids(provider: Provider): string[] {
  return instance(provider).jwks.keys.map((k) => String(k.kid));
}

/** Replaces the provider's signing keys; the first key of `jwks` signs from the next token on. */
export function replaceSigningKeys(provider: Provider, jwks: readonly JsonWebKey[]): void {
  const state = instance(provider);
  const keys = jwks.map((jwk) => structuredClone(jwk));
  for (const key of keys)
    if (key.kty !== 'RSA' || typeof key.kid !== 'string' || key.alg !== 'RS256' || key.use !== 'sig')
      throw new Error('only RS256 RSA signing keys with a kid can be swapped in');
  const published = keys.map((key) =>
    Object.fromEntries(PUBLIC_MEMBERS.map((m) => [m, key[m as keyof JsonWebKey]]).filter(([, v]) => v !== undefined)),
  );
  // Synchronous: no request sees a half-filled keystore.
  state.keystore.clear();
  for (const key of keys) state.keystore.add(key);
  state.jwks = { keys: published };
}
