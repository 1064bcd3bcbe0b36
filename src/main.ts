// Composition root: loadConfig → open store (migrate, bootstrap) → buildApp → listen; graceful shutdown.

import './supported-runtime.js';
import { ConfigError } from './config/load.js';
import { KeyringError } from './crypto/keyring.js';
import { isAppError } from './domain/errors.js';
import { openRuntime } from './runtime.js';
import { startServer } from './server.js';
import { printFirstStartBanner } from './first-start.js';

async function main(): Promise<void> {
  const runtime = await openRuntime();
  const server = await startServer(runtime);
  const { deps } = runtime;
  deps.log.info(
    { issuer: deps.config.issuer, dialect: deps.config.dialect, listening: server.url },
    'Gatepass is serving',
  );
  await printFirstStartBanner(runtime);
  const shutdown = (signal: string) => {
    deps.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  // A bad setting or key stops start-up with one line that names it.
  if (e instanceof ConfigError || e instanceof KeyringError || isAppError(e)) {
    process.stderr.write(`gatepass: ${(e as Error).message}\n`);
    process.exit(78);
  }
  process.stderr.write(`gatepass: failed to start: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
