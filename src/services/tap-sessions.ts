// Deleting or replacing a pass ends the sessions, codes and refresh tokens that signing in with it started.

import { passSignInHolds, type PassSignIn } from '../domain/tap/pass-sessions.js';
import type { DbOrTx } from '../store/db.js';
import { createOidcPayloadsRepo } from '../store/repos/oidc-payloads.js';
import { createTemporaryAccessPassesRepo } from '../store/repos/temporary-access-passes.js';
import type { Deps } from './deps.js';

/** `db` is the caller's transaction; the grants of each session are read from its payload by `deps.oidcPayloads`. */
export async function endSessionsStartedWithPass(
  db: DbOrTx,
  deps: Pick<Deps, 'oidcPayloads'>,
  userId: string,
): Promise<number> {
  const payloads = createOidcPayloadsRepo(db);
  const sessions = await payloads.listSessionsStartedWithPass(userId);
  const grantHashes = sessions.flatMap((s) => deps.oidcPayloads.grantIdHashesOfSession(s));
  return payloads.deletePayloadsStartedWithPass(userId, grantHashes);
}

/** passSignInHolds against the user's pass as the store holds it now (read only for a sign-in that used one). */
export async function passSignInStillHolds(
  db: DbOrTx,
  userId: string,
  signIn: PassSignIn,
  now: Date,
): Promise<boolean> {
  if (!signIn.amr.includes('tap')) return true;
  return passSignInHolds(signIn, await createTemporaryAccessPassesRepo(db).findPassOfUser(userId), now);
}
