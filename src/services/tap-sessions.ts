// Deleting or replacing a pass ends the sessions, codes and refresh tokens that signing in with it started.

import type { Keyring } from '../crypto/keyring.js';
import { passSignInHolds, type PassSignIn } from '../domain/tap/pass-sessions.js';
import type { DbOrTx } from '../store/db.js';
import {
  createTemporaryAccessPassesRepo,
  deleteOidcStateStartedWithPass,
  listSessionsStartedWithPass,
} from '../store/repos/temporary-access-passes.js';

/** A session's grants (one per app it signed in to) sit inside its encrypted payload. */
function grantIdsOf(keyring: Keyring, idHash: string, sealed: string): string[] {
  try {
    const payload = JSON.parse(keyring.decryptText('oidc-payload-encryption', sealed, `Session:${idHash}`)) as {
      authorizations?: Record<string, { grantId?: unknown }>;
    };
    return Object.values(payload.authorizations ?? {})
      .map((a) => a.grantId)
      .filter((g): g is string => typeof g === 'string');
  } catch {
    return []; // sealed under a retired key: the session row itself still goes
  }
}

export async function endSessionsStartedWithPass(db: DbOrTx, keyring: Keyring, userId: string): Promise<number> {
  const sessions = await listSessionsStartedWithPass(db, userId);
  const grantHashes = sessions
    .flatMap((s) => grantIdsOf(keyring, s.idHash, s.sealed))
    .flatMap((g) => keyring.keyedHashCandidates('id-hash', g));
  return deleteOidcStateStartedWithPass(db, userId, grantHashes);
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
