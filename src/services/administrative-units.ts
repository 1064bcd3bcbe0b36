// Administrative units and their user members: each change one audited use case with Entra's activity names
// ("Add administrative unit", "Add member to administrative unit"…), filed under the AdministrativeUnit category.

import {
  jsonValue,
  type AuditEntry,
  type ModifiedProperty,
  type TargetResource,
  type AuditActivity,
} from '../domain/audit.js';
import type { Action } from '../domain/authz/permissions.js';
import { AppError } from '../domain/errors.js';
import { isGuid, newId } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import {
  createAdministrativeUnitsRepo,
  type AdministrativeUnitChanges,
  type AdministrativeUnitRecord,
} from '../store/repos/administrative-units.js';
import { encodeSkipToken } from '../store/repos/query.js';
import type { UserRecord } from '../store/repos/users.js';
import { createDirectoryRoleAssignmentsRepo } from '../store/repos/directory-role-assignments.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { allows, check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { checkSkipToken, checkTop, listPageOf, optionsOf, type ListOptions, type ListQuery } from './list-query.js';
import { addMemberByReference, removeMember, type MembershipKind } from './memberships.js';
import { removeAssignment } from './role-assignments.js';
import { notFoundError } from './user-lookup.js';

export type { AdministrativeUnitRecord };

export interface CreateAdministrativeUnitInput {
  displayName: string;
  description?: string | null;
}

export type AdministrativeUnitPatch = Partial<CreateAdministrativeUnitInput>;

const SERVICE = 'Core Directory';
const UNITS = 'microsoft.directory/administrativeUnits';
const READ: Action = `${UNITS}/standard/read`;
const CREATE: Action = `${UNITS}/create`;
const UPDATE: Action = `${UNITS}/basic/update`;
const DELETE: Action = `${UNITS}/delete`;
const MEMBERS: Action = `${UNITS}/members/update`;

// Units are managed tenant-wide in Entra: a role scoped to a unit manages the unit's members, not the unit. So every
// unit action is asked of the tenant, and a caller without the permission is refused before any lookup.

function unitTarget(
  unit: { id: string; displayName: string } | string,
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource {
  return typeof unit === 'string'
    ? { id: unit, displayName: null, type: 'Other', modifiedProperties }
    : { id: unit.id, displayName: unit.displayName, type: 'Other', modifiedProperties };
}

function unitEntry(
  activity: AuditActivity,
  operationType: AuditEntry['operationType'],
  targets: TargetResource[],
): AuditEntry {
  return {
    activityDisplayName: activity,
    category: 'AdministrativeUnit',
    loggedByService: SERVICE,
    operationType,
    targetResources: targets,
  };
}

function displayNameOf(value: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > 256)
    throw new AppError('unitPropertyLength', { target: 'displayName', params: { property: 'displayName', max: 256 } });
  return v;
}

function descriptionOf(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (value.length > 1024)
    throw new AppError('unitPropertyTooLong', {
      target: 'description',
      params: { property: 'description', max: 1024 },
    });
  return value.trim() === '' ? null : value;
}

/** By id, else by a unique displayName (the CLI's convenience); an ambiguous name is a 400. */
export async function findAdministrativeUnitByIdOrName(
  db: DbOrTx,
  idOrDisplayName: string,
): Promise<AdministrativeUnitRecord | undefined> {
  const key = idOrDisplayName.trim();
  const repo = createAdministrativeUnitsRepo(db);
  if (isGuid(key)) return repo.findUnitById(key.toLowerCase());
  const matches = await repo.findUnitsByDisplayName(key, 2);
  if (matches.length > 1)
    throw new AppError('unitNameAmbiguous', { target: 'administrativeUnit', params: { name: key } });
  return matches[0];
}

async function loadUnit(db: DbOrTx, idOrDisplayName: string): Promise<AdministrativeUnitRecord> {
  const unit = await findAdministrativeUnitByIdOrName(db, idOrDisplayName);
  if (!unit) throw notFoundError(idOrDisplayName);
  return unit;
}

export async function getAdministrativeUnit(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  idOrDisplayName: string,
): Promise<AdministrativeUnitRecord> {
  check(ctx, READ, TENANT_TARGET);
  return loadUnit(deps.db, idOrDisplayName);
}

