// Directory groups and their members: each change one audited use case ("Add group", "Add member to group"…).

import type { Target } from '../domain/authz/authorize.js';
import {
  jsonValue,
  type AuditEntry,
  type ModifiedProperty,
  type TargetResource,
  type AuditActivity,
} from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import { isGuid, newId } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import { createGroupsRepo, type GroupChanges, type GroupRecord } from '../store/repos/groups.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { allows, check, checkBeforeNotFound, TENANT_TARGET, type GuardedContext } from './guard.js';
import type { Action } from '../domain/authz/permissions.js';
import { checkSkipToken, checkTop, listPageOf, optionsOf, type ListOptions, type ListQuery } from './list-query.js';
import { encodeSkipToken } from '../store/repos/query.js';
import { addMemberByReference, removeMember, type MembershipKind } from './memberships.js';
import { notFoundError } from './user-lookup.js';

export type { GroupRecord };

export interface CreateGroupInput {
  displayName: string;
  description?: string | null;
  mailNickname?: string;
  securityEnabled?: boolean;
  mailEnabled?: boolean;
}

export type GroupPatch = Partial<CreateGroupInput>;

const SERVICE = 'Core Directory';
const GROUPS = 'microsoft.directory/groups';
const READ: Action = `${GROUPS}/standard/read`;
const MAIL_NICKNAME = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$/;

export const groupAuthzTarget = (group: { id: string }): Target => ({ kind: 'group', id: group.id });

function groupTarget(
  group: { id: string; displayName: string } | string,
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource {
  return typeof group === 'string'
    ? { id: group, displayName: null, type: 'Group', groupType: null, modifiedProperties }
    : { id: group.id, displayName: group.displayName, type: 'Group', groupType: 'securityGroup', modifiedProperties };
}

function groupEntry(
  activity: AuditActivity,
  operationType: AuditEntry['operationType'],
  targets: TargetResource[],
): AuditEntry {
  return {
    activityDisplayName: activity,
    category: 'GroupManagement',
    loggedByService: SERVICE,
    operationType,
    targetResources: targets,
  };
}

function displayNameOf(value: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > 256)
    throw new AppError('propertyLength', {
      target: 'displayName',
      params: { property: 'displayName', resource: 'Group', max: 256 },
    });
  return v;
}

function descriptionOf(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (value.length > 1024)
    throw new AppError('propertyTooLong', {
      target: 'description',
      params: { property: 'description', resource: 'Group', max: 1024 },
    });
  return value.trim() === '' ? null : value;
}

function mailNicknameOf(value: string): string {
  if (!MAIL_NICKNAME.test(value))
    throw new AppError('invalidProperty', {
      target: 'mailNickname',
      params: { property: 'mailNickname', resource: 'Group' },
    });
  return value;
}

/** A mail nickname derived from the display name when none was given (Graph requires one; scripts often reuse the name). */
function nicknameFrom(displayName: string): string {
  const derived = displayName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]/g, '')
    .slice(0, 64);
  return derived || `group-${newId().slice(0, 8)}`;
}

export async function findGroupByIdOrName(db: DbOrTx, idOrDisplayName: string): Promise<GroupRecord | undefined> {
  const key = idOrDisplayName.trim();
  const repo = createGroupsRepo(db);
  if (isGuid(key)) return repo.findGroupById(key.toLowerCase());
  const matches = await repo.findGroupsByDisplayName(key, 2);
  if (matches.length > 1) throw new AppError('groupNameAmbiguous', { target: 'group', params: { name: key } });
  return matches[0];
}

/** The group, or a 404 — after checking `action` when given, so a caller without the permission learns nothing. */
async function loadGroup(
  db: DbOrTx,
  idOrDisplayName: string,
  guarded?: { ctx: GuardedContext; action: Action },
): Promise<GroupRecord> {
  const group = await findGroupByIdOrName(db, idOrDisplayName);
  if (!group) {
    if (guarded) checkBeforeNotFound(guarded.ctx, [guarded.action], 'group', idOrDisplayName);
    throw notFoundError(idOrDisplayName);
  }
  return group;
}

