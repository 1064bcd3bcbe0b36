// A /my session stored exactly as the /my callback stores one (services/my-sessions.ts), for tests whose subject is
// a page behind the session rather than the sign-in: the cookie value to present and the session's form token.

import type { FirstPartyAppKey } from '../../src/domain/first-party-apps.js';
import type { Deps } from '../../src/services/deps.js';
import { csrfTokenOf, startMySession } from '../../src/services/my-sessions.js';

export const MY_SESSION_COOKIE = 'gp-my';
export const ADMIN_SESSION_COOKIE = 'gp-admin';

export async function openMySession(
  deps: Deps,
  userId: string,
  amr: string[],
  authTime: number,
  passId?: string,
  app: FirstPartyAppKey = 'my',
): Promise<{ cookie: string; csrf: string }> {
  const { token } = await startMySession(deps, { userId, amr, authTime, ...(passId ? { passId } : {}) }, app);
  return { cookie: token, csrf: csrfTokenOf(deps, token, app) };
}
