// The two member containers of the admin center, as ContainerKinds: groups and administrative units, each calling the
// services Graph's /groups and /directory/administrativeUnits call. A unit's Overview also lists the roles assigned
// with it as their scope (read only; roles are assigned in "Roles and administrators").

import {
  addAdministrativeUnitMember,
  createAdministrativeUnit,
  deleteAdministrativeUnit,
  getAdministrativeUnit,
  listAdministrativeUnitMembers,
  listAdministrativeUnits,
  removeAdministrativeUnitMember,
  type AdministrativeUnitRecord,
} from '../../services/administrative-units.js';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  getGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
  type GroupRecord,
} from '../../services/groups.js';
import { listRoleAssignments, ROLE_ASSIGNMENTS_READ } from '../../services/role-assignments.js';
import { scopedRolesSection } from '../views/admin/containers.js';
import type { ContainerKind } from './container-routes.js';

const D = 'microsoft.directory';

export const GROUP_KIND: ContainerKind<GroupRecord> = {
  section: 'groups',
  names: {
    path: '/admin/groups',
    plural: 'Groups',
    singular: 'group',
    deleteConsequence:
      'Its members stay in the directory; policies that target the group no longer reach them through it.',
  },
  actions: { create: `${D}/groups/create`, updateMembers: `${D}/groups/members/update`, delete: `${D}/groups/delete` },
  list: async (deps, ctx, q) => {
    const page = await listGroups(deps, ctx, q);
    return { items: page.groups, ...(page.nextSkipToken ? { nextSkipToken: page.nextSkipToken } : {}) };
  },
  get: (deps, ctx, id) => getGroup(deps, ctx, id),
  // Only security groups exist here; the mail nickname is derived from the name, as the service does for Graph.
  create: (deps, ctx, form) => createGroup(deps, ctx, { displayName: form.displayName, description: form.description }),
  remove: (deps, ctx, id) => deleteGroup(deps, ctx, id),
  members: (deps, ctx, id, q) => listGroupMembers(deps, ctx, id, q),
  addMember: (deps, ctx, id, user) => addGroupMember(deps, ctx, id, user),
  removeMember: (deps, ctx, id, user) => removeGroupMember(deps, ctx, id, user),
  details: (g) => [
    ['Group type', 'Security'],
    ['Mail nickname', g.mailNickname],
  ],
  more: async () => '',
};

export const UNIT_KIND: ContainerKind<AdministrativeUnitRecord> = {
  section: 'administrativeUnits',
  names: {
    path: '/admin/administrative-units',
    plural: 'Administrative units',
    singular: 'administrative unit',
    deleteConsequence:
      'Its members stay in the directory, and every role assigned with this unit as its scope is removed with it.',
  },
  actions: {
    create: `${D}/administrativeUnits/create`,
    updateMembers: `${D}/administrativeUnits/members/update`,
    delete: `${D}/administrativeUnits/delete`,
  },
  list: async (deps, ctx, q) => {
    const page = await listAdministrativeUnits(deps, ctx, q);
    return { items: page.units, ...(page.nextSkipToken ? { nextSkipToken: page.nextSkipToken } : {}) };
  },
  get: (deps, ctx, id) => getAdministrativeUnit(deps, ctx, id),
  create: (deps, ctx, form) =>
    createAdministrativeUnit(deps, ctx, { displayName: form.displayName, description: form.description }),
  remove: (deps, ctx, id) => deleteAdministrativeUnit(deps, ctx, id),
  members: (deps, ctx, id, q) => listAdministrativeUnitMembers(deps, ctx, id, q),
  addMember: (deps, ctx, id, user) => addAdministrativeUnitMember(deps, ctx, id, user),
  removeMember: (deps, ctx, id, user) => removeAdministrativeUnitMember(deps, ctx, id, user),
  details: (u) => [['Membership', u.visibility === 'HiddenMembership' ? 'Hidden' : 'Visible']],
  async more(deps, c, unit) {
    // Shown only to whom may read role assignments; the list service filters by principal or role, not by scope.
    if (!c.mayOnTenant(ROLE_ASSIGNMENTS_READ)) return '';
    const scope = `/administrativeUnits/${unit.id}`;
    const all = await listRoleAssignments(deps, c.ctx, () => ({ expand: ['principal', 'roleDefinition'] }));
    const rows = all
      .filter((a) => a.assignment.directoryScopeId === scope)
      .map(({ assignment, principal, roleDefinition }) => ({
        role: roleDefinition?.displayName ?? assignment.roleDefinitionId,
        principal:
          principal?.type === 'user'
            ? principal.user.displayName
            : (principal?.app.displayName ?? assignment.principalId),
        detail:
          principal?.type === 'user'
            ? principal.user.userPrincipalName
            : principal
              ? 'Application (service principal)'
              : '',
      }));
    return scopedRolesSection(rows);
  },
};
