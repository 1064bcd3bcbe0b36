// What users do to their own account from Security info: change their password (the current one required, throttled
// like a sign-in) and sign out everywhere. The new-password rules are shared with the forced change at sign-in.

import { userTarget } from '../domain/audit.js';
import { checkPassword } from '../domain/password-policy.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import { recordAuditEvent } from './audited.js';
import type { Deps, RequestContext } from './deps.js';
import { revokeSignInSessions } from './sessions.js';
import { attemptFailed, beginAttempt, giveBack, userSubject } from './throttle.js';

export type NewPasswordOutcome =
  | { ok: true }
  | { ok: false; field: 'newPassword' | 'confirmPassword'; message: string };

/**
 * Checks and stores a new password the user chose, with its audit entry ("Change password (self-service)"), in one
 * transaction. `reason` says why, for the audit. The hash runs before the transaction (argon2 must not hold a lock).
 */
export async function applyNewPassword(
  deps: Deps,
  ctx: RequestContext,
  user: UserRecord,
  newPassword: unknown,
  confirmPassword: unknown,
  reason: string,
): Promise<NewPasswordOutcome> {
  const pw = typeof newPassword === 'string' ? newPassword : '';
  if (pw !== confirmPassword)
    return { ok: false, field: 'confirmPassword', message: 'The two passwords do not match.' };
  const checked = checkPassword(pw, { userPrincipalName: user.userPrincipalName });
  if (!checked.ok) return { ok: false, field: 'newPassword', message: checked.message };
  if ((await deps.hasher.verify(user.passwordHash, checked.normalized)).ok)
    return { ok: false, field: 'newPassword', message: 'Choose a password different from your current one.' };
  const now = deps.clock.now();
  const hash = await deps.hasher.hash(checked.normalized);
  await deps.db.transaction().execute(async (tx) => {
    await createUsersRepo(tx).updateUser(user.id, {
      passwordHash: hash,
      passwordChangedAt: now,
      forceChangePassword: false,
      updatedAt: now,
    });
    await recordAuditEvent(
      tx,
      deps,
      ctx,
      {
        activityDisplayName: 'Change password (self-service)',
        category: 'UserManagement',
        loggedByService: 'Self-service Password Management',
        operationType: 'Update',
        targetResources: [userTarget(user, [{ displayName: 'PasswordProfile', oldValue: null, newValue: null }])],
      },
      'success',
      reason,
    );
  });
  return { ok: true };
}

export type ChangePasswordOutcome =
  | { ok: true }
  | { ok: false; field: 'currentPassword' | 'newPassword' | 'confirmPassword'; message: string }
  | { ok: false; field: 'currentPassword'; message: string; retryAfterSeconds: number };

/** Security info's "Change password": the current password is verified first, counted like a sign-in attempt. */
export async function changeOwnPassword(
  deps: Deps,
  ctx: RequestContext,
  user: UserRecord,
  input: { currentPassword: unknown; newPassword: unknown; confirmPassword: unknown },
): Promise<ChangePasswordOutcome> {
  const current = typeof input.currentPassword === 'string' ? input.currentPassword : '';
  if (user.passwordHash === null)
    return { ok: false, field: 'currentPassword', message: 'Your account has no password to change.' };
  if (current.length === 0 || current.length > 1024)
    return { ok: false, field: 'currentPassword', message: 'Enter your current password.' };
  // The same counters as the password step of a sign-in: this form must not be a way around them.
  const start = await beginAttempt(deps, userSubject(user.id), ctx.ipAddress, 'password');
  if (!start.allowed) {
    const wait = start.retryAfterSeconds;
    return {
      ok: false,
      field: 'currentPassword',
      message: `Too many wrong passwords. Wait ${wait} second${wait === 1 ? '' : 's'} and try again.`,
      retryAfterSeconds: wait,
    };
  }
  let verified: { ok: boolean };
  try {
    verified = await deps.hasher.verify(user.passwordHash, current);
  } catch (e) {
    await giveBack(deps, start.ticket);
    throw e;
  }
  if (!verified.ok) {
    await attemptFailed(deps, start.ticket);
    return { ok: false, field: 'currentPassword', message: 'Your current password is incorrect.' };
  }
  await giveBack(deps, start.ticket);
  return applyNewPassword(
    deps,
    ctx,
    user,
    input.newPassword,
    input.confirmPassword,
    'User changed their password in Security info',
  );
}

/** "Sign out everywhere": every session, refresh token and earlier access token of the user ends (this one too). */
export async function signOutEverywhere(deps: Deps, ctx: RequestContext, user: UserRecord): Promise<void> {
  // No guard: acting on oneself needs no role. Audited as Entra's "Invalidate all refresh tokens for user".
  await revokeSignInSessions(deps, ctx, user.id);
}
