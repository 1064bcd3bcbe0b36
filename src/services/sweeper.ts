// Removes expired rows (OIDC sessions, codes and tokens; failure counters; unanswered WebAuthn challenges; /my
// sessions) on a timer.

import type { Clock } from '../domain/clock.js';
import type { Db } from '../store/db.js';
import { createMySessionsRepo } from '../store/repos/my-sessions.js';
import { createOidcPayloadsRepo } from '../store/repos/oidc-payloads.js';
import type { Logger } from 'pino';

export async function sweepExpired(db: Db, now: Date): Promise<number> {
  const ms = now.getTime();
  const a = await createOidcPayloadsRepo(db).deleteExpiredPayloads(ms);
  const b = await db.deleteFrom('failure_counters').where('expires_at', '<', ms).executeTakeFirst();
  const c = await db.deleteFrom('webauthn_challenges').where('expires_at', '<', ms).executeTakeFirst();
  const d = await createMySessionsRepo(db).deleteExpiredSessions(now);
  return a + Number(b.numDeletedRows) + Number(c.numDeletedRows) + d;
}

export function startSweeper(db: Db, clock: Clock, log: Logger, everyMs = 60_000): () => void {
  const timer = setInterval(() => {
    sweepExpired(db, clock.now())
      .then((n) => n > 0 && log.debug({ removed: n }, 'swept expired rows'))
      .catch((err: unknown) => log.warn({ err }, 'sweep failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
