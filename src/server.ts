// Starts the HTTP(S) server on an opened runtime; returns a handle that shuts it down gracefully.

import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Runtime } from './runtime.js';
import { startSweeper } from './services/sweeper.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The address actually bound, e.g. http://127.0.0.1:54321 */
  url: string;
  close(): Promise<void>;
}

export async function startServer(runtime: Runtime): Promise<RunningServer> {
  const { deps } = runtime;
  const tls = deps.config.tls;
  const app = await buildApp(deps, tls ? { https: { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } } : {});
  await app.listen({ port: deps.config.port, host: deps.config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.port;
  const stopSweeper = startSweeper(deps.db, deps.clock, deps.log);
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      (closing ??= (async () => {
        stopSweeper();
        await app.close();
        await runtime.close();
      })()),
  };
}
