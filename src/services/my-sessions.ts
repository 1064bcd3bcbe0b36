// Sessions of Gatepass's own browser apps (/my and /admin) kept in the store: started after the app's callback, resumed
// on each page, ended by sign-out. The browser holds a random session id; the store keeps only its keyed hash, so
// neither a database copy nor the logs open a session, and deleting the row ends it whatever copies of the cookie
// exist. Each app hashes under its own label, so a /my session id opens no /admin session, nor the other way round.

import type { FirstPartyAppKey } from '../domain/first-party-apps.js';
import { randomBytes } from 'node:crypto';
import { mySessionLifetime } from '../domain/my-session-lifetime.js';
import { passSignInHolds } from '../domain/tap/pass-sessions.js';
import { createMySessionsRepo, type MySessionRow } from '../store/repos/my-sessions.js';
import { createTemporaryAccessPassesRepo } from '../store/repos/temporary-access-passes.js';
import type { Deps } from './deps.js';

export type { MySessionRow } from '../store/repos/my-sessions.js';

export interface MySessionStart {
  userId: string;
  amr: string[];
  /** Epoch seconds of the sign-in (the ID token's auth_time). */
  authTime: number;
  /** The pass the sign-in used, when the ID token names it; otherwise found from the user's pass. */
  passId?: string;
}

// Domain separation: the same keyring key hashes oidc-provider's ids; these inputs can never collide with them.
const idHashes = (deps: Pick<Deps, 'keyring'>, token: string, app: FirstPartyAppKey) =>
  deps.keyring.keyedHashCandidates('id-hash', `${app}-session:${token}`);

/** The form token of a session: derived from its id, so it needs no storage and still checks after the row is gone. */
export function csrfTokenOf(deps: Pick<Deps, 'keyring'>, token: string, app: FirstPartyAppKey = 'my'): string {
  return deps.keyring.keyedHash('id-hash', `${app}-csrf:${token}`);
}

/** Whether `presented` is the form token of the session `token` (under any key still held, in constant time). */
export function isCsrfTokenOf(
  deps: Pick<Deps, 'keyring'>,
  token: string,
  presented: unknown,
  app: FirstPartyAppKey = 'my',
): boolean {
  return deps.keyring.matchesKeyedHash('id-hash', `${app}-csrf:${token}`, presented);
}

/**
 * The pass a /my sign-in used: the one the ID token names, else the user's pass if it could have been used (issued
 * no later than the sign-in). Recorded so that deleting or replacing the pass ends the session (passSignInHolds).
 */
async function passOfSignIn(deps: Deps, start: MySessionStart): Promise<string | null> {
  if (!start.amr.includes('tap')) return null;
  if (start.passId !== undefined) return start.passId;
  const pass = await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(start.userId);
  return pass && passSignInHolds({ amr: start.amr, authTime: start.authTime }, pass, deps.clock.now()) ? pass.id : null;
}

/** Stores a new session and returns the id for the cookie (256 random bits) and when the cookie should expire. */
export async function startMySession(
  deps: Deps,
  start: MySessionStart,
  app: FirstPartyAppKey = 'my',
): Promise<{ token: string; row: MySessionRow }> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const [idHash] = idHashes(deps, token, app) as [string];
  const row: MySessionRow = {
    idHash,
    userId: start.userId,
    amr: start.amr,
    authTime: start.authTime,
    passId: await passOfSignIn(deps, start),
    createdAt: now,
    ...mySessionLifetime(start.authTime, now, deps.config.sessionIdleMinutes, deps.config.sessionMaxMinutes),
  };
  await createMySessionsRepo(deps.db).insertSession(row);
  return { token, row };
}

/** The live session of `token` with its idle expiry renewed, or undefined (unknown, ended, or idle or absolute expiry passed). */
export async function resumeMySession(
  deps: Deps,
  token: string,
  app: FirstPartyAppKey = 'my',
): Promise<MySessionRow | undefined> {
  const repo = createMySessionsRepo(deps.db);
  const now = deps.clock.now();
  const row = await repo.findSession(idHashes(deps, token, app), now);
  if (!row) return undefined;
  const { idleExpiresAt } = mySessionLifetime(
    row.authTime,
    now,
    deps.config.sessionIdleMinutes,
    deps.config.sessionMaxMinutes,
  );
  await repo.updateIdleExpiry(row.idHash, idleExpiresAt);
  return { ...row, idleExpiresAt };
}

/** Ends the session of `token` (sign-out, or a session found dead). */
export async function endMySession(deps: Deps, token: string, app: FirstPartyAppKey = 'my'): Promise<void> {
  await createMySessionsRepo(deps.db).deleteSession(idHashes(deps, token, app));
}
