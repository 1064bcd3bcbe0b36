// What a custom role may contain: the directory actions Entra lets custom roles hold for users and groups
// (custom-user-permissions.md), plus, as a Gatepass extension, the authentication-method actions, so that a
// "Tier 1 TAP issuer" role can issue passes. Entra documents no custom-role action for authentication methods.

import { MAY_ACT_ON, type RoleDefinition } from './built-in-roles.js';
import { ACTIONS, type Action } from './permissions.js';

const D = 'microsoft.directory';

/** Authentication-method actions a custom role may hold: a Gatepass extension of Entra's catalogue. */
export const CUSTOM_ROLE_AUTHENTICATION_METHOD_ACTIONS: readonly Action[] = Object.freeze([
  `${D}/users/authenticationMethods/create`,
  `${D}/users/authenticationMethods/delete`,
  `${D}/users/authenticationMethods/standard/read`,
  `${D}/users/authenticationMethods/standard/restrictedRead`,
  `${D}/users/authenticationMethods/basic/update`,
]);

/** Every action a custom role may be given, in catalogue order. */
export const CUSTOM_ROLE_ACTIONS: readonly Action[] = Object.freeze(
  ACTIONS.filter(
    (action) =>
      (action.startsWith(`${D}/users/`) && !action.startsWith(`${D}/users/authenticationMethods/`)) ||
      action.startsWith(`${D}/groups/`) ||
      CUSTOM_ROLE_AUTHENTICATION_METHOD_ACTIONS.includes(action),
  ),
);

const KNOWN: ReadonlySet<string> = new Set(ACTIONS);
const ASSIGNABLE: ReadonlySet<string> = new Set(CUSTOM_ROLE_ACTIONS);

export type CustomRoleActionProblem = { readonly action: string; readonly problem: 'unknown' | 'notAssignable' };

/**
 * The first action a custom role may not hold: one Gatepass does not know (a typo, a wildcard, another service's
 * string), or one that exists but is not assignable to custom roles (role management, policies, logs). Undefined
 * when every action is fine. Exact strings only: custom roles name actions one by one.
 */
export function validateCustomRoleActions(actions: readonly string[]): CustomRoleActionProblem | undefined {
  for (const action of actions) {
    if (!KNOWN.has(action)) return { action, problem: 'unknown' };
    if (!ASSIGNABLE.has(action)) return { action, problem: 'notAssignable' };
  }
  return undefined;
}

/**
 * A custom role's definition for `authorize`: its sensitive actions reach "members" only (users without a role or
 * with the limited roles of §5.4), as Entra's table puts "any other built-in or custom role" out of reach.
 */
export function customRoleDefinition(role: {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly allowedResourceActions: readonly string[];
}): RoleDefinition {
  return Object.freeze({
    templateId: role.id.toLowerCase(),
    displayName: role.displayName,
    description: role.description,
    isBuiltIn: false,
    allowedResourceActions: Object.freeze([...role.allowedResourceActions]),
    mayActOn: MAY_ACT_ON.members,
  });
}
