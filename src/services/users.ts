// Directory users: create, read, list, update, disable, reset password, delete — each one audited use case.
// Disabling, deleting or resetting the password ends the user's sessions and tokens in the same transaction.

import { userTarget, jsonValue, type AuditEntry, type ModifiedProperty, type AuditActivity } from '../domain/audit.js';
import type { Action } from '../domain/authz/permissions.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { GLOBAL_ADMINISTRATOR } from '../domain/roles.js';
import { isUniqueViolation, type Tx } from '../store/db.js';
import { createRoleAssignmentsRepo } from '../store/repos/role-assignments.js';
import { createUsersRepo, type UserChanges, type UserRecord } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, checkBeforeNotFound, TENANT_TARGET, userAuthzTarget, type GuardedContext } from './guard.js';
import { listPageOf, optionsOf, type ListOptions, type ListQuery } from './list-query.js';
import { endUserSessions, revokeSignInSessions } from './sessions.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';
import { acceptablePassword, optionalText, text, validMail, validMailNickname, validUpn } from './user-input.js';

export { validUpn };

export { revokeSignInSessions };
export type { UserRecord };

export interface CreateUserInput {
  userPrincipalName: string;
  displayName: string;
  mailNickname?: string;
  accountEnabled?: boolean;
  password?: string;
  forceChangePasswordNextSignIn?: boolean;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  mail?: string | null;
}

export interface UserPatch {
  displayName?: string;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  mail?: string | null;
  mailNickname?: string;
  userPrincipalName?: string;
  accountEnabled?: boolean;
  password?: string;
  forceChangePasswordNextSignIn?: boolean;
}

const SERVICE = 'Core Directory';
const USERS = 'microsoft.directory/users';

/** The audit trail never holds a secret: a password write shows up as PasswordProfile changed, with empty values. */
const PASSWORD_CHANGED: ModifiedProperty = { displayName: 'PasswordProfile', oldValue: '', newValue: '' };

const change = (displayName: string, oldValue: unknown, newValue: unknown): ModifiedProperty => ({
  displayName,
  oldValue: oldValue === undefined ? null : jsonValue(oldValue),
  newValue: jsonValue(newValue),
});

type UserRef = { id: string; displayName: string; userPrincipalName: string };

function userEntry(
  activity: AuditActivity,
  operationType: AuditEntry['operationType'],
  user: UserRef | string,
  modified: ModifiedProperty[] = [],
): AuditEntry {
  return {
    activityDisplayName: activity,
    category: 'UserManagement',
    loggedByService: SERVICE,
    operationType,
    targetResources: [
      typeof user === 'string'
        ? { id: user, displayName: null, type: 'User', modifiedProperties: modified }
        : userTarget(user, modified),
    ],
  };
}

/**
 * Refuses to leave the tenant without an enabled Global Administrator: called after the change, in the same
 * transaction, with the holders' rows locked on PostgreSQL so two concurrent requests cannot both pass.
 */
export async function ensureGlobalAdministratorRemains(tx: Tx, wasHolder: boolean): Promise<void> {
  if (!wasHolder) return;
  if ((await createRoleAssignmentsRepo(tx).countEnabledHoldersOf(GLOBAL_ADMINISTRATOR)) === 0)
    throw new AppError('lastGlobalAdmin', { target: 'id' });
}

/** Locks the Global Administrators (PostgreSQL) and tells whether `userId` is one, before the change. */
export async function lockGlobalAdministrators(deps: Pick<Deps, 'store'>, tx: Tx, userId: string): Promise<boolean> {
  const roles = createRoleAssignmentsRepo(tx);
  await roles.lockHoldersOf(GLOBAL_ADMINISTRATOR, deps.store.dialect);
  return roles.holdsRole(userId, GLOBAL_ADMINISTRATOR);
}

/** By id or UPN; the permission is checked before existence, so a caller without it learns nothing about who exists. */
export async function getUser(deps: Pick<Deps, 'db'>, ctx: GuardedContext, idOrUpn: string): Promise<UserRecord> {
  const user = await findUserByIdOrUpn(deps.db, idOrUpn);
  check(ctx, `${USERS}/standard/read`, { kind: 'user', id: user?.id ?? idOrUpn });
  if (!user) throw notFoundError(idOrUpn);
  return user;
}

