// `gatepass backup FILE`: an online, consistent copy of the SQLite store, safe while the server runs.
// The server key is deliberately not in it: a backup and its key kept apart are worth less to a thief.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { act } from './command.js';
import { CliError, EXIT } from './errors.js';

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('Copy the SQLite store to FILE online (safe while the server runs); on PostgreSQL use pg_dump')
    .argument('<file>', 'where to write the copy (must not exist)')
    .action(
      act(async (session, [file]) => {
        const target = path.resolve(file!);
        const { deps } = await session.open();
        const { store, config } = deps;
        if (store.dialect !== 'sqlite' || !store.sqlite)
          throw new CliError(
            'backup copies the SQLite store only; this store is PostgreSQL: use pg_dump (e.g. pg_dump --format=custom "$DATABASE_URL" > gatepass.dump)',
            EXIT.usage,
            'notSupported',
          );
        if (existsSync(target))
          throw new CliError(`${target} already exists; choose a new file`, EXIT.usage, 'badArgument', 'file');
        // better-sqlite3's online backup API: page by page, consistent, without blocking writers for long.
        await store.sqlite.backup(target);
        const bytes = statSync(target).size;
        const keySource = config.secretKey ? 'the GATEPASS_SECRET_KEY value' : `the key file ${config.keyFilePath}`;
        session.note(
          `Reminder: the server key is NOT in the backup. Restoring needs ${keySource} as well; keep it somewhere safe and separate from the backup.`,
        );
        return {
          json: { file: target, bytes, source: store.sqliteFile ?? null, keyIncluded: false },
          text: `Backed up ${store.sqliteFile} to ${target} (${bytes} bytes).`,
        };
      }),
    );
}
