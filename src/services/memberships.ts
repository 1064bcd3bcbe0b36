// Adding and removing a user member of a container — a group or an administrative unit — as one audited use case.
// Both containers follow the same steps (find and check the container, find the user, change the membership, audit
// "Add member to …" / "Remove member from …" with the container named in modifiedProperties, as Entra does); what
// differs is described by a MembershipKind.

import { jsonValue, userTarget, type AuditEntry, type TargetResource, type AuditActivity } from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import type { Tx } from '../store/db.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import type { GuardedContext } from './guard.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';

export interface Container {
  readonly id: string;
  readonly displayName: string;
}

export interface MembershipKind<C extends Container> {
  /** Entra's name for the container in modifiedProperties: "Group", "AdministrativeUnit". */
  readonly entityName: string;
  readonly activities: { readonly add: AuditActivity; readonly remove: AuditActivity };
  entry(activity: AuditActivity, operationType: AuditEntry['operationType'], targets: TargetResource[]): AuditEntry;
  target(container: C | string): TargetResource;
  /** Finds the container and checks that `ctx` may change its members (refusing before or after the lookup). */
  loadForMemberChange(tx: Tx, ctx: GuardedContext, idOrName: string): Promise<C>;
  insertMember(tx: Tx, containerId: string, userId: string, at: Date): Promise<boolean>;
  deleteMember(tx: Tx, containerId: string, userId: string): Promise<boolean>;
}

function membershipTargets<C extends Container>(
  kind: MembershipKind<C>,
  user: UserRecord | string,
  container: C | string,
): TargetResource[] {
  const modified =
    typeof container === 'string'
      ? []
      : [
          { displayName: `${kind.entityName}.ObjectID`, oldValue: null, newValue: jsonValue(container.id) },
          { displayName: `${kind.entityName}.DisplayName`, oldValue: null, newValue: jsonValue(container.displayName) },
        ];
  const member: TargetResource =
    typeof user === 'string'
      ? { id: user, displayName: null, type: 'User', modifiedProperties: modified }
      : userTarget(user, modified);
  return [member, kind.target(container)];
}

/**
 * Adds the user that `memberOf()` names — e.g. parsed from Graph's `@odata.id` — after the container is found and the
 * permission checked, so a malformed reference is refused (and audited) like any other part of the use case.
 */
export async function addMemberByReference<C extends Container>(
  deps: Deps,
  ctx: GuardedContext,
  kind: MembershipKind<C>,
  containerIdOrName: string,
  memberOf: () => string,
): Promise<void> {
  let container: C | undefined;
  let user: UserRecord | undefined;
  let reference = '';
  const entry = () =>
    kind.entry(
      kind.activities.add,
      'Assign',
      membershipTargets(kind, user ?? reference, container ?? containerIdOrName),
    );
  await audited(deps, ctx, entry, async (tx, record) => {
    container = await kind.loadForMemberChange(tx, ctx, containerIdOrName);
    reference = memberOf();
    user = await findUserByIdOrUpn(tx, reference);
    if (!user) throw notFoundError(reference, '@odata.id');
    if (!(await kind.insertMember(tx, container.id, user.id, deps.clock.now())))
      throw new AppError('memberAlreadyExists', { target: 'members' });
    await record(entry());
  });
}

export async function removeMember<C extends Container>(
  deps: Deps,
  ctx: GuardedContext,
  kind: MembershipKind<C>,
  containerIdOrName: string,
  userIdOrUpn: string,
): Promise<void> {
  let container: C | undefined;
  let user: UserRecord | undefined;
  const entry = () =>
    kind.entry(
      kind.activities.remove,
      'Unassign',
      membershipTargets(kind, user ?? userIdOrUpn, container ?? containerIdOrName),
    );
  await audited(deps, ctx, entry, async (tx, record) => {
    container = await kind.loadForMemberChange(tx, ctx, containerIdOrName);
    user = await findUserByIdOrUpn(tx, userIdOrUpn);
    if (!user) throw notFoundError(userIdOrUpn, 'memberId');
    if (!(await kind.deleteMember(tx, container.id, user.id))) throw notFoundError(user.id, 'memberId');
    await record(entry());
  });
}
