// The admin center's "Roles and administrators" blades: the list of built-in and custom roles, a role's description,
// permissions and assignments ("Add assignments" on the whole directory or an administrative unit, "Remove" after a
// confirmation), and "New custom role" picking permissions from the catalogue a custom role may hold.

import { describeAction } from '../../../domain/authz/action-descriptions.js';
import type { RoleDefinitionView } from '../../../services/role-definitions.js';
import { esc } from '../html.js';
import { breadcrumb } from './layout.js';
import { csrfField, errorBox, when } from './users.js';

export const rolePath = (role: { id: string }) => `/admin/roles/${esc(role.id)}`;
const ROLES_CRUMB = [
  { label: 'Home', href: '/admin' },
  { label: 'Roles and administrators', href: '/admin/roles' },
];

export function rolesListPage(v: { roles: readonly RoleDefinitionView[]; mayCreate: boolean }): string {
  const rows = v.roles
    .map(
      (r) => `<tr>
<td><a href="${rolePath(r)}">${esc(r.displayName)}</a></td>
<td>${r.isBuiltIn ? 'Built-in' : 'Custom'}</td>
<td>${esc(r.description ?? '')}</td>
</tr>`,
    )
    .join('');
  const create = v.mayCreate ? '<p><a class="button" href="/admin/roles/new">New custom role</a></p>' : '';
  return `${breadcrumb([{ label: 'Home', href: '/admin' }, { label: 'Roles and administrators' }])}
${create}
<table class="grid" tabindex="0" aria-label="Roles">
<thead><tr><th scope="col">Role</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

/** One assignment as a role's page lists it: who, where, since when, and its id for "Remove". */
export interface AssignmentRow {
  id: string;
  principalName: string;
  principalDetail: string;
  principalHref?: string;
  scopeName: string;
  createdAt: Date;
}

/** The scopes an assignment form offers: the directory, then each administrative unit the admin may read. */
export interface ScopeChoice {
  value: string;
  label: string;
}

export interface AssignForm {
  principal: string;
  scope: string;
}

function permissionList(actions: readonly string[]): string {
  const items = actions
    .map((a) => {
      const description = describeAction(a);
      return `<li><code>${esc(a)}</code>${description ? ` — ${esc(description)}` : ''}</li>`;
    })
    .join('');
  return `<ul class="permissions">${items}</ul>`;
}

function assignForm(v: {
  role: RoleDefinitionView;
  scopes: readonly ScopeChoice[];
  csrf: string;
  form: AssignForm;
  error?: string;
}): string {
  const options = v.scopes
    .map(
      (s) => `<option value="${esc(s.value)}"${s.value === v.form.scope ? ' selected' : ''}>${esc(s.label)}</option>`,
    )
    .join('');
  const invalid = v.error ? ' aria-invalid="true" aria-describedby="error-message"' : '';
  return `<section class="blade" aria-labelledby="add-assignments">
<h2 id="add-assignments">Add assignments</h2>
${errorBox(v.error)}
<form method="post" action="${rolePath(v.role)}/assignments">
${csrfField(v.csrf)}
<label for="principal">User</label>
<input type="email" id="principal" name="principal" required autocomplete="off" placeholder="user principal name" value="${esc(v.form.principal)}"${invalid}>
<label for="scope">Scope</label>
<select id="scope" name="scope">${options}</select>
<p class="hint">Directory: the whole tenant. An administrative unit: only the users and groups in that unit.</p>
<button type="submit">Add</button>
</form>
</section>`;
}

export function rolePage(v: {
  role: RoleDefinitionView;
  assignments: readonly AssignmentRow[] | { refused: string };
  assign?: { scopes: readonly ScopeChoice[]; csrf: string; form: AssignForm; error?: string };
  mayRemove: boolean;
  notice?: string;
}): string {
  const { role } = v;
  let assignments: string;
  if ('refused' in v.assignments) assignments = `<p>${esc(v.assignments.refused)}</p>`;
  else if (v.assignments.length === 0) assignments = '<p id="no-assignments">No one holds this role.</p>';
  else {
    const rows = v.assignments
      .map((a) => {
        const name = a.principalHref
          ? `<a href="${esc(a.principalHref)}">${esc(a.principalName)}</a>`
          : esc(a.principalName);
        const remove = v.mayRemove
          ? `<td><a href="${rolePath(role)}/assignments/${esc(a.id)}/remove" aria-label="Remove ${esc(a.principalName)} (${esc(a.scopeName)})">Remove</a></td>`
          : '';
        return `<tr><td>${name}</td><td>${esc(a.principalDetail)}</td><td>${esc(a.scopeName)}</td><td>${when(a.createdAt)}</td>${remove}</tr>`;
      })
      .join('');
    assignments = `<table class="grid" tabindex="0" aria-label="Assignments">
<thead><tr><th scope="col">Name</th><th scope="col">User principal name</th><th scope="col">Scope</th><th scope="col">Assigned</th>${v.mayRemove ? '<th scope="col"><span class="visually-hidden">Actions</span></th>' : ''}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
  }
  return `${breadcrumb([...ROLES_CRUMB, { label: role.displayName }])}
${v.notice ? `<div class="success" role="status"><p>${esc(v.notice)}</p></div>` : ''}
<section class="blade" aria-labelledby="description">
<h2 id="description">Description</h2>
<dl class="details">
<dt>Type</dt><dd>${role.isBuiltIn ? 'Built-in role' : 'Custom role'}</dd>
<dt>Description</dt><dd>${esc(role.description ?? '—')}</dd>
<dt>Template ID</dt><dd>${esc(role.templateId)}</dd>
</dl>
</section>
<section class="blade" aria-labelledby="permissions">
<h2 id="permissions">Permissions</h2>
${permissionList(role.allowedResourceActions)}
</section>
<section class="blade" aria-labelledby="assignments">
<h2 id="assignments">Assignments</h2>
${assignments}
</section>
${v.assign ? assignForm({ role, ...v.assign }) : ''}`;
}

