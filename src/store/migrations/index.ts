// Every migration, listed statically so they run the same under tsx and when built. Forward-only: never edit one
// that has shipped; add the next number.

import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-init.js';

const migrations: Record<string, Migration> = {
  '0001-init': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
