// The admin center's Groups and Administrative units blades, one set of pages for both (they differ in names, a few
// details and the unit's role assignments): the searchable list, "New …", a container's Overview and Members with
// "Add members" and "Remove", and the delete and remove confirmations.

import type { UserRecord } from '../../../services/users.js';
import { invalidAttrs as invalid, type FormError } from '../../admin/form-values.js';
import { esc } from '../html.js';
import { breadcrumb } from './layout.js';
import { csrfField, errorBox, when } from './users.js';

/** What a blade calls itself and its objects. */
export interface ContainerNames {
  /** The blade's path, e.g. /admin/groups. */
  readonly path: string;
  /** The blade's title, e.g. "Groups". */
  readonly plural: string;
  /** One object, in running text: "group", "administrative unit". */
  readonly singular: string;
  /** What deleting one also does, said on the confirmation. */
  readonly deleteConsequence: string;
}

export interface ContainerItem {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly createdAt: Date;
}

const itemPath = (n: ContainerNames, item: { id: string }) => `${n.path}/${esc(item.id)}`;
const noticeBox = (text: string | undefined) =>
  text ? `<div class="success" role="status"><p id="notice">${esc(text)}</p></div>` : '';

const trail = (n: ContainerNames, item?: ContainerItem, last?: string) =>
  breadcrumb([
    { label: 'Home', href: '/admin' },
    { label: n.plural, href: n.path },
    ...(item ? [{ label: item.displayName, href: itemPath(n, item) }] : []),
    ...(last ? [{ label: last }] : []),
  ]);

function tabs(n: ContainerNames, item: ContainerItem, current: 'overview' | 'members'): string {
  const tab = (href: string, label: string, on: boolean) =>
    `<li><a href="${href}"${on ? ' aria-current="page"' : ''}>${label}</a></li>`;
  return `<nav aria-label="${esc(item.displayName)}"><ul class="tabs">
${tab(itemPath(n, item), 'Overview', current === 'overview')}
${tab(`${itemPath(n, item)}/members`, 'Members', current === 'members')}
</ul></nav>`;
}

const nextPageLink = (href: string | undefined) =>
  href ? `<p><a class="button secondary" href="${esc(href)}">Next page</a></p>` : '';