export async function listAdministrativeUnits(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  options: ListOptions<ListQuery & { count?: boolean }>,
): Promise<{ units: AdministrativeUnitRecord[]; nextSkipToken?: string; count?: number }> {
  check(ctx, READ, TENANT_TARGET);
  const query = optionsOf(options);
  const page = listPageOf('administrative_units', query);
  const repo = createAdministrativeUnitsRepo(deps.db);
  const rows = await repo.listUnits({ where: page.where, afterId: page.afterId, limit: page.limit + 1 });
  const units = rows.slice(0, page.limit);
  const result: { units: AdministrativeUnitRecord[]; nextSkipToken?: string; count?: number } = { units };
  if (rows.length > page.limit) result.nextSkipToken = page.skipTokenAfter(units[units.length - 1]!.id);
  if (query.count) result.count = await repo.countUnits({ where: page.where });
  return result;
}

/**
 * The unit's user members, one keyset page at a time, and which of them the caller may not read as users (Graph
 * shows those as "limited information": the id only).
 */
export async function listAdministrativeUnitMembers(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  unitIdOrName: string,
  options: ListOptions<Omit<ListQuery, 'filter'>> = {},
): Promise<{
  unit: AdministrativeUnitRecord;
  members: UserRecord[];
  limited: ReadonlySet<string>;
  nextSkipToken?: string;
}> {
  check(ctx, READ, TENANT_TARGET);
  const query = optionsOf(options);
  const limit = checkTop(query.top);
  const afterId = checkSkipToken(query.skipToken);
  const unit = await loadUnit(deps.db, unitIdOrName);
  const rows = await createAdministrativeUnitsRepo(deps.db).listMembers(unit.id, { afterId, limit: limit + 1 });
  const members = rows.slice(0, limit);
  const mayRead = (u: UserRecord) =>
    allows(ctx, 'microsoft.directory/users/standard/read', {
      kind: 'user',
      id: u.id,
      administrativeUnitIds: [unit.id],
    });
  return {
    unit,
    members,
    limited: new Set(members.filter((u) => !mayRead(u)).map((u) => u.id)),
    ...(rows.length > limit ? { nextSkipToken: encodeSkipToken(members[members.length - 1]!.id) } : {}),
  };
}

export async function createAdministrativeUnit(
  deps: Deps,
  ctx: GuardedContext,
  input: CreateAdministrativeUnitInput,
): Promise<AdministrativeUnitRecord> {
  const activity = 'Add administrative unit';
  return audited(
    deps,
    ctx,
    () => unitEntry(activity, 'Add', [unitTarget({ id: '', displayName: input.displayName })]),
    async (tx, record) => {
      check(ctx, CREATE, TENANT_TARGET);
      const unit: AdministrativeUnitRecord = {
        id: newId(),
        displayName: displayNameOf(input.displayName),
        description: descriptionOf(input.description) ?? null,
        visibility: null,
        createdAt: deps.clock.now(),
      };
      await createAdministrativeUnitsRepo(tx).insertUnit(unit);
      const modified: ModifiedProperty[] = [
        { displayName: 'DisplayName', oldValue: null, newValue: jsonValue(unit.displayName) },
        ...(unit.description === null
          ? []
          : [{ displayName: 'Description', oldValue: null, newValue: jsonValue(unit.description) }]),
      ];
      await record(unitEntry(activity, 'Add', [unitTarget(unit, modified)]));
      return unit;
    },
  );
}

