// Redeeming a Temporary Access Pass at sign-in, as named steps: throttle (counted before the hash), loadPass,
// verifyHash (a dummy verify when there is no pass), checkRedeemable (policy, used, expired, not yet valid),
// consumeAtomically (one conditional update: exactly one of any number of concurrent redemptions wins).

import { normalizeEnteredPass } from '../domain/tap/code.js';
import { usabilityContext } from '../domain/tap/pass.js';
import type { TapPolicy } from '../domain/tap/policy.js';
import { checkRedeemable, redemptionMessage, type RedemptionRefusal } from '../domain/tap/redeem.js';
import { createGroupsRepo } from '../store/repos/groups.js';
import { createTemporaryAccessPassesRepo, type StoredPass } from '../store/repos/temporary-access-passes.js';
import { createUsersRepo } from '../store/repos/users.js';
import type { Deps } from './deps.js';
import { recordPassNotice } from './pass-notices.js';
import { getTapPolicy } from './tap-policy.js';
import { attemptFailed, beginAttempt, giveBack, isFamiliar, type ThrottleSubject } from './throttle.js';

export type TapRedemption =
  /** The pass as the redemption left it (a one-time pass now used). */
  | { ok: true; pass: StoredPass }
  | { ok: false; kind: 'wrong' }
  | { ok: false; kind: 'throttled'; retryAfterSeconds: number }
  | { ok: false; kind: 'refused'; reason: RedemptionRefusal; message: string };

export interface RedeemInput {
  subject: ThrottleSubject;
  userId: string | null;
  entered: string;
  ipAddress: string | null;
  /** The user a valid device cookie of this browser names (smart lock-out: a familiar browser is counted apart). */
  familiarUserId?: string | null;
  /** The pass policy and the user's groups, when this request has read them already (the sign-in step has). */
  settings?: { policy: TapPolicy; groups: string[] };
}

export async function redeemTemporaryAccessPass(deps: Deps, input: RedeemInput): Promise<TapRedemption> {
  const start = await beginAttempt(deps, input.subject, input.ipAddress, 'tap', isFamiliar(input));
  if (!start.allowed) return { ok: false, kind: 'throttled', retryAfterSeconds: start.retryAfterSeconds };

  const stored = input.userId ? await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(input.userId) : undefined;
  let verified: boolean;
  try {
    verified = (await deps.hasher.verify(stored?.passHash ?? null, normalizeEnteredPass(input.entered))).ok;
  } catch (e) {
    await giveBack(deps, start.ticket); // the hash queue was full: nothing was checked
    throw e;
  }
  if (!verified || !stored) {
    await attemptFailed(deps, start.ticket);
    // No pass at all (revoked, or replaced and removed): say so; it tells a guesser nothing about any secret.
    return stored
      ? { ok: false, kind: 'wrong' }
      : { ok: false, kind: 'refused', reason: 'noPass', message: redemptionMessage('noPass') };
  }
  // The holder knows the pass: whatever follows (even "already used") was not a guess.
  await giveBack(deps, start.ticket);

  const now = deps.clock.now();
  const { policy, groups } = input.settings ?? (await readSettings(deps, stored.userId));
  const redeemable = checkRedeemable(stored, usabilityContext(policy, new Set(groups), now));
  if (!redeemable.ok) return { ok: false, kind: 'refused', reason: redeemable.reason, message: redeemable.message };
  if (!(await consume(deps, stored, now))) {
    // Another redemption won, or the pass was replaced or revoked a moment ago.
    const reason: RedemptionRefusal = stored.isUsableOnce ? 'used' : 'noPass';
    return { ok: false, kind: 'refused', reason, message: redemptionMessage(reason, stored) };
  }
  // A retry-tolerant pass keeps its first use (its window counts from there), as the update did.
  const usedAt = stored.retryWindowMinutes != null && stored.usedAt !== null ? stored.usedAt : now;
  return { ok: true, pass: { ...stored, usedAt } };
}

/**
 * The first use of a pass also records its "This wasn't me" notice, in the same transaction as the use: a notice is
 * never lost and never sent for a use that did not happen. Later uses stay one statement.
 */
async function consume(deps: Deps, stored: StoredPass, now: Date): Promise<boolean> {
  if (stored.usedAt !== null) return createTemporaryAccessPassesRepo(deps.db).consumePass(stored.id, now.getTime());
  return deps.db.transaction().execute(async (tx) => {
    if (!(await createTemporaryAccessPassesRepo(tx).consumePass(stored.id, now.getTime()))) return false;
    const user = await createUsersRepo(tx).findUserById(stored.userId);
    if (user) await recordPassNotice(tx, deps, user, stored, 'first_used');
    return true;
  });
}

async function readSettings(deps: Deps, userId: string): Promise<{ policy: TapPolicy; groups: string[] }> {
  const [policy, groups] = await Promise.all([getTapPolicy(deps.db), createGroupsRepo(deps.db).listGroupIdsOf(userId)]);
  return { policy, groups };
}