/** By id, else by a unique displayName (the CLI's convenience); ambiguous names are a 400. Checked before lookup. */
export async function getGroup(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  idOrDisplayName: string,
): Promise<GroupRecord> {
  check(ctx, READ, { kind: 'group', id: idOrDisplayName });
  return loadGroup(deps.db, idOrDisplayName);
}

export async function listGroups(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  options: ListOptions<ListQuery & { count?: boolean }>,
): Promise<{ groups: GroupRecord[]; nextSkipToken?: string; count?: number }> {
  check(ctx, READ, TENANT_TARGET);
  const query = optionsOf(options);
  const page = listPageOf('groups', query);
  const repo = createGroupsRepo(deps.db);
  const rows = await repo.listGroups({ where: page.where, afterId: page.afterId, limit: page.limit + 1 });
  const groups = rows.slice(0, page.limit);
  const result: { groups: GroupRecord[]; nextSkipToken?: string; count?: number } = { groups };
  if (rows.length > page.limit) result.nextSkipToken = page.skipTokenAfter(groups[groups.length - 1]!.id);
  if (query.count) result.count = await repo.countGroups({ where: page.where });
  return result;
}

/**
 * The group's user members, one keyset page at a time, and which of them the caller may not read as users (Graph
 * shows those as "limited information": the id only).
 */
export async function listGroupMembers(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  groupIdOrName: string,
  options: ListOptions<Omit<ListQuery, 'filter'>> = {},
): Promise<{ group: GroupRecord; members: UserRecord[]; limited: ReadonlySet<string>; nextSkipToken?: string }> {
  check(ctx, READ, groupAuthzTarget({ id: groupIdOrName }));
  const query = optionsOf(options);
  const limit = checkTop(query.top);
  const afterId = checkSkipToken(query.skipToken);
  const group = await loadGroup(deps.db, groupIdOrName);
  const rows = await createGroupsRepo(deps.db).listMembers(group.id, { afterId, limit: limit + 1 });
  const members = rows.slice(0, limit);
  const mayRead = (u: UserRecord) => allows(ctx, 'microsoft.directory/users/standard/read', { kind: 'user', id: u.id });
  return {
    group,
    members,
    limited: new Set(members.filter((u) => !mayRead(u)).map((u) => u.id)),
    ...(rows.length > limit ? { nextSkipToken: encodeSkipToken(members[members.length - 1]!.id) } : {}),
  };
}

export async function createGroup(deps: Deps, ctx: GuardedContext, input: CreateGroupInput): Promise<GroupRecord> {
  return audited(
    deps,
    ctx,
    () => groupEntry('Add group', 'Add', [groupTarget({ id: '', displayName: input.displayName })]),
    async (tx, record) => {
      check(ctx, `${GROUPS}/create`, TENANT_TARGET);
      const displayName = displayNameOf(input.displayName);
      const group: GroupRecord = {
        id: newId(),
        displayName,
        description: descriptionOf(input.description) ?? null,
        mailNickname: mailNicknameOf(input.mailNickname ?? nicknameFrom(displayName)),
        securityEnabled: input.securityEnabled ?? true,
        mailEnabled: input.mailEnabled ?? false,
        createdAt: deps.clock.now(),
      };
      await createGroupsRepo(tx).insertGroup(group);
      await record(
        groupEntry('Add group', 'Add', [
          groupTarget(group, [
            { displayName: 'DisplayName', oldValue: null, newValue: jsonValue(group.displayName) },
            { displayName: 'MailNickname', oldValue: null, newValue: jsonValue(group.mailNickname) },
            { displayName: 'SecurityEnabled', oldValue: null, newValue: jsonValue(group.securityEnabled) },
            { displayName: 'MailEnabled', oldValue: null, newValue: jsonValue(group.mailEnabled) },
          ]),
        ]),
      );
      return group;
    },
  );
}

