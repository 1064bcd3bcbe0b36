// The admin center's "Roles and administrators": built-in and custom roles with their permissions, "New custom role",
// and a role's assignments on the directory or an administrative unit, added and removed through the same services
// (and so the same checks and audit entries) as Graph's roleManagement/directory.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { CUSTOM_ROLE_ACTIONS } from '../../domain/authz/custom-roles.js';
import { isAppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { listAdministrativeUnits } from '../../services/administrative-units.js';
import type { Deps } from '../../services/deps.js';
import { notFoundError } from '../../services/user-lookup.js';
import {
  createRoleAssignment,
  deleteRoleAssignment,
  listRoleAssignments,
  ROLE_ASSIGNMENTS_WRITE,
  type ExpandedRoleAssignment,
} from '../../services/role-assignments.js';
import {
  createRoleDefinition,
  getRoleDefinition,
  listRoleDefinitions,
  ROLE_DEFINITIONS_WRITE,
  type RoleDefinitionView,
} from '../../services/role-definitions.js';
import { sendPage } from '../app-session.js';
import {
  newRolePage,
  removeAssignmentPage,
  rolePage,
  rolesListPage,
  type AssignForm,
  type AssignmentRow,
  type NewRoleForm,
  type ScopeChoice,
} from '../views/admin/roles.js';
import type { Console, ConsoleGate } from './console.js';
import { text, texts, type Form } from './form-values.js';

const ROLES = {
  section: 'roles',
  title: 'Roles and administrators',
  after: '<p><a href="/admin/roles">Back to Roles and administrators</a></p>',
} as const;
const DIRECTORY: ScopeChoice = { value: '/', label: 'Directory' };

export function registerAdminRoleRoutes(web: FastifyInstance, deps: Deps, gate: ConsoleGate): void {
  /** The directory, then every unit the administrator may read (none when they may not: the directory only). */
  async function scopeChoices(c: Console): Promise<ScopeChoice[]> {
    if (!c.mayOnTenant('microsoft.directory/administrativeUnits/standard/read')) return [DIRECTORY];
    const { units } = await listAdministrativeUnits(deps, c.ctx, { top: 999 });
    return [DIRECTORY, ...units.map((u) => ({ value: `/administrativeUnits/${u.id}`, label: u.displayName }))];
  }

  function rowOf(e: ExpandedRoleAssignment, scopes: readonly ScopeChoice[]): AssignmentRow {
    const a = e.assignment;
    const p = e.principal;
    const scopeName =
      scopes.find((s) => s.value === a.directoryScopeId)?.label ??
      (a.directoryScopeId === '/' ? 'Directory' : a.directoryScopeId);
    if (p?.type === 'user')
      return {
        id: a.id,
        principalName: p.user.displayName,
        principalDetail: p.user.userPrincipalName,
        principalHref: `/admin/users/${p.user.id}`,
        scopeName,
        createdAt: a.createdAt,
      };
    return {
      id: a.id,
      principalName: p?.type === 'servicePrincipal' ? p.app.displayName : a.principalId,
      principalDetail: p?.type === 'servicePrincipal' ? 'Application' : 'Deleted principal',
      scopeName,
      createdAt: a.createdAt,
    };
  }

  async function assignmentRows(c: Console, role: RoleDefinitionView, scopes: readonly ScopeChoice[]) {
    const found = await listRoleAssignments(deps, c.ctx, () => ({
      filter: `roleDefinitionId eq '${role.id}'`,
      expand: ['principal'],
    }));
    return found.map((e) => rowOf(e, scopes));
  }

  async function roleView(
    c: Console,
    id: string,
    extra: { notice?: string; error?: string; form?: AssignForm } = {},
  ): Promise<string> {
    const role = await getRoleDefinition(deps, c.ctx, id);
    const scopes = await scopeChoices(c);
    const mayRead = c.mayOnTenant('microsoft.directory/roleAssignments/standard/read');
    const mayAssign = c.mayOnTenant(ROLE_ASSIGNMENTS_WRITE);
    const body = rolePage({
      role,
      assignments: mayRead
        ? await assignmentRows(c, role, scopes)
        : { refused: 'Your roles do not let you read role assignments.' },
      mayRemove: mayAssign,
      ...(extra.notice ? { notice: extra.notice } : {}),
      ...(mayAssign
        ? {
            assign: {
              scopes,
              csrf: c.signed.session.csrf,
              form: extra.form ?? { principal: '', scope: '/' },
              ...(extra.error ? { error: extra.error } : {}),
            },
          }
        : {}),
    });
    return c.page('roles', role.displayName, body);
  }

  const notFound = (reply: FastifyReply, c: Console) =>
    sendPage(reply, 404, c.page('roles', 'Role not found', `<p>No such role.</p>${ROLES.after}`));

  web.get('/admin/roles', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/roles');
    if (!c) return reply;
    return c.show(reply, ROLES, async () => {
      const roles = await listRoleDefinitions(deps, c.ctx);
      const body = rolesListPage({ roles, mayCreate: c.mayOnTenant(ROLE_DEFINITIONS_WRITE) });
      return c.page('roles', 'Roles and administrators', body);
    });
  });

  const emptyRole: NewRoleForm = { displayName: '', description: '', actions: [] };
  const newRoleView = (c: Console, form: NewRoleForm, error?: { message: string; field?: string }) =>
    c.page(
      'roles',
      'New custom role',
      newRolePage({
        form,
        assignable: CUSTOM_ROLE_ACTIONS,
        csrf: c.signed.session.csrf,
        ...(error ? { error: error.message } : {}),
        ...(error?.field === 'displayName' || error?.field === 'allowedResourceActions' ? { field: error.field } : {}),
      }),
    );

  web.get('/admin/roles/new', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/roles/new');
    if (!c) return reply;
    try {
      c.requireOnTenant(ROLE_DEFINITIONS_WRITE);
    } catch (e) {
      return c.refuse(reply, e, ROLES);
    }
    return sendPage(reply, 200, newRoleView(c, emptyRole));
  });

  web.post<{ Body: Form }>('/admin/roles/new', async (request, reply) => {
    const posted = await gate.requireForm(request, reply, '/admin/roles/new');
    if (!posted) return reply;
    const { c, form } = posted;
    const chosen: NewRoleForm = {
      displayName: text(form.displayName),
      description: text(form.description),
      actions: texts(form.actions),
    };
    try {
      const role = await createRoleDefinition(deps, c.ctx, {
        displayName: chosen.displayName,
        description: chosen.description,
        allowedResourceActions: chosen.actions,
      });
      return reply.header('cache-control', 'no-store').redirect(`/admin/roles/${role.id}?created=1`, 303);
    } catch (e) {
      // Who may not create roles is refused in the frame; a value the service refuses goes back to the form.
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, ROLES);
      return sendPage(reply, e.status, newRoleView(c, chosen, { message: e.message, field: e.target }));
    }
  });

  web.get<{ Params: { id: string }; Querystring: { created?: string; assigned?: string; removed?: string } }>(
    '/admin/roles/:id',
    async (request, reply) => {
      const { id } = request.params;
      const c = await gate.requireConsole(request, reply, `/admin/roles/${encodeURIComponent(id)}`);
      if (!c) return reply;
      if (!isGuid(id)) return notFound(reply, c);
      const q = request.query;
      const notice = q.created
        ? 'The role was created. Add assignments to give it to someone.'
        : q.assigned
          ? 'The assignment was added.'
          : q.removed
            ? 'The assignment was removed.'
            : undefined;
      return c.show(reply, ROLES, () => roleView(c, id, notice ? { notice } : {}));
    },
  );

  web.post<{ Params: { id: string }; Body: Form }>('/admin/roles/:id/assignments', async (request, reply) => {
    const { id } = request.params;
    const posted = await gate.requireForm(request, reply, `/admin/roles/${encodeURIComponent(id)}`);
    if (!posted) return reply;
    const { c, form } = posted;
    if (!isGuid(id)) return notFound(reply, c);
    const chosen: AssignForm = { principal: text(form.principal).trim(), scope: text(form.scope) || '/' };
    try {
      if (chosen.principal === '')
        return c.show(reply, ROLES, () => roleView(c, id, { error: 'Enter the user to assign.', form: chosen }), 400);
      await createRoleAssignment(deps, c.ctx, {
        principalId: chosen.principal,
        roleDefinitionId: id,
        directoryScopeId: chosen.scope,
      });
      return reply.header('cache-control', 'no-store').redirect(`/admin/roles/${id.toLowerCase()}?assigned=1`, 303);
    } catch (e) {
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, ROLES);
      return c.show(reply, ROLES, () => roleView(c, id, { error: e.message, form: chosen }), e.status);
    }
  });

  /** The assignment `assignmentId` of role `id`, as its page's row, or undefined. */
  async function assignmentRow(c: Console, id: string, assignmentId: string) {
    const role = await getRoleDefinition(deps, c.ctx, id);
    const scopes = await scopeChoices(c);
    const row = (await assignmentRows(c, role, scopes)).find((r) => r.id === assignmentId.toLowerCase());
    return { role, row };
  }

  web.get<{ Params: { id: string; assignmentId: string } }>(
    '/admin/roles/:id/assignments/:assignmentId/remove',
    async (request, reply) => {
      const { id, assignmentId } = request.params;
      const c = await gate.requireConsole(request, reply, `/admin/roles/${encodeURIComponent(id)}`);
      if (!c) return reply;
      if (!isGuid(id) || !isGuid(assignmentId)) return notFound(reply, c);
      return c.show(reply, ROLES, async () => {
        const { role, row } = await assignmentRow(c, id, assignmentId);
        if (!row) throw notFoundError(assignmentId);
        return c.page('roles', 'Remove assignment', removeAssignmentPage({ role, row, csrf: c.signed.session.csrf }));
      });
    },
  );

  web.post<{ Params: { id: string; assignmentId: string } }>(
    '/admin/roles/:id/assignments/:assignmentId/remove',
    async (request, reply) => {
      const { id, assignmentId } = request.params;
      const posted = await gate.requireForm(request, reply, `/admin/roles/${encodeURIComponent(id)}`);
      if (!posted) return reply;
      const { c } = posted;
      if (!isGuid(id) || !isGuid(assignmentId)) return notFound(reply, c);
      try {
        await deleteRoleAssignment(deps, c.ctx, assignmentId);
      } catch (e) {
        return c.refuse(reply, e, ROLES);
      }
      return reply.header('cache-control', 'no-store').redirect(`/admin/roles/${id.toLowerCase()}?removed=1`, 303);
    },
  );
}
