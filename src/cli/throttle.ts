// The CLI's view of sign-in throttling (placeholder until services/throttle.ts lands).

import type { Deps, RequestContext } from '../services/deps.js';
import type { UserRecord } from '../services/users.js';
import { CliError, EXIT } from './errors.js';

export type ThrottleView = Record<string, unknown>;

export async function throttleState(_deps: Deps, _user: UserRecord): Promise<ThrottleView | undefined> {
  return undefined;
}

export function throttleLines(_view: ThrottleView | undefined): string[] {
  return [];
}

export async function unlockUser(_deps: Deps, _ctx: RequestContext, _user: UserRecord): Promise<ThrottleView> {
  throw new CliError('sign-in throttling is not available in this build', EXIT.usage, 'notSupported');
}