export function removeAssignmentPage(v: { role: RoleDefinitionView; row: AssignmentRow; csrf: string }): string {
  return `${breadcrumb([...ROLES_CRUMB, { label: v.role.displayName, href: rolePath(v.role) }, { label: 'Remove assignment' }])}
<div class="blade">
<p>Remove <strong>${esc(v.row.principalName)}</strong> from <strong>${esc(v.role.displayName)}</strong> (scope: ${esc(v.row.scopeName)})? They lose what the role lets them do there at their next request.</p>
<form method="post" action="${rolePath(v.role)}/assignments/${esc(v.row.id)}/remove">
${csrfField(v.csrf)}
<button type="submit" class="danger">Remove</button>
<a class="button secondary" href="${rolePath(v.role)}">Cancel</a>
</form>
</div>`;
}

export interface NewRoleForm {
  displayName: string;
  description: string;
  actions: readonly string[];
}

/** "New custom role": a name, a description, and the permissions a custom role may hold, grouped by resource. */
export function newRolePage(v: {
  form: NewRoleForm;
  assignable: readonly string[];
  csrf: string;
  error?: string;
  field?: 'displayName' | 'allowedResourceActions';
}): string {
  const groups = new Map<string, string[]>();
  for (const action of v.assignable) {
    const resource = action.split('/').slice(1, -1)[0] ?? action;
    const key = action.includes('/authenticationMethods/') ? 'authenticationMethods' : resource;
    groups.set(key, [...(groups.get(key) ?? []), action]);
  }
  const LEGENDS: Record<string, string> = {
    users: 'Users',
    groups: 'Groups',
    authenticationMethods: 'Authentication methods',
  };
  const chosen = new Set(v.form.actions);
  const fieldsets = [...groups]
    .map(([key, actions]) => {
      const boxes = actions
        .map((a, i) => {
          const id = `perm-${key}-${i}`;
          return `<label class="choice" for="${id}"><input type="checkbox" id="${id}" name="actions" value="${esc(a)}"${chosen.has(a) ? ' checked' : ''}> <span>${esc(describeAction(a) ?? a)} <code>${esc(a)}</code></span></label>`;
        })
        .join('');
      return `<fieldset><legend>${esc(LEGENDS[key] ?? key)}</legend>${boxes}</fieldset>`;
    })
    .join('');
  const invalid = (f: string) => (v.field === f ? ' aria-invalid="true" aria-describedby="error-message"' : '');
  return `${breadcrumb([...ROLES_CRUMB, { label: 'New custom role' }])}
${errorBox(v.error)}
<form method="post" action="/admin/roles/new" class="blade">
${csrfField(v.csrf)}
<h2>Basics</h2>
<label for="displayName">Name</label>
<input type="text" id="displayName" name="displayName" required maxlength="256" value="${esc(v.form.displayName)}"${invalid('displayName')}>
<label for="description">Description</label>
<input type="text" id="description" name="description" maxlength="1024" value="${esc(v.form.description)}">
<h2>Permissions</h2>
<p class="hint">Choose what holders of the role may do. A custom role holds user, group and authentication-method permissions; it cannot manage roles or policies.</p>
${fieldsets}
<button type="submit">Create</button>
<a class="button secondary" href="/admin/roles">Cancel</a>
</form>`;
}
