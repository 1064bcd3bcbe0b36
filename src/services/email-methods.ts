// Graph emailAuthenticationMethod: a user's notification email, where "This wasn't me" notices go. An address set by
// an administrator counts as verified (as in Entra); one per user.

import { jsonValue, userTarget, type AuditEntry } from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { createEmailMethodsRepo, type EmailMethod } from '../store/repos/email-methods.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, userAuthzTarget, type GuardedContext } from './guard.js';
import { findUserByIdOrUpn, getUserByIdOrUpn, notFoundError } from './user-lookup.js';

const CREATE = 'microsoft.directory/users/authenticationMethods/create';
const DELETE = 'microsoft.directory/users/authenticationMethods/delete';
const UPDATE = 'microsoft.directory/users/authenticationMethods/basic/update';
const READ = 'microsoft.directory/users/authenticationMethods/standard/restrictedRead';

export const EMAIL_METHOD_TYPE = '#microsoft.graph.emailAuthenticationMethod';

export const toGraphEmailMethod = (m: EmailMethod) => ({
  '@odata.type': EMAIL_METHOD_TYPE,
  id: m.id,
  emailAddress: m.emailAddress,
});

/** A plain address, one line: the only thing a notification address may be. */
export function readEmailAddress(value: unknown): string {
  if (typeof value !== 'string' || value.length > 254 || !/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(value))
    throw new AppError('invalidEmailAddress', { target: 'emailAddress' });
  return value;
}

/**
 * Entra's "… security info" entry for the notification email, set by an administrator ("Admin registered email
 * authentication method for user") or by the user from Security info ("User registered email authentication method").
 */
export function emailEntry(
  change: 'registered' | 'updated' | 'deleted',
  user: Pick<UserRecord, 'id' | 'displayName' | 'userPrincipalName'> | undefined,
  key: string,
  method?: EmailMethod,
  previous?: string,
  who: 'Admin' | 'User' = 'Admin',
): AuditEntry {
  const properties = method
    ? [
        { displayName: 'EmailAuthenticationMethod.Id', oldValue: null, newValue: jsonValue(method.id) },
        {
          displayName: 'EmailAuthenticationMethod.EmailAddress',
          oldValue: previous === undefined ? null : jsonValue(previous),
          newValue: change === 'deleted' ? null : jsonValue(method.emailAddress),
        },
      ]
    : [];
  return {
    activityDisplayName: `${who} ${change} security info`,
    category: 'UserManagement',
    loggedByService: 'Authentication Methods',
    operationType: change === 'registered' ? 'Add' : change === 'updated' ? 'Update' : 'Delete',
    resultReason: `${who} ${change} email authentication method${who === 'Admin' ? ' for user' : ''}`,
    targetResources: [user ? userTarget(user, properties) : { id: key, displayName: null, type: 'User' }],
  };
}

export async function listEmailMethods(deps: Pick<Deps, 'db'>, ctx: GuardedContext, idOrUpn: string) {
  const user = await getUserByIdOrUpn(deps.db, idOrUpn);
  check(ctx, READ, await userAuthzTarget(deps.db, user.id));
  const m = await createEmailMethodsRepo(deps.db).findEmailMethodOfUser(user.id);
  return { userId: user.id, methods: m ? [m] : [] };
}

export async function getEmailMethod(deps: Pick<Deps, 'db'>, ctx: GuardedContext, idOrUpn: string, id: string) {
  const { methods } = await listEmailMethods(deps, ctx, idOrUpn);
  const found = methods.find((m) => m.id === id.toLowerCase());
  if (!found) throw notFoundError(id);
  return found;
}

export async function addEmailMethod(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  emailAddress: unknown,
): Promise<EmailMethod> {
  let known: UserRecord | undefined;
  return audited(
    deps,
    ctx,
    () => emailEntry('registered', known, idOrUpn),
    async (tx, record) => {
      known = await findUserByIdOrUpn(tx, idOrUpn);
      const user = await getUserByIdOrUpn(tx, idOrUpn);
      check(ctx, CREATE, await userAuthzTarget(tx, user.id));
      const address = readEmailAddress(emailAddress);
      const repo = createEmailMethodsRepo(tx);
      if (await repo.findEmailMethodOfUser(user.id))
        throw new AppError('emailMethodExists', { target: 'emailAddress' });
      const method = { id: newId(), userId: user.id, emailAddress: address, createdAt: deps.clock.now() };
      await repo.insertEmailMethod(method);
      await record(emailEntry('registered', user, idOrUpn, method));
      return method;
    },
  );
}

export async function updateEmailMethod(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  id: string,
  emailAddress: unknown,
): Promise<EmailMethod> {
  let known: UserRecord | undefined;
  return audited(
    deps,
    ctx,
    () => emailEntry('updated', known, idOrUpn),
    async (tx, record) => {
      const user = (known = await getUserByIdOrUpn(tx, idOrUpn));
      check(ctx, UPDATE, await userAuthzTarget(tx, user.id));
      const repo = createEmailMethodsRepo(tx);
      const current = await repo.findEmailMethodOfUser(user.id);
      if (!current || current.id !== id.toLowerCase()) throw notFoundError(id);
      const address = readEmailAddress(emailAddress);
      await repo.updateEmailAddress(current.id, address);
      const updated = { ...current, emailAddress: address };
      await record(emailEntry('updated', user, idOrUpn, updated, current.emailAddress));
      return updated;
    },
  );
}

export async function deleteEmailMethod(deps: Deps, ctx: GuardedContext, idOrUpn: string, id: string): Promise<void> {
  let known: UserRecord | undefined;
  await audited(
    deps,
    ctx,
    () => emailEntry('deleted', known, idOrUpn),
    async (tx, record) => {
      const user = (known = await getUserByIdOrUpn(tx, idOrUpn));
      check(ctx, DELETE, await userAuthzTarget(tx, user.id));
      const removed = await createEmailMethodsRepo(tx).deleteEmailMethod(id.toLowerCase(), user.id);
      if (!removed) throw notFoundError(id);
      await record(emailEntry('deleted', user, idOrUpn, removed, removed.emailAddress));
    },
  );
}
