// The CLI's view of a user's sign-in throttle (services/throttle.ts): shown by `user show`, cleared by `user unlock`.

import type { Deps, RequestContext } from '../services/deps.js';
import { clearThrottle, getThrottleState, type ThrottleState } from '../services/throttle.js';
import type { UserRecord } from '../services/users.js';

export type ThrottleView = Omit<ThrottleState, 'userId'>;

function viewOf(state: ThrottleState): ThrottleView {
  const { userId: _userId, ...view } = state;
  return view;
}

export async function throttleState(deps: Deps, user: UserRecord): Promise<ThrottleView> {
  return viewOf(await getThrottleState(deps, user.id));
}

export function throttleLines(view: ThrottleView | undefined): string[] {
  if (!view) return [];
  if (view.failures === 0 && view.addresses.length === 0) return ['  Sign-in throttle: no recent password failures'];
  const lines = [
    `  Sign-in throttle: ${view.failures} recent password failure(s), last ${view.lastFailureDateTime ?? '—'}` +
      (view.retryAfterSeconds > 0 ? `; every address waits ${view.retryAfterSeconds} s` : ''),
  ];
  for (const a of view.addresses)
    lines.push(`    from ${a.addressKey}: ${a.failures} failure(s), last ${a.lastFailureDateTime}${a.retryAfterSeconds > 0 ? `, waits ${a.retryAfterSeconds} s` : ''}`);
  lines.push('  (gatepass user unlock clears it)');
  return lines;
}

export async function unlockUser(deps: Deps, ctx: RequestContext, user: UserRecord): Promise<ThrottleView> {
  await clearThrottle(deps, ctx, user.id);
  return viewOf(await getThrottleState(deps, user.id));
}
