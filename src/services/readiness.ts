// What the readiness probe asks of the store: whether every migration is applied and whether it takes a write now
// (both throw when the store is unreachable).

import { migrationsApplied } from '../store/migrate.js';
import { probeWritable } from '../store/unavailable.js';
import type { Deps } from './deps.js';

export async function areMigrationsApplied(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return migrationsApplied(deps.db);
}

/** Resolves when the store accepts a write; throws the driver's error when it does not (read-only, locked, gone). */
export async function checkStoreWritable(deps: Pick<Deps, 'db'>): Promise<void> {
  await probeWritable(deps.db);
}
