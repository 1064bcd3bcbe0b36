// What the readiness probe asks of the store: whether every migration is applied (it throws when unreachable).

import { migrationsApplied } from '../store/migrate.js';
import type { Deps } from './deps.js';

export async function areMigrationsApplied(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return migrationsApplied(deps.db);
}
