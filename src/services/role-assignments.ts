// Directory role assignments (Graph unifiedRoleAssignment): which user or application's service principal holds which
// role, tenant-wide ("/") or in an administrative unit ("/administrativeUnits/{id}"). Each change one audited transaction, with Entra's activity
// names "Add member to role" and "Remove member from role".

import type { AuditEntry, TargetResource } from '../domain/audit.js';
import type { Action } from '../domain/authz/permissions.js';
import { AppError } from '../domain/errors.js';
import { isGuid, newId } from '../domain/ids.js';
import { parseFilter, type FilterNode } from '../domain/odata/filter.js';
import { GLOBAL_ADMINISTRATOR } from '../domain/roles.js';
import { createAdministrativeUnitsRepo } from '../store/repos/administrative-units.js';
import {
  createDirectoryRoleAssignmentsRepo,
  type DirectoryRoleAssignment,
} from '../store/repos/directory-role-assignments.js';
import type { RoleAssignmentRecord } from '../store/repos/role-assignments.js';
import type { Tx } from '../store/db.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { findRoleDefinition, type RoleDefinitionView } from './role-definitions.js';
import { findRolePrincipal, loadRolePrincipal, principalTarget, type RolePrincipal } from './role-principals.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';
import { ensureGlobalAdministratorRemains, lockGlobalAdministrators } from './users.js';

export type { DirectoryRoleAssignment, RoleAssignmentRecord, RolePrincipal };

const D = 'microsoft.directory';
export const ROLE_ASSIGNMENTS_READ: Action = `${D}/roleAssignments/standard/read`;
export const ROLE_ASSIGNMENTS_WRITE: Action = `${D}/roleAssignments/allProperties/allTasks`;
const AU_SCOPE =
  /^\/administrativeUnits\/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/**
 * Built-in roles Entra lets an administrative unit scope, among those Gatepass serves (Entra's "Assign Microsoft Entra
 * roles with administrative unit scope" lists them, with device, license, printer, SharePoint and Teams roles that
 * Gatepass does not have). Every other built-in is refused with Entra's 400.
 */
export const UNIT_SCOPABLE_BUILT_IN_ROLES: ReadonlySet<string> = new Set([
  'c4e39bd9-1100-46d3-8c65-fb160da0071f', // Authentication Administrator
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', // Privileged Authentication Administrator
  '729827e3-9c14-49f7-bb1b-9608f156bbb8', // Helpdesk Administrator
  'fe930be7-5e62-47db-91af-98c3a49a38b1', // User Administrator
  '966707d0-3269-4727-9be2-8c3a10f19b9d', // Password Administrator
  'fdd7a751-b60b-444a-984c-02652fe8fa1c', // Groups Administrator
]);