export async function listUsers(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  options: ListOptions<ListQuery & { count?: boolean }>,
): Promise<{ users: UserRecord[]; nextSkipToken?: string; count?: number }> {
  check(ctx, `${USERS}/standard/read`, TENANT_TARGET);
  const query = optionsOf(options);
  const page = listPageOf('users', query);
  const repo = createUsersRepo(deps.db);
  const rows = await repo.listUsers({ where: page.where, afterId: page.afterId, limit: page.limit + 1 });
  const users = rows.slice(0, page.limit);
  const result: { users: UserRecord[]; nextSkipToken?: string; count?: number } = { users };
  if (rows.length > page.limit) result.nextSkipToken = page.skipTokenAfter(users[users.length - 1]!.id);
  if (query.count) result.count = await repo.countUsers(page.where);
  return result;
}

export async function createUser(deps: Deps, ctx: GuardedContext, input: CreateUserInput): Promise<UserRecord> {
  const refusal = () =>
    userEntry('Add user', 'Add', {
      id: '',
      displayName: input.displayName,
      userPrincipalName: input.userPrincipalName,
    });
  // Validation and the permission check come before hashing (seconds of CPU under load), and are audited when refused.
  const prepared = await audited(deps, ctx, refusal, async (tx) => {
    check(ctx, `${USERS}/create`, TENANT_TARGET);
    const userPrincipalName = validUpn(deps, input.userPrincipalName);
    const displayName = text(input.displayName, 'displayName', 256);
    const mailNickname = validMailNickname(
      input.mailNickname ?? userPrincipalName.slice(0, userPrincipalName.lastIndexOf('@')),
    );
    const normalizedPassword =
      input.password === undefined ? undefined : acceptablePassword(input.password, userPrincipalName);
    if (await createUsersRepo(tx).findUserByUpn(userPrincipalName))
      throw new AppError('upnTaken', { target: 'userPrincipalName' });
    return {
      userPrincipalName,
      displayName,
      mailNickname,
      normalizedPassword,
      givenName: optionalText(input.givenName, 'givenName', 64) ?? null,
      surname: optionalText(input.surname, 'surname', 64) ?? null,
      jobTitle: optionalText(input.jobTitle, 'jobTitle', 128) ?? null,
      mail: validMail(input.mail) ?? null,
    };
  });
  const passwordHash =
    prepared.normalizedPassword === undefined ? null : await deps.hasher.hash(prepared.normalizedPassword);
  const now = deps.clock.now();
  const user: UserRecord = {
    id: newId(),
    userPrincipalName: prepared.userPrincipalName,
    displayName: prepared.displayName,
    mailNickname: prepared.mailNickname,
    givenName: prepared.givenName,
    surname: prepared.surname,
    jobTitle: prepared.jobTitle,
    mail: prepared.mail,
    userType: 'Member',
    accountEnabled: input.accountEnabled ?? true,
    passwordHash,
    passwordChangedAt: passwordHash ? now : null,
    forceChangePassword: passwordHash ? (input.forceChangePasswordNextSignIn ?? false) : false,
    sessionsValidFrom: now,
    createdAt: now,
    updatedAt: now,
  };
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, `${USERS}/create`, TENANT_TARGET);
    try {
      await createUsersRepo(tx).insertUser(user);
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('upnTaken', { target: 'userPrincipalName' });
      throw e;
    }
    const modified = [
      change('AccountEnabled', undefined, user.accountEnabled),
      change('DisplayName', undefined, user.displayName),
      change('MailNickname', undefined, user.mailNickname),
      change('UserPrincipalName', undefined, user.userPrincipalName),
      change('UserType', undefined, user.userType),
      ...(passwordHash ? [PASSWORD_CHANGED] : []),
    ];
    await record(userEntry('Add user', 'Add', user, modified));
    return user;
  });
}

interface PreparedPatch {
  changes: UserChanges;
  normalizedPassword?: string;
  actions: Action[];
}

