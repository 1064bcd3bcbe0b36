// Ending a user's sign-in state: every session, grant, code and token goes, and tokens issued before now are void.

import { userTarget, type AuditEntry } from '../domain/audit.js';
import type { DbOrTx } from '../store/db.js';
import { createMySessionsRepo } from '../store/repos/my-sessions.js';
import { createOidcPayloadsRepo } from '../store/repos/oidc-payloads.js';
import { createUsersRepo } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, checkBeforeNotFound, userAuthzTarget, type GuardedContext } from './guard.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';

/**
 * Inside the caller's transaction: deletes the user's oidc_payloads rows and /my sessions and moves
 * sessions_valid_from to `at`, so a JWT access token (which lives outside the store) issued before it is refused too.
 */
export async function endUserSessions(tx: DbOrTx, userId: string, at: Date): Promise<number> {
  const removed =
    (await createOidcPayloadsRepo(tx).deletePayloadsOfAccount(userId)) +
    (await createMySessionsRepo(tx).deleteSessionsOfUser(userId));
  await createUsersRepo(tx).bumpSessionsValidFrom(userId, sessionsValidFromAfter(at));
  return removed;
}

/**
 * JWTs carry `iat` in whole seconds, so the new instant is the start of the next second: every token issued
 * up to and including this second is void (fail closed; a sign-in later in this second simply signs in again).
 */
export function sessionsValidFromAfter(at: Date): Date {
  return new Date((Math.floor(at.getTime() / 1000) + 1) * 1000);
}

/** Graph `POST /users/{id}/revokeSignInSessions`. */
export async function revokeSignInSessions(deps: Deps, ctx: GuardedContext, idOrUpn: string): Promise<void> {
  const entry = (user?: { id: string; displayName: string; userPrincipalName: string }): AuditEntry => ({
    activityDisplayName: 'Invalidate all refresh tokens for user',
    category: 'UserManagement' as const,
    loggedByService: 'Core Directory',
    operationType: 'Update' as const,
    targetResources: [user ? userTarget(user) : { id: idOrUpn, displayName: null, type: 'User' as const }],
  });
  let known: { id: string; displayName: string; userPrincipalName: string } | undefined;
  await audited(
    deps,
    ctx,
    () => entry(known),
    async (tx, record) => {
      const user = await findUserByIdOrUpn(tx, idOrUpn);
      if (!user) {
        checkBeforeNotFound(ctx, ['microsoft.directory/users/invalidateAllRefreshTokens'], 'user', idOrUpn);
        throw notFoundError(idOrUpn);
      }
      known = user;
      check(ctx, 'microsoft.directory/users/invalidateAllRefreshTokens', await userAuthzTarget(tx, user.id));
      const now = deps.clock.now();
      await endUserSessions(tx, user.id, now);
      await record({
        ...entry(user),
        targetResources: [
          userTarget(user, [
            {
              displayName: 'StsRefreshTokensValidFrom',
              oldValue: JSON.stringify(user.sessionsValidFrom.toISOString()),
              newValue: JSON.stringify(sessionsValidFromAfter(now).toISOString()),
            },
          ]),
        ],
      });
    },
  );
}
