// Deleting or replacing a pass ends the sessions and refresh tokens that signing in with it started.

import type { TapRecord } from '../domain/tap/pass.js';
import type { DbOrTx } from '../store/db.js';
import { deleteOidcStateStartedWithPass } from '../store/repos/temporary-access-passes.js';

export async function endSessionsStartedWithPass(db: DbOrTx, userId: string, _pass: TapRecord): Promise<number> {
  return deleteOidcStateStartedWithPass(db, userId);
}
