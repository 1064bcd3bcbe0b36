// "Why doesn't this pass work?": reads what a sign-in with the user's pass would meet (the user, their pass, the pass
// policy and their groups, the pass throttle without counting an attempt) under the same permission as reading the
// pass. The checks themselves are pure (domain/tap/diagnosis.ts); the caller words the times for its reader.

import type { DiagnosisFacts } from '../domain/tap/diagnosis.js';
import { usabilityContext } from '../domain/tap/pass.js';
import { createGroupsRepo } from '../store/repos/groups.js';
import { createTemporaryAccessPassesRepo } from '../store/repos/temporary-access-passes.js';
import type { UserRecord } from '../store/repos/users.js';
import type { Deps } from './deps.js';
import { check, userAuthzTarget, type GuardedContext } from './guard.js';
import { getTapPolicy } from './tap-policy.js';
import { readPassThrottle } from './throttle.js';
import { getUserByIdOrUpn, notFoundError } from './user-lookup.js';

/** As for reading the pass itself (temporary-access-passes.ts). */
const READ = 'microsoft.directory/users/authenticationMethods/standard/restrictedRead';

export interface PassDiagnosisInput {
  user: UserRecord;
  facts: DiagnosisFacts;
}

/**
 * The facts for the diagnosis of `idOrUpn`'s pass. With `methodId`, the user must hold that very pass (else Graph's
 * 404, as for GET of the pass); without it (the CLI), a user without a pass is diagnosed too ("pass exists" fails).
 */
export async function readPassDiagnosis(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  idOrUpn: string,
  methodId?: string,
): Promise<PassDiagnosisInput> {
  const user = await getUserByIdOrUpn(deps.db, idOrUpn);
  check(ctx, READ, await userAuthzTarget(deps.db, user.id));
  const pass = await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id);
  if (methodId !== undefined && pass?.id !== methodId.toLowerCase()) throw notFoundError(methodId);
  const [policy, groups, throttle] = await Promise.all([
    getTapPolicy(deps.db),
    createGroupsRepo(deps.db).listGroupIdsOf(user.id),
    readPassThrottle(deps, user.id),
  ]);
  const ctxNow = usabilityContext(policy, new Set(groups), deps.clock.now());
  return { user, facts: { user, pass, ctx: ctxNow, throttle } };
}
