// Retiring a user's Temporary Access Pass in the transaction that registers a method able to replace it: the pass is
// deleted, what it started elsewhere ends, the registering /my session rests on the new method, and the audit log
// says why ("Temporary Access Pass retired after registration", naming the method).

import { type AuditEntry, userTarget } from '../domain/audit.js';
import type { FactorMethod } from '../domain/signin/types.js';
import { auditModifiedProperties } from '../domain/tap/pass.js';
import { amrAfterRetirement, passNoLongerNeeded } from '../domain/tap/retire.js';
import type { DbOrTx } from '../store/db.js';
import { createAuthenticatorAppsRepo } from '../store/repos/authenticator-apps.js';
import { createFido2MethodsRepo } from '../store/repos/fido2-methods.js';
import { createMySessionsRepo } from '../store/repos/my-sessions.js';
import { createTemporaryAccessPassesRepo } from '../store/repos/temporary-access-passes.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import { PASS_RETIRED } from './pass-history.js';
import type { RecordAudit } from './audited.js';
import type { Deps } from './deps.js';
import { endSessionsStartedWithPass } from './tap-sessions.js';
import { getTapPolicy } from './tap-policy.js';

/** The method just registered, in the caller's transaction. */
export interface RegisteredMethod {
  readonly kind: 'fido2' | 'softwareOath';
  readonly id: string;
  readonly displayName: string;
  /** Its amr value when it signs in: otp, swk or hwk. */
  readonly amr: string;
}

/** The /my session that registered it (its row's key and amr), when the registration came from Security info. */
export interface RegisteringSession {
  readonly idHash: string;
  readonly amr: readonly string[];
}

export interface RetiredPass {
  readonly passId: string;
  /** The amr value of the method that replaced it. */
  readonly methodAmr: string;
  /** What the registering session now rests on, when it had signed in with the pass. */
  readonly sessionAmr?: string[];
}

const KIND_WORDS: Record<RegisteredMethod['kind'], string> = {
  fido2: 'passkey',
  softwareOath: 'authenticator app',
};

function retiredEntry(
  user: Holder,
  passProperties: AuditEntry['targetResources'][number]['modifiedProperties'],
  method: RegisteredMethod,
): AuditEntry {
  return {
    activityDisplayName: PASS_RETIRED,
    category: 'UserManagement',
    loggedByService: 'Authentication Methods',
    operationType: 'Delete',
    resultReason: `The user registered the ${KIND_WORDS[method.kind]} "${method.displayName}", which signs in without the pass.`,
    targetResources: [userTarget(user, passProperties)],
    additionalDetails: [
      { key: 'RegisteredMethodType', value: method.kind === 'fido2' ? 'Fido2' : 'SoftwareOathToken' },
      { key: 'RegisteredMethodId', value: method.id },
      { key: 'RegisteredMethodDisplayName', value: method.displayName },
    ],
  };
}

type Holder = Pick<UserRecord, 'id' | 'displayName' | 'userPrincipalName'>;

/** The user's methods without the pass, as the store holds them in this transaction (the new one included). */
async function methodsWithoutPass(db: DbOrTx, deps: Pick<Deps, 'config'>, user: Holder): Promise<Set<FactorMethod>> {
  const [stored, hasApp, hasPasskey] = await Promise.all([
    createUsersRepo(db).findUserById(user.id),
    createAuthenticatorAppsRepo(db).hasAny(user.id),
    createFido2MethodsRepo(db).hasAnyForRp(user.id, deps.config.rpId),
  ]);
  const methods = new Set<FactorMethod>();
  if (stored?.passwordHash) methods.add('password');
  if (hasApp) methods.add('authenticatorApp');
  if (hasPasskey) methods.add('passkey');
  return methods;
}

/**
 * Call inside the registration's transaction, after the new method is stored. Retires the user's pass when the policy
 * says so and the pass is no longer needed, and returns what was retired. Otherwise a retry-tolerant one-time pass
 * whose session registered is used up now (its registration is what it was for).
 */
export async function settlePassAfterRegistration(
  tx: DbOrTx,
  deps: Pick<Deps, 'config' | 'oidcPayloads' | 'clock'>,
  record: RecordAudit,
  user: Holder,
  method: RegisteredMethod,
  session?: RegisteringSession,
): Promise<RetiredPass | undefined> {
  const passes = createTemporaryAccessPassesRepo(tx);
  const [policy, pass] = await Promise.all([getTapPolicy(tx), passes.findPassOfUser(user.id)]);
  if (!pass) return undefined;
  const facts = {
    enabled: policy.retireAfterRegistration,
    methodsWithoutPass: await methodsWithoutPass(tx, deps, user),
  };
  if (!passNoLongerNeeded(facts)) {
    if (session?.amr.includes('tap')) await passes.markUsedUp(pass.id, deps.clock.now().getTime());
    return undefined;
  }
  // Deleted by id: a pass issued a moment ago by the helpdesk is another pass, and stays.
  if (!(await passes.deletePass(pass.id, user.id))) return undefined;
  await endSessionsStartedWithPass(tx, deps, user.id);
  const keep = session?.amr.includes('tap')
    ? { idHash: session.idHash, amr: amrAfterRetirement(session.amr, method.amr) }
    : undefined;
  await createMySessionsRepo(tx).rebaseOnRetiredPass(pass.id, keep);
  await record(retiredEntry(user, auditModifiedProperties(pass, 'deleted'), method));
  return { passId: pass.id, methodAmr: method.amr, ...(keep ? { sessionAmr: keep.amr } : {}) };
}
