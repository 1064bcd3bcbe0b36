// Directory role assignments (Graph unifiedRoleAssignment): which user holds which role, tenant-wide ("/") or in an
// administrative unit ("/administrativeUnits/{id}"). Each change one audited transaction, with Entra's activity
// names "Add member to role" and "Remove member from role".

import type { AuditEntry, TargetResource } from '../domain/audit.js';
import { userTarget } from '../domain/audit.js';
import type { Action } from '../domain/authz/permissions.js';
import { AppError } from '../domain/errors.js';
import { isGuid, newId } from '../domain/ids.js';
import { parseFilter, type FilterNode } from '../domain/odata/filter.js';
import { GLOBAL_ADMINISTRATOR } from '../domain/roles.js';
import { createAdministrativeUnitsRepo } from '../store/repos/administrative-units.js';
import { createRoleAssignmentsRepo, type RoleAssignmentRecord } from '../store/repos/role-assignments.js';
import { createUsersRepo } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { findRoleDefinition, type RoleDefinitionView } from './role-definitions.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';
import { ensureGlobalAdministratorRemains, lockGlobalAdministrators, type UserRecord } from './users.js';

export type { RoleAssignmentRecord };

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
  assignment: RoleAssignmentRecord;
  principal?: UserRecord;
  roleDefinition?: RoleDefinitionView;
}

export async function listRoleAssignments(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  options: () => { filter?: string | undefined; expand?: readonly ('principal' | 'roleDefinition')[] },
): Promise<ExpandedRoleAssignment[]> {
  check(ctx, ROLE_ASSIGNMENTS_READ, TENANT_TARGET);
  const { filter, expand = [] } = options();
  const rows = await createRoleAssignmentsRepo(deps.db).listRoleAssignments(roleAssignmentFilterOf(filter));
  return Promise.all(rows.map((a) => expanded(deps, a, expand)));
}

async function expanded(
  deps: Pick<Deps, 'db'>,
  assignment: RoleAssignmentRecord,
  expand: readonly ('principal' | 'roleDefinition')[],
): Promise<ExpandedRoleAssignment> {
  const out: ExpandedRoleAssignment = { assignment };
  if (expand.includes('principal')) {
    const user = await createUsersRepo(deps.db).findUserById(assignment.principalId);
    if (user) out.principal = user;
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
    ? await createRoleAssignmentsRepo(deps.db).findRoleAssignmentById(id.toLowerCase())
    : undefined;
  if (!found) throw notFoundError(id);
  return expanded(deps, found, expand);
}

function assignmentEntry(
  activity: 'Add member to role' | 'Remove member from role',
  role: RoleDefinitionView | string,
  user: UserRecord | string,
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
    targetResources: [
      typeof user === 'string'
        ? { id: user, displayName: null, type: 'User', modifiedProperties: [scopeProperty] }
        : userTarget(user, [scopeProperty]),
      roleTarget,
    ],
  };
}

/** Whether a custom role may be held in a unit: Entra wants at least one user or group permission in it. */
const customRoleFitsUnit = (role: RoleDefinitionView): boolean =>
  role.allowedResourceActions.some((a) => a.startsWith(`${D}/users/`) || a.startsWith(`${D}/groups/`));

export async function createRoleAssignment(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  input: CreateRoleAssignmentInput,
): Promise<RoleAssignmentRecord> {
  const refusal = assignmentEntry(
    'Add member to role',
    input.roleDefinitionId,
    input.principalId,
    input.directoryScopeId,
  );
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_ASSIGNMENTS_WRITE, TENANT_TARGET);
    const scope = directoryScopeOf(input.directoryScopeId);
    const user = await findUserByIdOrUpn(tx, input.principalId);
    if (!user) throw notFoundError(input.principalId, 'principalId');
    const role = await findRoleDefinition(tx, input.roleDefinitionId);
    if (!role) throw notFoundError(input.roleDefinitionId, 'roleDefinitionId');
    if (scope !== '/') {
      if (role.isBuiltIn && !UNIT_SCOPABLE_BUILT_IN_ROLES.has(role.id))
        throw new AppError('roleNotScopable', { target: 'directoryScopeId' });
      if (!role.isBuiltIn && !customRoleFitsUnit(role))
        throw new AppError('customRoleNotScopable', { target: 'directoryScopeId' });
      const unitId = scope.slice('/administrativeUnits/'.length);
      if (!(await createAdministrativeUnitsRepo(tx).findUnitById(unitId)))
        throw new AppError('directoryScopeUnitNotFound', { target: 'directoryScopeId', params: { scope } });
    }
    const repo = createRoleAssignmentsRepo(tx);
    if (await repo.findRoleAssignment(user.id, role.id, scope)) throw new AppError('roleAssignmentExists');
    const assignment: RoleAssignmentRecord = {
      id: newId(),
      principalId: user.id,
      roleDefinitionId: role.id,
      directoryScopeId: scope,
      createdAt: deps.clock.now(),
    };
    await repo.insertRoleAssignmentIfAbsent(assignment);
    await record(assignmentEntry('Add member to role', role, user, scope));
    return assignment;
  });
}

/** Removes one assignment; the last enabled Global Administrator's is refused, as disabling or deleting them is. */
export async function deleteRoleAssignment(
  deps: Pick<Deps, 'db' | 'clock' | 'store'>,
  ctx: GuardedContext,
  id: string,
): Promise<RoleAssignmentRecord> {
  const refusal = async (): Promise<AuditEntry> => {
    const a = isGuid(id)
      ? await createRoleAssignmentsRepo(deps.db).findRoleAssignmentById(id.toLowerCase())
      : undefined;
    return assignmentEntry(
      'Remove member from role',
      a?.roleDefinitionId ?? id,
      a?.principalId ?? '',
      a?.directoryScopeId ?? '',
    );
  };
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_ASSIGNMENTS_WRITE, TENANT_TARGET);
    const repo = createRoleAssignmentsRepo(tx);
    const assignment = isGuid(id) ? await repo.findRoleAssignmentById(id.toLowerCase()) : undefined;
    if (!assignment) throw notFoundError(id);
    const isGlobalAdmin = assignment.roleDefinitionId === GLOBAL_ADMINISTRATOR && assignment.directoryScopeId === '/';
    const wasHolder = isGlobalAdmin && (await lockGlobalAdministrators(deps, tx, assignment.principalId));
    await repo.deleteRoleAssignment(assignment.id);
    await ensureGlobalAdministratorRemains(tx, wasHolder);
    const user = await createUsersRepo(tx).findUserById(assignment.principalId);
    const role = await findRoleDefinition(tx, assignment.roleDefinitionId);
    await record(
      assignmentEntry(
        'Remove member from role',
        role ?? assignment.roleDefinitionId,
        user ?? assignment.principalId,
        assignment.directoryScopeId,
      ),
    );
    return assignment;
  });
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
  const found = await createRoleAssignmentsRepo(deps.db).findRoleAssignment(user.id, role.id, directoryScopeOf(scope));
  if (!found) throw notFoundError(`${userKey} ${roleKey} ${scope}`);
  return found;
}
