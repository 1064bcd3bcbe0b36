// The one rule for sign-ins that used a Temporary Access Pass: they hold only while that very pass does.

import { passEndsAt, type TapRecord } from './pass.js';

export interface PassSignIn {
  /** Authentication methods of the sign-in (OIDC amr); "tap" marks a pass sign-in. */
  readonly amr: readonly string[];
  /** When the sign-in happened, in epoch seconds (OIDC auth_time). */
  readonly authTime: number;
  /** The pass used, when the session or token recorded it (Graph access tokens carry it as `gp_tap`). */
  readonly passId?: string;
}

/**
 * Whether a session or token from `signIn` may still be used. One without a pass always may (other rules apply).
 * One with a pass may only while the user still holds that pass and it has not ended: deleting or replacing the pass,
 * or its end, ends everything it started. The pass id decides when it was recorded; otherwise a pass issued after the
 * sign-in's second is another pass.
 */
export function passSignInHolds(
  signIn: PassSignIn,
  pass: Pick<TapRecord, 'id' | 'createdAt' | 'startAt' | 'lifetimeMinutes' | 'disputedAt'> | undefined,
  now: Date,
): boolean {
  if (!signIn.amr.includes('tap')) return true;
  if (pass === undefined || passEndsAt(pass).getTime() <= now.getTime()) return false;
  // "This wasn't me": what the pass opened closes with the report, though the pass stays listed as disputed.
  if (pass.disputedAt !== null) return false;
  if (signIn.passId !== undefined && signIn.passId !== pass.id) return false;
  return Math.floor(pass.createdAt.getTime() / 1000) <= signIn.authTime;
}
