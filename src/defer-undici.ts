// Imported first by the server's entry points, before the module graph that holds oidc-provider is loaded.
//
// node:http exports WebSocket, CloseEvent and MessageEvent as getters that load undici, Node's bundled HTTP client,
// on first use. An ES module that imports anything from node:http (oidc-provider does) makes Node build the
// module's ES namespace, which reads every export and so loads undici: about 16 MiB of resident memory that a
// server never uses (Gatepass sends no HTTP request; issue 13's idle memory). The namespace is built once, here,
// with those three exports set aside; CommonJS callers still get the lazy getters, so `require('node:http')
// .WebSocket` works as before. Only `import { WebSocket } from 'node:http'` would see undefined: nothing imports
// that (use the global WebSocket).

import { createRequire } from 'node:module';

const http = createRequire(import.meta.url)('node:http') as Record<string, unknown>;
const deferred = ['WebSocket', 'CloseEvent', 'MessageEvent']
  .map((name) => [name, Object.getOwnPropertyDescriptor(http, name)] as const)
  .filter((entry): entry is readonly [string, PropertyDescriptor] => entry[1]?.get !== undefined);
for (const [name, descriptor] of deferred)
  Object.defineProperty(http, name, {
    value: undefined,
    writable: true,
    configurable: true,
    enumerable: descriptor.enumerable,
  });
try {
  await import('node:http');
} finally {
  for (const [name, descriptor] of deferred) Object.defineProperty(http, name, descriptor);
}
