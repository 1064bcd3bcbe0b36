// Who may use the admin center, and with what authority: a signed-in user acting through Gatepass's own first-party
// client, which is consented for every delegated permission, so what they may do is exactly what their directory
// roles allow (the same `authorize` as Graph, through caller-guard.ts). Read fresh on each page.

import type { Principal, RoleAssignment } from '../domain/authz/authorize.js';
import { DELEGATED_PERMISSION_NAMES, type RoleDefinition } from '../domain/authz/permissions.js';
import { createRoleAssignmentsRepo } from '../store/repos/role-assignments.js';
import type { CallerAuthority } from './caller-guard.js';
import type { Deps } from './deps.js';
import { loadRoleDefinitions } from './guard.js';

export interface ConsoleAuthority extends CallerAuthority {
  readonly principal: Extract<Principal, { kind: 'user' }>;
  readonly roleDefinitions: ReadonlyMap<string, RoleDefinition>;
  /** The roles held, by display name, each once, with the unit scope named where there is one. */
  readonly roleNames: readonly string[];
}

export type ConsoleRefusal = 'noRole' | 'noMultiFactor';

/** The authority of a console user, or why they may not use the console at all. */
export async function consoleAuthority(
  deps: Pick<Deps, 'db'>,
  userId: string,
  amr: readonly string[],
): Promise<{ ok: true; authority: ConsoleAuthority } | { ok: false; refusal: ConsoleRefusal }> {
  const assignments = await createRoleAssignmentsRepo(deps.db).listRoleAssignmentsOf(userId);
  if (assignments.length === 0) return { ok: false, refusal: 'noRole' };
  if (!amr.includes('mfa')) return { ok: false, refusal: 'noMultiFactor' };
  const roleDefinitions = await loadRoleDefinitions(deps.db);
  const roles: RoleAssignment[] = assignments.map((a) => ({
    roleTemplateId: a.roleDefinitionId,
    directoryScopeId: a.directoryScopeId,
  }));
  const roleNames = [
    ...new Set(
      assignments.map((a) => {
        const name = roleDefinitions.get(a.roleDefinitionId.toLowerCase())?.displayName ?? a.roleDefinitionId;
        return a.directoryScopeId === '/' ? name : `${name} (administrative unit)`;
      }),
    ),
  ];
  return {
    ok: true,
    authority: {
      principal: { kind: 'user', userId, roles, scopes: DELEGATED_PERMISSION_NAMES, mfa: true },
      roleDefinitions,
      roleNames,
    },
  };
}
