// Directory role definitions (Graph unifiedRoleDefinition): the built-ins of src/domain/authz/permissions.ts, then
// the custom roles of role_definitions. Custom roles are created, changed and deleted here, each change one audited
// transaction with Entra's activity names; built-ins cannot be changed.

import { validateCustomRoleActions } from '../domain/authz/custom-roles.js';
import type { AuditEntry, ModifiedProperty, TargetResource, AuditActivity } from '../domain/audit.js';
import { jsonValue } from '../domain/audit.js';
import { BUILT_IN_ROLES, type Action, type RoleDefinition } from '../domain/authz/permissions.js';
import { findBuiltInRole } from '../domain/authz/role-lookup.js';
import { AppError } from '../domain/errors.js';
import { isGuid, newId } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import { createDirectoryRoleAssignmentsRepo } from '../store/repos/directory-role-assignments.js';
import {
  createRoleDefinitionsRepo,
  type CustomRoleDefinitionChanges,
  type CustomRoleDefinitionRecord,
} from '../store/repos/role-definitions.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { notFoundError } from './user-lookup.js';

const D = 'microsoft.directory';
export const ROLE_DEFINITIONS_READ: Action = `${D}/roleDefinitions/standard/read`;
export const ROLE_DEFINITIONS_WRITE: Action = `${D}/roleDefinitions/allProperties/allTasks`;

/** One role definition as Graph shows it, built-in or custom. */
export interface RoleDefinitionView {
  id: string;
  displayName: string;
  description: string | null;
  isBuiltIn: boolean;
  isEnabled: boolean;
  allowedResourceActions: readonly string[];
  templateId: string;
  version: string;
}

export interface CreateRoleDefinitionInput {
  displayName: string;
  description?: string | null;
  isEnabled?: boolean;
  allowedResourceActions: readonly string[];
}

export type RoleDefinitionPatch = Partial<CreateRoleDefinitionInput>;

function builtInView(role: RoleDefinition): RoleDefinitionView {
  // The built-in table may carry Entra's description; read it when it is there.
  const description = 'description' in role && typeof role.description === 'string' ? role.description : null;
  return {
    id: role.templateId,
    displayName: role.displayName,
    description,
    isBuiltIn: true,
    isEnabled: true,
    allowedResourceActions: role.allowedResourceActions,
    templateId: role.templateId,
    version: '1',
  };
}

function customView(role: CustomRoleDefinitionRecord): RoleDefinitionView {
  return {
    id: role.id,
    displayName: role.displayName,
    description: role.description,
    isBuiltIn: false,
    isEnabled: role.isEnabled,
    allowedResourceActions: role.allowedResourceActions,
    templateId: role.id,
    version: role.version,
  };
}

/** Graph's unifiedRoleDefinition. */
export function toGraphRoleDefinition(role: RoleDefinitionView): Record<string, unknown> {
  return {
    id: role.id,
    displayName: role.displayName,
    description: role.description,
    isBuiltIn: role.isBuiltIn,
    isEnabled: role.isEnabled,
    resourceScopes: ['/'],
    rolePermissions: [
      { allowedResourceActions: [...role.allowedResourceActions], excludedResourceActions: [], condition: null },
    ],
    templateId: role.templateId,
    version: role.version,
  };
}

/**
 * Exact actions of the catalogue that custom roles may hold (domain/authz/custom-roles.ts): never role management or
 * policies, so a custom role cannot escalate. Authentication-method actions are a Gatepass extension (docs/roles.md).
 */
function checkCustomRoleActions(actions: readonly string[]): string[] {
  if (actions.length === 0) throw new AppError('roleActionsMissing', { target: 'allowedResourceActions' });
  const problem = validateCustomRoleActions(actions);
  if (problem?.problem === 'unknown')
    throw new AppError('roleActionUnknown', { target: 'allowedResourceActions', params: { action: problem.action } });
  if (problem?.problem === 'notAssignable')
    throw new AppError('roleActionNotAssignable', {
      target: 'allowedResourceActions',
      params: { action: problem.action },
    });
  return [...new Set(actions)];
}

function displayNameOf(value: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > 256) throw new AppError('roleDisplayNameInvalid', { target: 'displayName' });
  return v;
}

/** A role by id, template id or display name (any case): built-ins first. */
export async function findRoleDefinition(db: DbOrTx, key: string): Promise<RoleDefinitionView | undefined> {
  const builtIn = findBuiltInRole(key);
  if (builtIn) return builtInView(builtIn);
  const repo = createRoleDefinitionsRepo(db);
  const trimmed = key.trim();
  const custom = isGuid(trimmed)
    ? await repo.findRoleDefinitionById(trimmed.toLowerCase())
    : await repo.findRoleDefinitionByName(trimmed);
  return custom && customView(custom);
}

export async function listRoleDefinitions(deps: Pick<Deps, 'db'>, ctx: GuardedContext): Promise<RoleDefinitionView[]> {
  check(ctx, ROLE_DEFINITIONS_READ, TENANT_TARGET);
  const custom = await createRoleDefinitionsRepo(deps.db).listRoleDefinitions();
  return [...[...BUILT_IN_ROLES.values()].map(builtInView), ...custom.map(customView)];
}

export async function getRoleDefinition(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  key: string,
): Promise<RoleDefinitionView> {
  check(ctx, ROLE_DEFINITIONS_READ, TENANT_TARGET);
  const found = await findRoleDefinition(deps.db, key);
  if (!found) throw notFoundError(key);
  return found;
}