export async function updateAdministrativeUnit(
  deps: Deps,
  ctx: GuardedContext,
  unitIdOrName: string,
  patch: AdministrativeUnitPatch,
): Promise<AdministrativeUnitRecord> {
  const activity = 'Update administrative unit';
  let known: AdministrativeUnitRecord | undefined;
  return audited(
    deps,
    ctx,
    () => unitEntry(activity, 'Update', [unitTarget(known ?? unitIdOrName)]),
    async (tx, record) => {
      check(ctx, UPDATE, TENANT_TARGET);
      const unit = await loadUnit(tx, unitIdOrName);
      known = unit;
      const changes: AdministrativeUnitChanges = {};
      if (patch.displayName !== undefined) changes.displayName = displayNameOf(patch.displayName);
      if (patch.description !== undefined) changes.description = descriptionOf(patch.description);
      const repo = createAdministrativeUnitsRepo(tx);
      await repo.updateUnit(unit.id, changes);
      const after = (await repo.findUnitById(unit.id))!;
      const names: [keyof AdministrativeUnitChanges, string][] = [
        ['displayName', 'DisplayName'],
        ['description', 'Description'],
      ];
      const modified = names
        .filter(([key]) => changes[key] !== undefined && changes[key] !== unit[key])
        .map(([key, name]) => ({
          displayName: name,
          oldValue: jsonValue(unit[key]),
          newValue: jsonValue(changes[key]),
        }));
      if (modified.length > 0) await record(unitEntry(activity, 'Update', [unitTarget(after, modified)]));
      return after;
    },
  );
}

export async function deleteAdministrativeUnit(deps: Deps, ctx: GuardedContext, unitIdOrName: string): Promise<void> {
  const activity = 'Delete administrative unit';
  let known: AdministrativeUnitRecord | undefined;
  await audited(
    deps,
    ctx,
    () => unitEntry(activity, 'Delete', [unitTarget(known ?? unitIdOrName)]),
    async (tx, record) => {
      check(ctx, DELETE, TENANT_TARGET);
      const unit = await loadUnit(tx, unitIdOrName);
      known = unit;
      // The unit's row first: on PostgreSQL that waits for an assignment being scoped to it (which share-locks the
      // row) to commit, so the statement below sees it too.
      await createAdministrativeUnitsRepo(tx).deleteUnit(unit.id);
      // Role assignments scoped to the unit go with it, as in Entra: each is recorded as removed from its role, in the
      // same transaction, so the audit log says who lost what and nothing stays scoped to a unit that is gone.
      const scoped = await createDirectoryRoleAssignmentsRepo(tx).listAssignments({
        directoryScopeId: `/administrativeUnits/${unit.id}`,
      });
      for (const assignment of scoped) await removeAssignment(deps, tx, assignment, record);
      await record(unitEntry(activity, 'Delete', [unitTarget(unit)]));
    },
  );
}

/**
 * Units as member containers: the permission is asked of the tenant before the lookup, since a role scoped to a unit
 * manages the unit's members, not the unit (see above).
 */
const UNIT_MEMBERSHIP: MembershipKind<AdministrativeUnitRecord> = {
  entityName: 'AdministrativeUnit',
  activities: { add: 'Add member to administrative unit', remove: 'Remove member from administrative unit' },
  entry: unitEntry,
  target: unitTarget,
  async loadForMemberChange(tx, ctx, idOrName) {
    check(ctx, MEMBERS, TENANT_TARGET);
    return loadUnit(tx, idOrName);
  },
  insertMember: (tx, unitId, userId, at) => createAdministrativeUnitsRepo(tx).insertMember(unitId, userId, at),
  deleteMember: (tx, unitId, userId) => createAdministrativeUnitsRepo(tx).deleteMember(unitId, userId),
};

export async function addAdministrativeUnitMember(
  deps: Deps,
  ctx: GuardedContext,
  unitIdOrName: string,
  userIdOrUpn: string,
): Promise<void> {
  await addMemberByReference(deps, ctx, UNIT_MEMBERSHIP, unitIdOrName, () => userIdOrUpn);
}

/** Adds the user that `memberOf()` names (Graph's `@odata.id`); see memberships.ts. */
export async function addAdministrativeUnitMemberByReference(
  deps: Deps,
  ctx: GuardedContext,
  unitIdOrName: string,
  memberOf: () => string,
): Promise<void> {
  await addMemberByReference(deps, ctx, UNIT_MEMBERSHIP, unitIdOrName, memberOf);
}

export async function removeAdministrativeUnitMember(
  deps: Deps,
  ctx: GuardedContext,
  unitIdOrName: string,
  userIdOrUpn: string,
): Promise<void> {
  await removeMember(deps, ctx, UNIT_MEMBERSHIP, unitIdOrName, userIdOrUpn);
}
