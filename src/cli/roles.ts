// `gatepass role …`: directory roles (built-in and custom) and who holds them. ROLE is a role's id, template id or
// display name; USER a userPrincipalName or object id; UNIT an administrative unit's id or `/administrativeUnits/{id}`.

import type { Command } from 'commander';
import type { Deps, RequestContext } from '../services/deps.js';
import {
  createRoleAssignment,
  deleteRoleAssignment,
  findRoleAssignmentOf,
  listRoleAssignments,
  toGraphRoleAssignment,
  type ExpandedRoleAssignment,
} from '../services/role-assignments.js';
import {
  createRoleDefinition,
  deleteRoleDefinition,
  getRoleDefinition,
  listRoleDefinitions,
  toGraphRoleDefinition,
  type RoleDefinitionView,
} from '../services/role-definitions.js';
import { getUser } from '../services/users.js';
import { act } from './command.js';

const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory';

/** The directory scope of `--unit`: the unit's id or its `/administrativeUnits/{id}` form; tenant-wide without. */
const scopeOf = (unit: unknown): string =>
  typeof unit !== 'string' ? '/' : unit.startsWith('/') ? unit : `/administrativeUnits/${unit}`;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function roleLines(role: RoleDefinitionView): string[] {
  return [
    role.displayName,
    `  Id:          ${role.id}`,
    `  Built-in:    ${role.isBuiltIn ? 'yes' : 'no'}`,
    `  Enabled:     ${role.isEnabled ? 'yes' : 'no'}`,
    ...(role.description ? [`  Description: ${role.description}`] : []),
    '  Actions:',
    ...role.allowedResourceActions.map((a) => `    ${a}`),
  ];
}

function assignmentLine(a: ExpandedRoleAssignment): string {
  const who =
    a.principal?.type === 'user'
      ? a.principal.user.userPrincipalName
      : a.principal?.type === 'servicePrincipal'
        ? `${a.principal.app.displayName} (application)`
        : a.assignment.principalId;
  const role = a.roleDefinition?.displayName ?? a.assignment.roleDefinitionId;
  return `${a.assignment.id}  ${who}  ${role}  ${a.assignment.directoryScopeId}`;
}

async function assignmentsOf(deps: Deps, ctx: RequestContext, userKey: string | undefined) {
  const principalId = userKey === undefined ? undefined : (await getUser(deps, ctx, userKey)).id;
  return listRoleAssignments(deps, ctx, () => ({
    filter: principalId === undefined ? undefined : `principalId eq '${principalId}'`,
    expand: ['principal', 'roleDefinition'],
  }));
}

export function registerRoleCommands(program: Command): void {
  const role = program.command('role').description('Directory roles (built-in and custom) and their assignments');

  role
    .command('list')
    .description('List the built-in roles, then the custom ones')
    .action(
      act(async (session) => {
        const roles = await listRoleDefinitions(await session.deps(), session.ctx);
        return {
          json: { '@odata.context': `${CONTEXT}/roleDefinitions`, value: roles.map(toGraphRoleDefinition) },
          text: roles.map((r) => `${r.id}  ${r.displayName}${r.isBuiltIn ? '' : ' (custom)'}`),
        };
      }),
    );

  role
    .command('show')
    .description('Show a role and its actions')
    .argument('<role>', 'id, template id or display name')
    .action(
      act(async (session, [key]) => {
        const found = await getRoleDefinition(await session.deps(), session.ctx, key!);
        return { json: toGraphRoleDefinition(found), text: roleLines(found) };
      }),
    );

  role
    .command('create')
    .description('Create a custom role from actions of the catalogue')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description')
    .requiredOption('--action <action>', 'an allowed resource action (repeat for more)', collect)
    .action(
      act(async (session, _args, o) => {
        const created = await createRoleDefinition(await session.deps(), session.ctx, {
          displayName: String(o.name),
          description: typeof o.description === 'string' ? o.description : null,
          allowedResourceActions: Array.isArray(o.action) ? o.action.map(String) : [],
        });
        return { json: toGraphRoleDefinition(created), text: `Created role ${created.displayName} (${created.id}).` };
      }),
    );

  role
    .command('delete')
    .description('Delete a custom role that nobody holds')
    .argument('<role>', 'id or display name')
    .action(
      act(async (session, [key]) => {
        const deleted = await deleteRoleDefinition(await session.deps(), session.ctx, key!);
        return {
          json: { id: deleted.id, displayName: deleted.displayName, deleted: true },
          text: `Deleted role ${deleted.displayName}.`,
        };
      }),
    );

  role
    .command('assign')
    .description('Assign a role to a user, tenant-wide or in an administrative unit')
    .argument('<user>', 'userPrincipalName or object id')
    .argument('<role>', 'id, template id or display name')
    .option('--unit <unit>', 'administrative unit id or /administrativeUnits/{id}')
    .action(
      act(async (session, [userKey, roleKey], o) => {
        const created = await createRoleAssignment(await session.deps(), session.ctx, {
          principalId: userKey!,
          roleDefinitionId: roleKey!,
          directoryScopeId: scopeOf(o.unit),
        });
        return {
          json: toGraphRoleAssignment(created),
          text: `Assigned ${roleKey} to ${userKey} at ${created.directoryScopeId} (${created.id}).`,
        };
      }),
    );

  role
    .command('unassign')
    .description('Remove a role from a user, tenant-wide or in an administrative unit')
    .argument('<user>', 'userPrincipalName or object id')
    .argument('<role>', 'id, template id or display name')
    .option('--unit <unit>', 'administrative unit id or /administrativeUnits/{id}')
    .action(
      act(async (session, [userKey, roleKey], o) => {
        const deps = await session.deps();
        const found = await findRoleAssignmentOf(deps, userKey!, roleKey!, scopeOf(o.unit));
        await deleteRoleAssignment(deps, session.ctx, found.id);
        return {
          json: { ...toGraphRoleAssignment(found), deleted: true },
          text: `Removed ${roleKey} from ${userKey} at ${found.directoryScopeId}.`,
        };
      }),
    );

  role
    .command('assignments')
    .description("List role assignments, or one user's")
    .argument('[user]', 'userPrincipalName or object id')
    .action(
      act(async (session, [userKey]) => {
        const rows = await assignmentsOf(await session.deps(), session.ctx, userKey);
        return {
          json: {
            '@odata.context': `${CONTEXT}/roleAssignments`,
            value: rows.map((a) => toGraphRoleAssignment(a.assignment)),
          },
          text: rows.length === 0 ? 'No role assignments.' : rows.map(assignmentLine),
        };
      }),
    );
}
