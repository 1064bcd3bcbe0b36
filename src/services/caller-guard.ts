// The one place a caller's principal becomes a guard: every API route and every console page asks `authorize` through
// this, so a refusal names the same rule (the catalogue entry of its deny reason) wherever it happens.

import { authorize, type DenyReason, type Principal, type Target } from '../domain/authz/authorize.js';
import type { Action, RoleDefinition } from '../domain/authz/permissions.js';
import { AppError, type ErrorCode } from '../domain/errors.js';
import type { RequestContext } from './deps.js';
import type { GuardedContext } from './guard.js';

/** Each rule's own catalogue entry: the 403 keeps Graph's code, and its message (and the audit's resultReason) names the rule. */
const DENIALS = {
  permissionMissing: 'deniedPermissionMissing',
  roleMissing: 'deniedRoleMissing',
  outOfScope: 'deniedOutsideUnit',
  privilegedTarget: 'deniedTargetRole',
  notOnSelf: 'deniedSelf',
  multiFactorRequired: 'deniedNoMultiFactor',
} as const satisfies Record<DenyReason, ErrorCode>;

type Denial = (typeof DENIALS)[DenyReason] | 'appLacksRoleForPrivilegedUser' | 'appLacksRoleForPassword';

/**
 * The catalogue entry for a refusal. An application whose permission is not enough without a role on its service
 * principal is told in plain words what to assign, so an operator can fix it.
 */
export function denialOf(principal: Principal, reason: DenyReason): Denial {
  if (principal.kind === 'app') {
    if (reason === 'privilegedTarget') return 'appLacksRoleForPrivilegedUser';
    if (reason === 'roleMissing' || reason === 'outOfScope') return 'appLacksRoleForPassword';
  }
  return DENIALS[reason];
}

export interface CallerAuthority {
  readonly principal: Principal;
  /** The role definitions read for this request, custom ones included (guard.ts loadRoleDefinitions). */
  readonly roleDefinitions?: ReadonlyMap<string, RoleDefinition>;
}

/**
 * The context a use case runs with: who, from where, the correlation id, and the guard bound to the caller. A refusal
 * throws the rule's AppError after `onDeny` (the caller's log line) has seen it.
 */
export function guardedContext(
  base: RequestContext,
  caller: CallerAuthority,
  onDeny: (action: Action, reason: DenyReason) => void = () => {},
): GuardedContext {
  const options = caller.roleDefinitions ? { roleDefinitions: caller.roleDefinitions } : {};
  return {
    ...base,
    guard: (action: Action, target: Target) => {
      const decision = authorize(caller.principal, action, target, options);
      if (decision.allowed) return;
      onDeny(action, decision.reason);
      throw new AppError(denialOf(caller.principal, decision.reason));
    },
    allows: (action: Action, target: Target) => authorize(caller.principal, action, target, options).allowed,
  };
}
