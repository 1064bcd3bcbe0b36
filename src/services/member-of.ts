// `memberOf` of a user: the administrative units and groups they belong to, as Graph lists them under
// /users/{id}/memberOf. Authorized like reading the user; an item the caller may not read shows only its id.

import type { AdministrativeUnitRecord } from '../store/repos/administrative-units.js';
import { createAdministrativeUnitsRepo } from '../store/repos/administrative-units.js';
import { createGroupsRepo, type GroupRecord } from '../store/repos/groups.js';
import type { UserRecord } from '../store/repos/users.js';
import type { Deps } from './deps.js';
import { allows, check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';

export type MemberOfItem =
  | { kind: 'administrativeUnit'; unit: AdministrativeUnitRecord; limited: boolean }
  | { kind: 'group'; group: GroupRecord; limited: boolean };

export async function listMemberOf(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  userIdOrUpn: string,
): Promise<{ user: UserRecord; items: MemberOfItem[] }> {
  const user = await findUserByIdOrUpn(deps.db, userIdOrUpn);
  const units = user ? await createAdministrativeUnitsRepo(deps.db).listUnitsOf(user.id) : [];
  check(ctx, 'microsoft.directory/users/standard/read', {
    kind: 'user',
    id: user?.id ?? userIdOrUpn,
    administrativeUnitIds: units.map((u) => u.id),
  });
  if (!user) throw notFoundError(userIdOrUpn);
  const groupsRepo = createGroupsRepo(deps.db);
  const groups: GroupRecord[] = [];
  for (const id of (await groupsRepo.listGroupIdsOf(user.id)).sort()) {
    const group = await groupsRepo.findGroupById(id);
    if (group) groups.push(group);
  }
  const mayReadUnits = allows(ctx, 'microsoft.directory/administrativeUnits/standard/read', TENANT_TARGET);
  return {
    user,
    items: [
      ...units.map((unit) => ({ kind: 'administrativeUnit' as const, unit, limited: !mayReadUnits })),
      ...groups.map((group) => ({
        kind: 'group' as const,
        group,
        limited: !allows(ctx, 'microsoft.directory/groups/standard/read', { kind: 'group', id: group.id }),
      })),
    ],
  };
}