export function containerListPage(
  n: ContainerNames,
  v: {
    search: string;
    items: readonly ContainerItem[];
    nextPage?: string;
    mayCreate: boolean;
    notice?: string;
    error?: string;
  },
): string {
  const rows = v.items
    .map(
      (i) => `<tr>
<td><a href="${itemPath(n, i)}">${esc(i.displayName)}</a></td>
<td>${esc(i.description ?? '')}</td>
<td>${esc(i.id)}</td>
</tr>`,
    )
    .join('');
  const table =
    v.items.length === 0
      ? `<p id="no-items">${v.search ? `No ${esc(n.singular)}'s name starts with "${esc(v.search)}".` : `No ${esc(n.plural.toLowerCase())}.`}</p>`
      : `<table class="grid" tabindex="0" aria-label="${esc(n.plural)}">
<thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Object ID</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  const more = v.nextPage
    ? `${n.path}?search=${encodeURIComponent(v.search)}&page=${encodeURIComponent(v.nextPage)}`
    : undefined;
  return `${trail(n)}
${noticeBox(v.notice)}
${errorBox(v.error)}
<div class="toolbar">
<form method="get" action="${n.path}" class="toolbar" role="search">
<div><label for="search">Search ${esc(n.plural.toLowerCase())}</label>
<input type="search" id="search" name="search" value="${esc(v.search)}" placeholder="Name"></div>
<button type="submit">Search</button>
</form>
${v.mayCreate ? `<a class="button" href="${n.path}/new">New ${esc(n.singular)}</a>` : ''}
</div>
${table}
${nextPageLink(more)}`;
}

export interface ContainerForm {
  displayName: string;
  description: string;
}

export function newContainerPage(
  n: ContainerNames,
  v: { form: ContainerForm; csrf: string; error?: FormError },
): string {
  const title = `New ${n.singular}`;
  return `${trail(n, undefined, title)}
${errorBox(v.error?.message)}
<form method="post" action="${n.path}" class="blade">
${csrfField(v.csrf)}
<label for="displayName">Name</label>
<input type="text" id="displayName" name="displayName" value="${esc(v.form.displayName)}" maxlength="256" required${invalid(v.error, 'displayName')}>
<label for="description">Description</label>
<input type="text" id="description" name="description" value="${esc(v.form.description)}" maxlength="1024"${invalid(v.error, 'description')}>
<p><button type="submit">Create</button> <a class="button secondary" href="${n.path}">Cancel</a></p>
</form>`;
}

export function containerOverviewPage(
  n: ContainerNames,
  item: ContainerItem,
  v: { details: readonly [string, string][]; mayDelete: boolean; more: string; notice?: string; error?: string },
): string {
  const details = v.details.map(([dt, dd]) => `<dt>${esc(dt)}</dt><dd>${esc(dd)}</dd>`).join('\n');
  const del = v.mayDelete
    ? `<div class="toolbar"><a class="button secondary" href="${itemPath(n, item)}/delete" aria-label="Delete ${esc(n.singular)} ${esc(item.displayName)}">Delete</a></div>`
    : '';
  return `${trail(n, item)}
${tabs(n, item, 'overview')}
${noticeBox(v.notice)}
${errorBox(v.error)}
${del}
<section class="blade" aria-labelledby="basic-info"><h2 id="basic-info">Basic info</h2>
<dl class="details">
<dt>Name</dt><dd id="display-name">${esc(item.displayName)}</dd>
<dt>Description</dt><dd>${esc(item.description ?? '—')}</dd>
<dt>Object ID</dt><dd id="object-id">${esc(item.id)}</dd>
<dt>Created</dt><dd>${when(item.createdAt)}</dd>
${details}
</dl></section>
${v.more}`;
}

/** The users a search on the Members page found, each with its own "Add" button. */
function foundTable(n: ContainerNames, item: ContainerItem, found: readonly UserRecord[], csrf: string): string {
  if (found.length === 0) return '<p id="no-users-found">No user\'s name or user principal name starts with that.</p>';
  const rows = found
    .map(
      (u) => `<tr><td>${esc(u.displayName)}</td><td>${esc(u.userPrincipalName)}</td>
<td><form method="post" action="${itemPath(n, item)}/members" class="inline">${csrfField(csrf)}<input type="hidden" name="member" value="${esc(u.id)}"><button type="submit" class="secondary" aria-label="Add ${esc(u.displayName)}">Add</button></form></td></tr>`,
    )
    .join('');
  return `<table class="grid" tabindex="0" aria-label="Users found">
<thead><tr><th scope="col">Display name</th><th scope="col">User principal name</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

export interface MembersView {
  members: readonly UserRecord[];
  /** Members the administrator may not read as users: shown by id only, Graph's "limited information". */
  limited: ReadonlySet<string>;
  nextPage?: string;
  mayUpdate: boolean;
  csrf: string;
  /** What was typed in the user search, and the users it found. */
  find: string;
  found?: readonly UserRecord[];
  /** The member typed into "Add members" that was refused, to correct. */
  member?: string;
  notice?: string;
  error?: FormError;
}

export function containerMembersPage(n: ContainerNames, item: ContainerItem, v: MembersView): string {
  const base = `${itemPath(n, item)}/members`;
  const add = v.mayUpdate
    ? `<section class="blade" aria-labelledby="add-members"><h2 id="add-members">Add members</h2>
<form method="post" action="${base}" class="toolbar">
${csrfField(v.csrf)}
<div><label for="member">User principal name</label>
<input type="text" id="member" name="member" value="${esc(v.member ?? '')}" autocomplete="off" placeholder="name@domain"${invalid(v.error, 'member')}></div>
<button type="submit">Add members</button>
</form>
<form method="get" action="${base}" class="toolbar" role="search">
<div><label for="find">Search users</label>
<input type="search" id="find" name="find" value="${esc(v.find)}" placeholder="Name or user principal name"></div>
<button type="submit" class="secondary">Search</button>
</form>
${v.found ? foundTable(n, item, v.found, v.csrf) : ''}
</section>`
    : '';
  const name = (u: UserRecord) => (v.limited.has(u.id) ? u.id : u.displayName);
  const rows = v.members
    .map((u) => {
      const limited = v.limited.has(u.id);
      const remove = v.mayUpdate
        ? `<td><a href="${base}/${esc(u.id)}/remove" aria-label="Remove ${esc(name(u))}">Remove</a></td>`
        : '';
      return `<tr><td>${limited ? `${esc(u.id)} (limited information)` : esc(u.displayName)}</td><td>${limited ? '' : esc(u.userPrincipalName)}</td>${remove}</tr>`;
    })
    .join('');
  const table =
    v.members.length === 0
      ? '<p id="no-members">No members.</p>'
      : `<table class="grid" tabindex="0" aria-labelledby="members-heading">
<thead><tr><th scope="col">Name</th><th scope="col">User principal name</th>${v.mayUpdate ? '<th scope="col"><span class="visually-hidden">Actions</span></th>' : ''}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return `${trail(n, item, 'Members')}
${tabs(n, item, 'members')}
${noticeBox(v.notice)}
${errorBox(v.error?.message)}
${add}
<h2 id="members-heading">Members</h2>
${table}
${nextPageLink(v.nextPage ? `${base}?page=${encodeURIComponent(v.nextPage)}` : undefined)}`;
}

export function removeMemberPage(
  n: ContainerNames,
  item: ContainerItem,
  v: { member: { id: string; name: string }; csrf: string },
): string {
  const base = `${itemPath(n, item)}/members`;
  return `${trail(n, item, 'Remove member')}
<form method="post" action="${base}/${esc(v.member.id)}/remove" class="blade">
${csrfField(v.csrf)}
<p id="confirm-remove">Remove ${esc(v.member.name)} from the ${esc(n.singular)} ${esc(item.displayName)}?</p>
<p><button type="submit" class="danger">Remove</button> <a class="button secondary" href="${base}">Cancel</a></p>
</form>`;
}

export function deleteContainerPage(n: ContainerNames, item: ContainerItem, v: { csrf: string }): string {
  return `${trail(n, item, `Delete ${n.singular}`)}
<form method="post" action="${itemPath(n, item)}/delete" class="blade">
${csrfField(v.csrf)}
<p id="confirm-delete">Delete the ${esc(n.singular)} ${esc(item.displayName)}? ${esc(n.deleteConsequence)}</p>
<p><button type="submit" class="danger">Delete</button> <a class="button secondary" href="${itemPath(n, item)}">Cancel</a></p>
</form>`;
}

/** The role assignments scoped to one administrative unit: who holds which role over its members. */
export function scopedRolesSection(rows: readonly { role: string; principal: string; detail: string }[]): string {
  const body =
    rows.length === 0
      ? '<p id="no-scoped-roles">No role is assigned in this administrative unit.</p>'
      : `<table class="grid" tabindex="0" aria-labelledby="scoped-roles">
<thead><tr><th scope="col">Role</th><th scope="col">Assigned to</th><th scope="col">User principal name or app</th></tr></thead>
<tbody>${rows.map((r) => `<tr><td>${esc(r.role)}</td><td>${esc(r.principal)}</td><td>${esc(r.detail)}</td></tr>`).join('')}</tbody>
</table>`;
  return `<section class="blade" aria-labelledby="scoped-roles"><h2 id="scoped-roles">Roles and administrators</h2>
<p class="hint">Roles assigned with this unit as their scope reach only its members.</p>
${body}</section>`;
}
