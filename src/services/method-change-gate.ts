// Who may add or delete their own sign-in methods (Security info on /my, and Graph's `/me` method deletes): a
// multi-factor sign-in within the method-change window, and no later than 10 minutes after a one-time pass sign-in.

import { registrationDeadline } from '../domain/tap/pass.js';
import { createTemporaryAccessPassesRepo } from '../store/repos/temporary-access-passes.js';
import type { Deps } from './deps.js';
import { viewOf, type TapView } from './temporary-access-passes.js';

/** The sign-in a session or token stands on: its amr and its auth_time (epoch seconds). */
export interface SignInAt {
  amr: string[];
  authTime: number;
}

/**
 * Until when this session may register new sign-in methods after a one-time pass sign-in: Entra allows 10 minutes.
 * Otherwise undefined (the method-change window alone applies).
 */
export function methodRegistrationDeadline(s: SignInAt, pass: TapView | undefined): Date | undefined {
  const usedOneTime = s.amr.includes('tap') && pass?.pass.isUsableOnce === true;
  return usedOneTime ? registrationDeadline(new Date(s.authTime * 1000), pass.pass) : undefined;
}

export type MethodChangeGate =
  | { allowed: true; until: Date }
  /** notMultiFactor: a password-only sign-in never may; stale: sign in again with a second factor. */
  | { allowed: false; reason: 'notMultiFactor' | 'stale' };

/** Who may add or delete a method: a session whose multi-factor sign-in (a pass counts) is at most `windowMinutes` old. */
export function methodChangeGate(
  s: SignInAt,
  pass: TapView | undefined,
  nowMs: number,
  windowMinutes: number,
): MethodChangeGate {
  if (!s.amr.includes('mfa')) return { allowed: false, reason: 'notMultiFactor' };
  const windowEnd = (s.authTime + windowMinutes * 60) * 1000;
  const deadline = methodRegistrationDeadline(s, pass)?.getTime() ?? Infinity;
  const until = Math.min(windowEnd, deadline);
  return nowMs < until ? { allowed: true, until: new Date(until) } : { allowed: false, reason: 'stale' };
}

/** The gate for the user's own sign-in `signIn`, against their pass as the store holds it now. */
export async function methodChangeGateOf(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  userId: string,
  signIn: SignInAt,
): Promise<MethodChangeGate> {
  const stored = await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(userId);
  const now = deps.clock.now();
  const pass = stored ? await viewOf(deps.db, stored, now) : undefined;
  return methodChangeGate(signIn, pass, now.getTime(), deps.config.methodChangeWindowMinutes);
}