/** The actions a patch needs, from which properties it names (before any validation). */
function actionsOfPatch(patch: UserPatch): Action[] {
  const actions = new Set<Action>();
  const basic: (keyof UserPatch)[] = ['displayName', 'givenName', 'surname', 'jobTitle', 'mail', 'mailNickname'];
  if (basic.some((k) => patch[k] !== undefined)) actions.add(`${USERS}/basic/update`);
  if (patch.userPrincipalName !== undefined) actions.add(`${USERS}/userPrincipalName/update`);
  if (patch.accountEnabled !== undefined) actions.add(patch.accountEnabled ? `${USERS}/enable` : `${USERS}/disable`);
  if (patch.password !== undefined || patch.forceChangePasswordNextSignIn !== undefined)
    actions.add(`${USERS}/password/update`);
  return [...actions];
}

/** Works out the changes and the actions they need; throws the first invalid field. */
function preparePatch(deps: Deps, user: UserRecord, patch: UserPatch): PreparedPatch {
  const changes: UserChanges = {};
  const actions = new Set<Action>();
  if (patch.displayName !== undefined) changes.displayName = text(patch.displayName, 'displayName', 256);
  if (patch.givenName !== undefined) changes.givenName = optionalText(patch.givenName, 'givenName', 64);
  if (patch.surname !== undefined) changes.surname = optionalText(patch.surname, 'surname', 64);
  if (patch.jobTitle !== undefined) changes.jobTitle = optionalText(patch.jobTitle, 'jobTitle', 128);
  if (patch.mail !== undefined) changes.mail = validMail(patch.mail);
  if (patch.mailNickname !== undefined) changes.mailNickname = validMailNickname(patch.mailNickname);
  if (Object.keys(changes).length > 0) actions.add(`${USERS}/basic/update`);
  if (patch.userPrincipalName !== undefined) {
    changes.userPrincipalName = validUpn(deps, patch.userPrincipalName);
    actions.add(`${USERS}/userPrincipalName/update`);
  }
  if (patch.accountEnabled !== undefined) {
    changes.accountEnabled = patch.accountEnabled;
    actions.add(patch.accountEnabled ? `${USERS}/enable` : `${USERS}/disable`);
  }
  let normalizedPassword: string | undefined;
  if (patch.password !== undefined) {
    normalizedPassword = acceptablePassword(patch.password, changes.userPrincipalName ?? user.userPrincipalName);
    actions.add(`${USERS}/password/update`);
  }
  if (patch.forceChangePasswordNextSignIn !== undefined) {
    changes.forceChangePassword = patch.forceChangePasswordNextSignIn;
    actions.add(`${USERS}/password/update`);
  }
  return { changes, normalizedPassword, actions: [...actions] };
}

function modifiedOf(before: UserRecord, changes: UserChanges): ModifiedProperty[] {
  const names: [keyof UserChanges, string][] = [
    ['displayName', 'DisplayName'],
    ['givenName', 'GivenName'],
    ['surname', 'Surname'],
    ['jobTitle', 'JobTitle'],
    ['mail', 'Mail'],
    ['mailNickname', 'MailNickname'],
    ['userPrincipalName', 'UserPrincipalName'],
    ['accountEnabled', 'AccountEnabled'],
  ];
  return names
    .filter(([key]) => changes[key] !== undefined && changes[key] !== before[key])
    .map(([key, name]) => change(name, before[key], changes[key]));
}

