// The CLI's view of a user's sign-in throttle (services/throttle.ts): shown by `user show`, cleared by `user unlock`.

import type { Deps, RequestContext } from '../services/deps.js';
import { clearThrottle, getThrottleState, type FactorThrottleState, type ThrottleState } from '../services/throttle.js';
import type { UserRecord } from '../services/users.js';

export type ThrottleView = Omit<ThrottleState, 'userId'>;

function viewOf(state: ThrottleState): ThrottleView {
  const { userId: _userId, ...view } = state;
  return view;
}

export async function throttleState(deps: Deps, user: UserRecord): Promise<ThrottleView> {
  return viewOf(await getThrottleState(deps, user.id));
}

function factorLines(name: string, f: FactorThrottleState): string[] {
  const familiar = f.familiarBrowsers;
  if (f.failures === 0 && f.addresses.length === 0 && familiar.failures === 0) return [];
  const lines = [
    `    ${name}: ${f.failures} recent failure(s) from unfamiliar browsers, last ${f.lastFailureDateTime ?? '—'}` +
      (f.retryAfterSeconds > 0 ? `; they wait ${f.retryAfterSeconds} s` : '') +
      (f.lockedOut ? " (locked out: the user's own browsers are not affected)" : ''),
  ];
  if (familiar.failures > 0)
    lines.push(
      `      from browsers where the user signed in before: ${familiar.failures} failure(s), last ${familiar.lastFailureDateTime ?? '—'}` +
        (familiar.retryAfterSeconds > 0 ? `, waits ${familiar.retryAfterSeconds} s` : ''),
    );
  for (const a of f.addresses)
    lines.push(
      `      from ${a.addressKey}: ${a.failures} failure(s), last ${a.lastFailureDateTime}${a.retryAfterSeconds > 0 ? `, waits ${a.retryAfterSeconds} s` : ''}`,
    );
  return lines;
}

export function throttleLines(view: ThrottleView | undefined): string[] {
  if (!view) return [];
  const lines = [
    ...factorLines('passwords', view),
    ...factorLines('Temporary Access Passes', view.temporaryAccessPass),
    ...factorLines('authenticator codes', view.authenticatorApp),
    ...factorLines('passkeys', view.passkey),
  ];
  if (lines.length === 0) return ['  Sign-in throttle: no recent failures'];
  return ['  Sign-in throttle:', ...lines, '    (gatepass user unlock clears it)'];
}

export async function unlockUser(deps: Deps, ctx: RequestContext, user: UserRecord): Promise<ThrottleView> {
  await clearThrottle(deps, ctx, user.id);
  return viewOf(await getThrottleState(deps, user.id));
}
