// `gatepass serve` and `gatepass migrate`: the server itself (as `npm start`), and migrations + first start alone.

import type { Command } from 'commander';
import { printFirstStartBanner } from '../first-start.js';
import { openRuntime } from '../runtime.js';
import { act } from './command.js';

/** Runs the server until SIGTERM or SIGINT, then shuts it down gracefully (in-flight requests finish). */
async function serve(): Promise<void> {
  // Same as `npm start`: structured logs on stdout at GATEPASS_LOG_LEVEL (default info).
  const runtime = await openRuntime();
  // Loaded here, not at the top: the other commands never load Fastify or oidc-provider, so they start faster.
  const { startServer } = await import('../server.js');
  const server = await startServer(runtime).catch(async (e: unknown) => {
    await runtime.close(); // e.g. the port is taken: release the store so the process can exit
    throw e;
  });
  const { deps } = runtime;
  deps.log.info(
    { issuer: deps.config.issuer, dialect: deps.config.dialect, listening: server.url },
    'Gatepass is serving',
  );
  await printFirstStartBanner(runtime);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  deps.log.info({ signal }, 'shutting down');
  await server.close();
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the server (the same as npm start); stops gracefully on SIGTERM or SIGINT')
    .action(async () => serve());

  program
    .command('migrate')
    .description(
      'Apply pending migrations and the first-start setup, then exit (the server also does this at start-up)',
    )
    .action(
      act(async (session) => {
        const runtime = await session.open();
        const applied = runtime.appliedMigrations;
        const { tenant } = runtime.deps;
        return {
          json: {
            appliedMigrations: applied,
            tenantId: tenant.id,
            createdAdmin: runtime.firstStart.createdAdmin?.userPrincipalName ?? null,
          },
          text: [
            applied.length === 0
              ? 'The store is up to date; no migration was pending.'
              : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
            `Tenant ${tenant.id} (${runtime.deps.config.dialect}).`,
          ],
        };
      }),
    );
}