export async function updateUser(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  patch: UserPatch,
): Promise<UserRecord> {
  let known: UserRecord | undefined;
  const onlyPassword =
    patch.password !== undefined &&
    Object.keys(patch).every((k) => k === 'password' || k === 'forceChangePasswordNextSignIn');
  const refusal = () => userEntry(onlyPassword ? 'Reset user password' : 'Update user', 'Update', known ?? idOrUpn);
  const prepared = await audited(deps, ctx, refusal, async (tx) => {
    const user = await findUserByIdOrUpn(tx, idOrUpn);
    if (!user) {
      checkBeforeNotFound(ctx, actionsOfPatch(patch), 'user', idOrUpn);
      throw notFoundError(idOrUpn);
    }
    known = user;
    const plan = preparePatch(deps, user, patch);
    const target = await userAuthzTarget(tx, user.id);
    for (const action of plan.actions) check(ctx, action, target);
    return plan;
  });
  const passwordHash =
    prepared.normalizedPassword === undefined ? undefined : await deps.hasher.hash(prepared.normalizedPassword);
  return audited(deps, ctx, refusal, async (tx, record) => {
    const user = await findUserByIdOrUpn(tx, idOrUpn);
    if (!user) throw notFoundError(idOrUpn);
    const wasGlobalAdmin =
      prepared.changes.accountEnabled === false && (await lockGlobalAdministrators(deps, tx, user.id));
    const target = await userAuthzTarget(tx, user.id);
    for (const action of prepared.actions) check(ctx, action, target);
    const now = deps.clock.now();
    const changes: UserChanges = { ...prepared.changes, updatedAt: now };
    if (passwordHash !== undefined) Object.assign(changes, { passwordHash, passwordChangedAt: now });
    const repo = createUsersRepo(tx);
    try {
      await repo.updateUser(user.id, changes);
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('upnTaken', { target: 'userPrincipalName' });
      throw e;
    }
    const modified = modifiedOf(user, prepared.changes);
    const disabling = prepared.changes.accountEnabled === false && user.accountEnabled;
    if (disabling) await ensureGlobalAdministratorRemains(tx, wasGlobalAdmin);
    if (disabling || passwordHash !== undefined) await endUserSessions(tx, user.id, now);
    const after = (await repo.findUserById(user.id))!;
    if (modified.length > 0 || (prepared.changes.forceChangePassword !== undefined && passwordHash === undefined))
      await record(userEntry('Update user', 'Update', after, modified));
    if (passwordHash !== undefined) await record(userEntry('Reset user password', 'Update', after, [PASSWORD_CHANGED]));
    return after;
  });
}

export async function resetPassword(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  password: string,
  options: { forceChangePasswordNextSignIn?: boolean } = {},
): Promise<void> {
  await updateUser(deps, ctx, idOrUpn, {
    password,
    forceChangePasswordNextSignIn: options.forceChangePasswordNextSignIn ?? false,
  });
}

export async function setAccountEnabled(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  enabled: boolean,
): Promise<UserRecord> {
  const activity = enabled ? 'Enable account' : 'Disable account';
  let known: UserRecord | undefined;
  return audited(
    deps,
    ctx,
    () => userEntry(activity, 'Update', known ?? idOrUpn),
    async (tx, record) => {
      const user = await findUserByIdOrUpn(tx, idOrUpn);
      if (!user) {
        checkBeforeNotFound(ctx, [enabled ? `${USERS}/enable` : `${USERS}/disable`], 'user', idOrUpn);
        throw notFoundError(idOrUpn);
      }
      known = user;
      const wasGlobalAdmin = !enabled && (await lockGlobalAdministrators(deps, tx, user.id));
      check(ctx, enabled ? `${USERS}/enable` : `${USERS}/disable`, await userAuthzTarget(tx, user.id));
      const now = deps.clock.now();
      const repo = createUsersRepo(tx);
      await repo.updateUser(user.id, { accountEnabled: enabled, updatedAt: now });
      if (!enabled && user.accountEnabled) {
        await ensureGlobalAdministratorRemains(tx, wasGlobalAdmin);
        await endUserSessions(tx, user.id, now);
      }
      const after = (await repo.findUserById(user.id))!;
      await record(userEntry(activity, 'Update', after, [change('AccountEnabled', user.accountEnabled, enabled)]));
      return after;
    },
  );
}

export async function deleteUser(deps: Deps, ctx: GuardedContext, idOrUpn: string): Promise<void> {
  let known: UserRecord | undefined;
  await audited(
    deps,
    ctx,
    () => userEntry('Delete user', 'Delete', known ?? idOrUpn),
    async (tx, record) => {
      const user = await findUserByIdOrUpn(tx, idOrUpn);
      if (!user) {
        checkBeforeNotFound(ctx, [`${USERS}/delete`], 'user', idOrUpn);
        throw notFoundError(idOrUpn);
      }
      known = user;
      check(ctx, `${USERS}/delete`, await userAuthzTarget(tx, user.id));
      const wasGlobalAdmin = await lockGlobalAdministrators(deps, tx, user.id);
      // Sessions first: the oidc_payloads rows are not tied to the user by a foreign key.
      await endUserSessions(tx, user.id, deps.clock.now());
      await createUsersRepo(tx).deleteUser(user.id);
      if (user.accountEnabled) await ensureGlobalAdministratorRemains(tx, wasGlobalAdmin);
      await record(userEntry('Delete user', 'Delete', user));
    },
  );
}
