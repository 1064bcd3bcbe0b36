// How a use case asks "may the caller do this?": the HTTP layer passes a guard bound to its principal in the context,
// and the service calls it inside `audited` once the target is loaded, so a refusal is recorded like any other.

import type { Target } from '../domain/authz/authorize.js';
import { customRoleDefinition } from '../domain/authz/custom-roles.js';
import { BUILT_IN_ROLES, type Action, type RoleDefinition } from '../domain/authz/permissions.js';
import type { DbOrTx } from '../store/db.js';
import { unitIdsOfUser } from '../store/repos/administrative-units.js';
import { createRoleAssignmentsRepo } from '../store/repos/role-assignments.js';
import { createRoleDefinitionsRepo } from '../store/repos/role-definitions.js';
import type { RequestContext } from './deps.js';

/** Throws AppError('forbidden') when the caller may not take `action` on `target`. */
export type Guard = (action: Action, target: Target) => void;

/** A RequestContext, optionally with a guard; without one (the CLI, bootstrap) every action is allowed. */
export interface GuardedContext extends RequestContext {
  guard?: Guard;
  /** The same rules asked without refusing, for what a read shows (e.g. a member's properties). */
  allows?: (action: Action, target: Target) => boolean;
}

export function check(ctx: GuardedContext, action: Action, target: Target): void {
  ctx.guard?.(action, target);
}

/** Whether the caller may take `action` on `target`, without refusing: true without a guard (the CLI). */
export function allows(ctx: GuardedContext, action: Action, target: Target): boolean {
  return ctx.allows?.(action, target) ?? true;
}

/**
 * The authorization target for a user: the roles they hold, at any scope, decide which roles may act on them
 * (ENTRA-REFERENCE §5.4, §5.5), read fresh on each request.
 */
export async function userAuthzTarget(db: DbOrTx, userId: string): Promise<Target> {
  // One after the other: inside a transaction both run on one connection anyway.
  const roles = await createRoleAssignmentsRepo(db).listRoleAssignmentsOf(userId);
  const units = await unitIdsOfUser(db, userId);
  return {
    kind: 'user',
    id: userId,
    roleTemplateIds: [...new Set(roles.map((r) => r.roleDefinitionId.toLowerCase()))],
    administrativeUnitIds: units,
  };
}

/**
 * The role definitions `authorize` decides with (AuthorizeOptions.roleDefinitions): the built-ins and the enabled
 * custom roles, read fresh for each request so a changed or disabled custom role counts at once. A custom role acts
 * only on users who hold no admin role, as Entra's sensitive-actions table has it for roles it does not list.
 */
export async function loadRoleDefinitions(db: DbOrTx): Promise<ReadonlyMap<string, RoleDefinition>> {
  const custom = await createRoleDefinitionsRepo(db).listRoleDefinitions({ enabledOnly: true });
  const all = new Map<string, RoleDefinition>(BUILT_IN_ROLES);
  for (const r of custom) all.set(r.id.toLowerCase(), customRoleDefinition({ ...r, description: r.description ?? '' }));
  return all;
}

export const TENANT_TARGET: Target = Object.freeze({ kind: 'tenant' });

/**
 * Before answering "not found", make sure the caller may take the action at all (as on a member, the most
 * permissive case): a caller without the permission gets 403 either way, so a 404 tells them nothing.
 */
export function checkBeforeNotFound(
  ctx: GuardedContext,
  actions: readonly Action[],
  kind: 'user' | 'group',
  key: string,
): void {
  for (const action of actions)
    check(ctx, action, kind === 'user' ? { kind, id: key, roleTemplateIds: [] } : { kind, id: key });
}
