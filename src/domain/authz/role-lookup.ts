// Finding a built-in directory role by what an operator types: its display name (any case) or its template id.

import { BUILT_IN_ROLES, type RoleDefinition } from './permissions.js';

export function findBuiltInRole(nameOrTemplateId: string): RoleDefinition | undefined {
  const key = nameOrTemplateId.trim().toLowerCase();
  const byId = BUILT_IN_ROLES.get(key);
  if (byId) return byId;
  for (const role of BUILT_IN_ROLES.values()) if (role.displayName.toLowerCase() === key) return role;
  return undefined;
}

/** The display names an operator may use, for error messages. */
export function builtInRoleNames(): string[] {
  return [...BUILT_IN_ROLES.values()].map((r) => r.displayName);
}