export interface CreateRoleAssignmentInput {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface RoleAssignmentFilter {
  principalId?: string;
  roleDefinitionId?: string;
}

/** Graph's unifiedRoleAssignment. */
export function toGraphRoleAssignment(a: RoleAssignmentRecord): Record<string, unknown> {
  return {
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: a.roleDefinitionId,
    directoryScopeId: a.directoryScopeId,
    appScopeId: null,
  };
}

/** `/` or `/administrativeUnits/{id}` (the id in lower case); anything else is Entra's 400. */
export function directoryScopeOf(scope: string): string {
  if (scope === '/') return scope;
  const unit = AU_SCOPE.exec(scope);
  if (!unit) throw new AppError('directoryScopeInvalid', { target: 'directoryScopeId', params: { scope } });
  return `/administrativeUnits/${unit[1]!.toLowerCase()}`;
}

type FilterKey = 'principalId' | 'roleDefinitionId';
const FILTER_FIELDS = {
  principalId: { type: 'guid', key: 'principalId', operators: ['eq'] },
  roleDefinitionId: { type: 'guid', key: 'roleDefinitionId', operators: ['eq'] },
} as const;

function collect(node: FilterNode<FilterKey>, into: RoleAssignmentFilter): void {
  if (node.op === 'and') {
    collect(node.left, into);
    collect(node.right, into);
    return;
  }
  if (node.op === 'cmp' && node.cmp === 'eq' && node.value.type === 'guid' && into[node.key] === undefined) {
    into[node.key] = node.value.value.toLowerCase();
    return;
  }
  throw new AppError('invalidFilterClause', {
    target: '$filter',
    params: { detail: 'only principalId eq and roleDefinitionId eq, joined with and, are supported.' },
  });
}

/** `principalId eq '…'`, `roleDefinitionId eq '…'`, or both joined with `and`. */
export function roleAssignmentFilterOf(text: string | undefined): RoleAssignmentFilter {
  if (text === undefined) return {};
  const parsed = parseFilter<FilterKey>(text, FILTER_FIELDS);
  if (!parsed.ok)
    throw new AppError('invalidFilterClause', { target: '$filter', params: { detail: parsed.error.message } });
  const filter: RoleAssignmentFilter = {};
  collect(parsed.value, filter);
  return filter;
}

export interface ExpandedRoleAssignment {
  assignment: DirectoryRoleAssignment;
  principal?: RolePrincipal;
  roleDefinition?: RoleDefinitionView;
}

export async function listRoleAssignments(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  options: () => { filter?: string | undefined; expand?: readonly ('principal' | 'roleDefinition')[] },
): Promise<ExpandedRoleAssignment[]> {
  check(ctx, ROLE_ASSIGNMENTS_READ, TENANT_TARGET);
  const { filter, expand = [] } = options();
  const rows = await createDirectoryRoleAssignmentsRepo(deps.db).listAssignments(roleAssignmentFilterOf(filter));
  return Promise.all(rows.map((a) => expanded(deps, a, expand)));
}

async function expanded(
  deps: Pick<Deps, 'db'>,
  assignment: DirectoryRoleAssignment,
  expand: readonly ('principal' | 'roleDefinition')[],
): Promise<ExpandedRoleAssignment> {
  const out: ExpandedRoleAssignment = { assignment };
  if (expand.includes('principal')) {
    const principal = await loadRolePrincipal(deps.db, assignment.principalType, assignment.principalId);
    if (principal) out.principal = principal;
  }
  if (expand.includes('roleDefinition')) {
    const role = await findRoleDefinition(deps.db, assignment.roleDefinitionId);
    if (role) out.roleDefinition = role;
  }
  return out;
}

export async function getRoleAssignment(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  id: string,
  expand: readonly ('principal' | 'roleDefinition')[] = [],
): Promise<ExpandedRoleAssignment> {
  check(ctx, ROLE_ASSIGNMENTS_READ, TENANT_TARGET);
  const found = isGuid(id)
    ? await createDirectoryRoleAssignmentsRepo(deps.db).findAssignmentById(id.toLowerCase())
    : undefined;
  if (!found) throw notFoundError(id);
  return expanded(deps, found, expand);
}

function assignmentEntry(
  activity: 'Add member to role' | 'Remove member from role',
  role: RoleDefinitionView | string,
  principal: RolePrincipal | string,
  scope: string,
): AuditEntry {
  const roleTarget: TargetResource =
    typeof role === 'string'
      ? { id: role, displayName: null, type: 'Role' }
      : { id: role.id, displayName: role.displayName, type: 'Role' };
  const scopeProperty = { displayName: 'Role.DirectoryScopeId', oldValue: '""', newValue: JSON.stringify(scope) };
  return {
    activityDisplayName: activity,
    category: 'RoleManagement',
    loggedByService: 'Core Directory',
    operationType: activity === 'Add member to role' ? 'Assign' : 'Unassign',
    targetResources: [principalTarget(principal, [scopeProperty]), roleTarget],
  };
}

/** Whether a custom role may be held in a unit: Entra wants at least one user or group permission in it. */
const customRoleFitsUnit = (role: RoleDefinitionView): boolean =>
  role.allowedResourceActions.some((a) => a.startsWith(`${D}/users/`) || a.startsWith(`${D}/groups/`));

export async function createRoleAssignment(
  deps: Pick<Deps, 'db' | 'clock' | 'store'>,
  ctx: GuardedContext,
  input: CreateRoleAssignmentInput,
): Promise<DirectoryRoleAssignment> {
  const refusal = assignmentEntry(
    'Add member to role',
    input.roleDefinitionId,
    input.principalId,
    input.directoryScopeId,
  );
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_ASSIGNMENTS_WRITE, TENANT_TARGET);
    const scope = directoryScopeOf(input.directoryScopeId);
    const principal = await findRolePrincipal(tx, input.principalId);
    if (!principal) throw notFoundError(input.principalId, 'principalId');
    const role = await findRoleDefinition(tx, input.roleDefinitionId);
    if (!role) throw notFoundError(input.roleDefinitionId, 'roleDefinitionId');
    if (scope !== '/') {
      if (role.isBuiltIn && !UNIT_SCOPABLE_BUILT_IN_ROLES.has(role.id))
        throw new AppError('roleNotScopable', { target: 'directoryScopeId' });
      if (!role.isBuiltIn && !customRoleFitsUnit(role))
        throw new AppError('customRoleNotScopable', { target: 'directoryScopeId' });
      const unitId = scope.slice('/administrativeUnits/'.length);
      if (!(await createAdministrativeUnitsRepo(tx).findUnitByIdForShare(unitId, deps.store.dialect)))
        throw new AppError('directoryScopeUnitNotFound', { target: 'directoryScopeId', params: { scope } });
    }
    const assignment: DirectoryRoleAssignment = {
      id: newId(),
      principalId: principal.id,
      principalType: principal.type,
      roleDefinitionId: role.id,
      directoryScopeId: scope,
      createdAt: deps.clock.now(),
    };
    if (!(await createDirectoryRoleAssignmentsRepo(tx).insertAssignment(assignment)))
      throw new AppError('roleAssignmentExists');
    await record(assignmentEntry('Add member to role', role, principal, scope));
    return assignment;
  });
}

