// The one start-up path of `npm start` and `gatepass serve`: configuration, TLS files, store, listener, then serve
// until SIGTERM or SIGINT. Any failure on the way is one line and exit code 78 or 69 (see start-up-error.ts).

import { loadConfig } from './config/load.js';
import { printFirstStartBanner } from './first-start.js';
import { openRuntime } from './runtime.js';
import { exitOnStartupFailure } from './start-up-error.js';
import type { Runtime } from './runtime.js';
import { readTlsFiles, startServer, type RunningServer } from './server.js';

async function start(): Promise<{ runtime: Runtime; server: RunningServer }> {
  const config = loadConfig();
  const tls = readTlsFiles(config);
  const runtime = await openRuntime({ config });
  try {
    return { runtime, server: await startServer(runtime, tls) };
  } catch (e) {
    await runtime.close(); // e.g. the port is taken: release the store so the process can exit
    throw e;
  }
}

/** Serves until SIGTERM or SIGINT, then shuts down gracefully (in-flight requests finish) and exits 0. */
export async function serve(): Promise<never> {
  const { runtime, server } = await start().catch(exitOnStartupFailure);
  const { log, config } = runtime.deps;
  log.info({ issuer: config.issuer, dialect: config.dialect, listening: server.url }, 'Gatepass is serving');
  await printFirstStartBanner(runtime);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'shutting down');
  try {
    await server.close();
  } catch (err) {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  }
  process.exit(0);
}
