// findAccount: the directory user behind a session or token, refused once disabled, deleted, or revoked
// (a session or token that began before users.sessions_valid_from is void).

import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { TapPurpose } from '../domain/tap/constants.js';
import { passEndsAt } from '../domain/tap/pass.js';
import type { Deps } from '../services/deps.js';
import { findAccountHolder } from '../services/token-subjects.js';

/** The account entity oidc-provider keeps on the request; ttl functions read tapEndsAt from it synchronously. */
export interface GatepassAccount extends Account {
  /** End of the user's current pass (epoch seconds): tokens from a pass sign-in never outlive it. */
  tapEndsAt?: number;
  /** Id of the user's current pass: user access tokens from a pass sign-in name it (`gp_tap`). */
  tapId?: string;
  /** Purpose of the user's current pass: a sign-in with a 'setup' pass reaches Security info only. */
  tapPurpose?: TapPurpose;
}

/** When the sign-in behind `token` (or the browser session) happened, in epoch seconds. */
function startedAt(ctx: KoaContextWithOIDC, token: unknown): number | undefined {
  if (token && typeof token === 'object') {
    const t = token as { authTime?: number; iiat?: number; iat?: number; loginTs?: number };
    // A rotated refresh token keeps the original sign-in time (authTime) and first issue time (iiat).
    return t.authTime ?? t.loginTs ?? t.iiat ?? t.iat;
  }
  return ctx.oidc?.session?.loginTs;
}

export function createFindAccount(deps: Pick<Deps, 'db' | 'tenant'>): FindAccount {
  return async (ctx, sub, token) => {
    const found = await findAccountHolder(deps, sub);
    if (!found?.user.accountEnabled) return undefined;
    const { user, pass } = found;
    const started = startedAt(ctx, token);
    // Compared in whole seconds, as tokens carry them: a revocation voids everything from earlier seconds.
    if (started !== undefined && started < Math.floor(user.sessionsValidFrom.getTime() / 1000)) return undefined;
    const account: GatepassAccount = {
      accountId: user.id,
      ...(pass
        ? { tapEndsAt: Math.floor(passEndsAt(pass).getTime() / 1000), tapId: pass.id, tapPurpose: pass.purpose }
        : {}),
      async claims() {
        return {
          sub: user.id,
          oid: user.id,
          tid: deps.tenant.id,
          preferred_username: user.userPrincipalName,
          name: user.displayName,
          given_name: user.givenName ?? undefined,
          family_name: user.surname ?? undefined,
          email: user.mail ?? undefined,
        };
      },
    };
    return account;
  };
}