/** Removes one assignment; the last enabled Global Administrator's is refused, as disabling or deleting them is. */
export async function deleteRoleAssignment(
  deps: Pick<Deps, 'db' | 'clock' | 'store'>,
  ctx: GuardedContext,
  id: string,
): Promise<DirectoryRoleAssignment> {
  const find = (db: Pick<Deps, 'db'>['db']) =>
    isGuid(id) ? createDirectoryRoleAssignmentsRepo(db).findAssignmentById(id.toLowerCase()) : undefined;
  const refusal = async (): Promise<AuditEntry> => {
    const a = await find(deps.db);
    return assignmentEntry(
      'Remove member from role',
      a?.roleDefinitionId ?? id,
      a?.principalId ?? '',
      a?.directoryScopeId ?? '',
    );
  };
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_ASSIGNMENTS_WRITE, TENANT_TARGET);
    const assignment = await find(tx);
    if (!assignment) throw notFoundError(id);
    await removeAssignment(deps, tx, assignment, record);
    return assignment;
  });
}

/**
 * Deletes an assignment inside the caller's transaction and records "Remove member from role"; refuses to remove the
 * last enabled Global Administrator. Shared by the unassign above and by deleting the unit an assignment is scoped to.
 */
export async function removeAssignment(
  deps: Pick<Deps, 'store'>,
  tx: Tx,
  assignment: DirectoryRoleAssignment,
  record: (entry: AuditEntry) => Promise<void>,
): Promise<void> {
  const isGlobalAdmin =
    assignment.principalType === 'user' &&
    assignment.roleDefinitionId === GLOBAL_ADMINISTRATOR &&
    assignment.directoryScopeId === '/';
  const wasHolder = isGlobalAdmin && (await lockGlobalAdministrators(deps, tx, assignment.principalId));
  await createDirectoryRoleAssignmentsRepo(tx).deleteAssignment(assignment);
  await ensureGlobalAdministratorRemains(tx, wasHolder);
  const principal = await loadRolePrincipal(tx, assignment.principalType, assignment.principalId);
  const role = await findRoleDefinition(tx, assignment.roleDefinitionId);
  await record(
    assignmentEntry(
      'Remove member from role',
      role ?? assignment.roleDefinitionId,
      principal ?? assignment.principalId,
      assignment.directoryScopeId,
    ),
  );
}

/** The assignment of ROLE to USER at a scope, for the CLI's unassign. */
export async function findRoleAssignmentOf(
  deps: Pick<Deps, 'db'>,
  userKey: string,
  roleKey: string,
  scope: string,
): Promise<RoleAssignmentRecord> {
  const user = await findUserByIdOrUpn(deps.db, userKey);
  if (!user) throw notFoundError(userKey, 'user');
  const role = await findRoleDefinition(deps.db, roleKey);
  if (!role) throw notFoundError(roleKey, 'role');
  const found = await createDirectoryRoleAssignmentsRepo(deps.db).findAssignment(
    'user',
    user.id,
    role.id,
    directoryScopeOf(scope),
  );
  if (!found) throw notFoundError(`${userKey} ${roleKey} ${scope}`);
  return found;
}
