// Types for the one internal module of oidc-provider that src/oidc/internals.ts reads (it ships no types for it).
declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  interface KeyStore {
    clear(): void;
    add(key: object): void;
  }
  interface ProviderState {
    keystore: KeyStore;
    jwks: { keys: Array<Record<string, unknown>> };
  }
  export default function instance(provider: object): ProviderState;
}