export async function updateGroup(
  deps: Deps,
  ctx: GuardedContext,
  groupIdOrName: string,
  patch: GroupPatch,
): Promise<GroupRecord> {
  let known: GroupRecord | undefined;
  return audited(
    deps,
    ctx,
    () => groupEntry('Update group', 'Update', [groupTarget(known ?? groupIdOrName)]),
    async (tx, record) => {
      const group = await loadGroup(tx, groupIdOrName, { ctx, action: `${GROUPS}/basic/update` });
      known = group;
      check(ctx, `${GROUPS}/basic/update`, groupAuthzTarget(group));
      const changes: GroupChanges = {};
      if (patch.displayName !== undefined) changes.displayName = displayNameOf(patch.displayName);
      if (patch.description !== undefined) changes.description = descriptionOf(patch.description);
      if (patch.mailNickname !== undefined) changes.mailNickname = mailNicknameOf(patch.mailNickname);
      if (patch.securityEnabled !== undefined) changes.securityEnabled = patch.securityEnabled;
      if (patch.mailEnabled !== undefined) changes.mailEnabled = patch.mailEnabled;
      const repo = createGroupsRepo(tx);
      await repo.updateGroup(group.id, changes);
      const after = (await repo.findGroupById(group.id))!;
      const names: [keyof GroupChanges, string][] = [
        ['displayName', 'DisplayName'],
        ['description', 'Description'],
        ['mailNickname', 'MailNickname'],
        ['securityEnabled', 'SecurityEnabled'],
        ['mailEnabled', 'MailEnabled'],
      ];
      const modified = names
        .filter(([key]) => changes[key] !== undefined && changes[key] !== group[key])
        .map(([key, name]) => ({
          displayName: name,
          oldValue: jsonValue(group[key]),
          newValue: jsonValue(changes[key]),
        }));
      if (modified.length > 0) await record(groupEntry('Update group', 'Update', [groupTarget(after, modified)]));
      return after;
    },
  );
}

export async function deleteGroup(deps: Deps, ctx: GuardedContext, groupIdOrName: string): Promise<void> {
  let known: GroupRecord | undefined;
  await audited(
    deps,
    ctx,
    () => groupEntry('Delete group', 'Delete', [groupTarget(known ?? groupIdOrName)]),
    async (tx, record) => {
      const group = await loadGroup(tx, groupIdOrName, { ctx, action: `${GROUPS}/delete` });
      known = group;
      check(ctx, `${GROUPS}/delete`, groupAuthzTarget(group));
      await createGroupsRepo(tx).deleteGroup(group.id);
      await record(groupEntry('Delete group', 'Delete', [groupTarget(group)]));
    },
  );
}

/** Groups as member containers: the group's own target (membersOnly reach for roles scoped by group). */
const GROUP_MEMBERSHIP: MembershipKind<GroupRecord> = {
  entityName: 'Group',
  activities: { add: 'Add member to group', remove: 'Remove member from group' },
  entry: groupEntry,
  target: groupTarget,
  async loadForMemberChange(tx, ctx, idOrName) {
    const group = await loadGroup(tx, idOrName, { ctx, action: `${GROUPS}/members/update` });
    check(ctx, `${GROUPS}/members/update`, groupAuthzTarget(group));
    return group;
  },
  insertMember: (tx, groupId, userId, at) => createGroupsRepo(tx).insertMember(groupId, userId, at),
  deleteMember: (tx, groupId, userId) => createGroupsRepo(tx).deleteMember(groupId, userId),
};

export async function addGroupMember(
  deps: Deps,
  ctx: GuardedContext,
  groupIdOrName: string,
  userIdOrUpn: string,
): Promise<void> {
  await addMemberByReference(deps, ctx, GROUP_MEMBERSHIP, groupIdOrName, () => userIdOrUpn);
}

/** Adds the member that `memberOf()` names (Graph's `@odata.id`); see memberships.ts. */
export async function addGroupMemberByReference(
  deps: Deps,
  ctx: GuardedContext,
  groupIdOrName: string,
  memberOf: () => string,
): Promise<void> {
  await addMemberByReference(deps, ctx, GROUP_MEMBERSHIP, groupIdOrName, memberOf);
}

export async function removeGroupMember(
  deps: Deps,
  ctx: GuardedContext,
  groupIdOrName: string,
  userIdOrUpn: string,
): Promise<void> {
  await removeMember(deps, ctx, GROUP_MEMBERSHIP, groupIdOrName, userIdOrUpn);
}
