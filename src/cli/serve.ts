// `gatepass serve` and `gatepass migrate`: the server itself (as `npm start`), and migrations + first start alone.

import type { Command } from 'commander';
import { act } from './command.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the server (the same as npm start); stops gracefully on SIGTERM or SIGINT')
    // Loaded on use: the other commands never load Fastify or oidc-provider, so they start faster.
    .action(async () => (await import('../serve.js')).serve());

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