function roleTarget(
  role: { id: string; displayName: string } | string,
  modified: ModifiedProperty[] = [],
): TargetResource {
  return typeof role === 'string'
    ? { id: role, displayName: null, type: 'Role', modifiedProperties: modified }
    : { id: role.id, displayName: role.displayName, type: 'Role', modifiedProperties: modified };
}

function roleEntry(
  activity: AuditActivity,
  operationType: AuditEntry['operationType'],
  target: TargetResource,
): AuditEntry {
  return {
    activityDisplayName: activity,
    category: 'RoleManagement',
    loggedByService: 'Core Directory',
    operationType,
    targetResources: [target],
  };
}

const changed = (name: string, oldValue: unknown, newValue: unknown): ModifiedProperty => ({
  displayName: `RoleDefinition.${name}`,
  oldValue: jsonValue(oldValue),
  newValue: jsonValue(newValue),
});

async function ensureNameFree(db: DbOrTx, name: string, exceptId?: string): Promise<void> {
  const builtIn = findBuiltInRole(name);
  const custom = await createRoleDefinitionsRepo(db).findRoleDefinitionByName(name);
  if (builtIn || (custom && custom.id !== exceptId))
    throw new AppError('roleDisplayNameTaken', { target: 'displayName', params: { name } });
}

export async function createRoleDefinition(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  input: CreateRoleDefinitionInput,
): Promise<RoleDefinitionView> {
  const id = newId();
  const refusal = roleEntry('Add role definition', 'Add', roleTarget(id));
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_DEFINITIONS_WRITE, TENANT_TARGET);
    const displayName = displayNameOf(input.displayName);
    const actions = checkCustomRoleActions(input.allowedResourceActions);
    await ensureNameFree(tx, displayName);
    const role: CustomRoleDefinitionRecord = {
      id,
      displayName,
      description: input.description?.trim() || null,
      isEnabled: input.isEnabled ?? true,
      allowedResourceActions: actions,
      version: '1',
      createdAt: deps.clock.now(),
    };
    await createRoleDefinitionsRepo(tx).insertRoleDefinition(role);
    const modified = [
      changed('DisplayName', '', role.displayName),
      changed('Description', '', role.description ?? ''),
      changed('IsEnabled', '', role.isEnabled),
      changed('AllowedResourceActions', '', actions),
    ];
    await record(roleEntry('Add role definition', 'Add', roleTarget(role, modified)));
    return customView(role);
  });
}

/** The custom role to change: a built-in is refused, an unknown id is a 404. */
async function loadCustom(db: DbOrTx, key: string): Promise<CustomRoleDefinitionRecord> {
  const found = await findRoleDefinition(db, key);
  if (!found) throw notFoundError(key);
  if (found.isBuiltIn) throw new AppError('builtInRoleReadOnly', { target: 'id', params: { role: found.displayName } });
  const custom = await createRoleDefinitionsRepo(db).findRoleDefinitionById(found.id);
  if (!custom) throw notFoundError(key);
  return custom;
}

export async function updateRoleDefinition(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  key: string,
  patch: RoleDefinitionPatch,
): Promise<RoleDefinitionView> {
  const refusal = roleEntry('Update role definition', 'Update', roleTarget(key));
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_DEFINITIONS_WRITE, TENANT_TARGET);
    const role = await loadCustom(tx, key);
    const changes: CustomRoleDefinitionChanges = {};
    const modified: ModifiedProperty[] = [];
    if (patch.displayName !== undefined) {
      const name = displayNameOf(patch.displayName);
      await ensureNameFree(tx, name, role.id);
      changes.displayName = name;
      modified.push(changed('DisplayName', role.displayName, name));
    }
    if (patch.description !== undefined) {
      changes.description = patch.description?.trim() || null;
      modified.push(changed('Description', role.description ?? '', changes.description ?? ''));
    }
    if (patch.isEnabled !== undefined) {
      changes.isEnabled = patch.isEnabled;
      modified.push(changed('IsEnabled', role.isEnabled, patch.isEnabled));
    }
    if (patch.allowedResourceActions !== undefined) {
      changes.allowedResourceActions = checkCustomRoleActions(patch.allowedResourceActions);
      modified.push(changed('AllowedResourceActions', role.allowedResourceActions, changes.allowedResourceActions));
    }
    if (modified.length > 0) changes.version = String((Number.parseInt(role.version, 10) || 1) + 1);
    await createRoleDefinitionsRepo(tx).updateRoleDefinition(role.id, changes);
    const after = { ...role, ...changes } as CustomRoleDefinitionRecord;
    await record(roleEntry('Update role definition', 'Update', roleTarget(after, modified)));
    return customView(after);
  });
}

export async function deleteRoleDefinition(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  key: string,
): Promise<RoleDefinitionView> {
  const refusal = roleEntry('Delete role definition', 'Delete', roleTarget(key));
  return audited(deps, ctx, refusal, async (tx, record) => {
    check(ctx, ROLE_DEFINITIONS_WRITE, TENANT_TARGET);
    const role = await loadCustom(tx, key);
    const assignments = await createDirectoryRoleAssignmentsRepo(tx).listAssignments({ roleDefinitionId: role.id });
    if (assignments.length > 0)
      throw new AppError('roleStillAssigned', {
        target: 'id',
        params: { role: role.displayName, assignments: assignments.map((a) => a.id) },
      });
    await createRoleDefinitionsRepo(tx).deleteRoleDefinition(role.id);
    await record(roleEntry('Delete role definition', 'Delete', roleTarget(role)));
    return customView(role);
  });
}
