// The admin center's Users blades: the searchable list, a user's Overview, and their Authentication methods with
// "Add authentication method" → Temporary Access Pass, the pass shown once, and the delete confirmation.

import type { TapUsabilityReason } from '../../../domain/signin/types.js';
import type { TapPurpose } from '../../../domain/tap/constants.js';
import { passEndsAt } from '../../../domain/tap/pass.js';
import type { AuthenticationMethods } from '../../../services/authentication-methods.js';
import type { IssuedPass, TapView } from '../../../services/temporary-access-passes.js';
import type { UserRecord } from '../../../services/users.js';
import { esc } from '../html.js';
import { breadcrumb } from './layout.js';

/** An instant as a <time> the console script shows in the viewer's zone; UTC until it runs. */
export const when = (d: Date | null | undefined): string =>
  d
    ? `<time datetime="${esc(d.toISOString())}">${esc(d.toISOString().slice(0, 16).replace('T', ' '))} UTC</time>`
    : '—';

export const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;

export function errorBox(message: string | undefined): string {
  return message ? `<div class="error-summary" role="alert"><p id="error-message">${esc(message)}</p></div>` : '';
}

const userPath = (u: { id: string }) => `/admin/users/${esc(u.id)}`;

export function usersListPage(v: {
  search: string;
  users: readonly UserRecord[];
  nextPage?: string;
  /** Whether to offer "New user". */
  mayCreate?: boolean;
  error?: string;
}): string {
  const rows = v.users
    .map(
      (u) => `<tr>
<td><a href="${userPath(u)}">${esc(u.displayName)}</a></td>
<td>${esc(u.userPrincipalName)}</td>
<td>${u.accountEnabled ? 'Yes' : 'No'}</td>
</tr>`,
    )
    .join('');
  const table =
    v.users.length === 0
      ? `<p id="no-users">${v.search ? `No user's name or user principal name starts with "${esc(v.search)}".` : 'No users.'}</p>`
      : `<table class="grid" tabindex="0" aria-label="Users">
<thead><tr><th scope="col">Display name</th><th scope="col">User principal name</th><th scope="col">Account enabled</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  const more = v.nextPage
    ? `<p><a class="button secondary" href="/admin/users?search=${encodeURIComponent(v.search)}&amp;page=${encodeURIComponent(v.nextPage)}">Next page</a></p>`
    : '';
  return `${breadcrumb([{ label: 'Home', href: '/admin' }, { label: 'Users' }])}
${errorBox(v.error)}
<form method="get" action="/admin/users" class="toolbar" role="search">
<div><label for="search">Search users</label>
<input type="search" id="search" name="search" value="${esc(v.search)}" placeholder="Name or user principal name" autofocus></div>
<button type="submit">Search</button>
</form>
${v.mayCreate ? '<p><a class="button" href="/admin/users/new">New user</a></p>' : ''}
${table}
${more}`;
}

/** The tabs of a user's page, Entra's "Overview" and "Authentication methods". */
function userTabs(user: UserRecord, current: 'overview' | 'methods'): string {
  const tab = (href: string, label: string, on: boolean) =>
    `<li><a href="${href}"${on ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`;
  return `<nav aria-label="${esc(user.displayName)}"><ul class="tabs">
${tab(userPath(user), 'Overview', current === 'overview')}
${tab(`${userPath(user)}/authentication-methods`, 'Authentication methods', current === 'methods')}
</ul></nav>
<p><a href="${userPath(user)}/pass-history">Temporary Access Pass history</a></p>`;
}

const userTrail = (user: UserRecord, last?: string) =>
  breadcrumb([
    { label: 'Home', href: '/admin' },
    { label: 'Users', href: '/admin/users' },
    ...(last ? [{ label: user.displayName, href: userPath(user) }, { label: last }] : [{ label: user.displayName }]),
  ]);

export interface UserActions {
  mayDisable: boolean;
  mayResetPassword: boolean;
  mayRevoke: boolean;
  /** Failed sign-ins counted against the user, every factor together. */
  failures: number;
  lockedOut: boolean;
  csrf: string;
}

const actionForm = (user: UserRecord, action: string, label: string, csrf: string, kind = 'secondary') =>
  `<form method="post" action="${userPath(user)}/${action}" class="inline">${csrfField(csrf)}<button type="submit" class="${kind}">${esc(label)}</button></form>`;

export function userOverviewPage(
  user: UserRecord,
  v: { actions?: UserActions; notice?: string; error?: string; secret?: string } = {},
): string {
  const a = v.actions;
  const buttons = a
    ? [
        a.mayDisable
          ? actionForm(
              user,
              user.accountEnabled ? 'disable' : 'enable',
              user.accountEnabled ? 'Disable account' : 'Enable account',
              a.csrf,
            )
          : '',
        a.mayResetPassword ? actionForm(user, 'reset-password', 'Reset password', a.csrf) : '',
        a.mayRevoke ? actionForm(user, 'revoke-sessions', 'Revoke sessions', a.csrf) : '',
      ].join(' ')
    : '';
  const lockout = a
    ? `<section class="blade" aria-labelledby="sign-in-lockout"><h2 id="sign-in-lockout">Sign-in lock-out</h2>
<p id="lockout-state">${a.lockedOut ? 'Locked out: sign-ins from unfamiliar browsers wait before each attempt.' : 'Not locked out.'} ${a.failures} failed sign-in${a.failures === 1 ? '' : 's'} counted.</p>
${a.mayResetPassword && a.failures > 0 ? actionForm(user, 'clear-lockout', 'Clear lock-out', a.csrf) : ''}
</section>`
    : '';
  const secret = v.secret
    ? `<section class="blade" aria-labelledby="temporary-password-heading"><h2 id="temporary-password-heading">Temporary password</h2>
<p><span class="secret" id="temporary-password">${esc(v.secret)}</span>
<button type="button" class="secondary" data-copy="temporary-password" hidden>Copy</button>
<span role="status" id="temporary-password-status"></span></p>
<p><strong>This password is shown only once.</strong> The user must change it at their next sign-in.</p></section>`
    : '';
  return `${userTrail(user)}
${userTabs(user, 'overview')}
${v.notice ? `<div class="success" role="status"><p id="notice">${esc(v.notice)}</p></div>` : ''}
${errorBox(v.error)}
${secret}
${buttons.trim() ? `<div class="toolbar">${buttons}</div>` : ''}
<section class="blade" aria-labelledby="basic-info"><h2 id="basic-info">Basic info</h2>
<dl class="details">
<dt>User principal name</dt><dd id="upn">${esc(user.userPrincipalName)}</dd>
<dt>Object ID</dt><dd>${esc(user.id)}</dd>
<dt>Account enabled</dt><dd id="account-enabled">${user.accountEnabled ? 'Yes' : 'No'}</dd>
<dt>User type</dt><dd>${esc(user.userType)}</dd>
<dt>Created</dt><dd>${when(user.createdAt)}</dd>
</dl></section>
${lockout}`;
}

const REASONS: Record<TapUsabilityReason, string> = {
  EnabledByPolicy: 'Usable',
  DisabledByPolicy: 'Not usable: the Temporary Access Pass policy does not allow it for this user',
  OneTimeUsed: 'Used (one-time)',
  Expired: 'Expired',
  NotYetValid: 'Not yet valid',
};

/** Gatepass's gatepassPurpose in the console's words: what a sign-in with the pass may reach. */
const PURPOSE_WORDS: Record<TapPurpose, string> = {
  setup: 'Set up sign-in methods only',
  access: 'Sign in to apps',
};

export function passSummary(view: TapView): string {
  const p = view.pass;
  return `<dl class="details">
<dt>Status</dt><dd>${esc(REASONS[view.usability.methodUsabilityReason])}</dd>
<dt>Valid from</dt><dd>${when(p.startAt)}</dd>
<dt>Valid until</dt><dd>${when(passEndsAt(p))}</dd>
<dt>One-time use</dt><dd>${p.isUsableOnce ? 'Yes' : 'No'}</dd>
<dt>Purpose</dt><dd id="pass-purpose">${PURPOSE_WORDS[p.purpose]}</dd>
<dt>Created by</dt><dd>${esc(view.issuedBy.displayName)}</dd>
<dt>Created</dt><dd>${when(p.createdAt)}</dd>
</dl>`;
}

interface MethodRow {
  name: string;
  detail: string;
  /** For a deletable method: its kind and id in the delete form. */
  del?: { kind: 'temporaryAccessPass' | 'softwareOath' | 'fido2'; id: string; label: string };
}

function methodRows(m: AuthenticationMethods): MethodRow[] {
  const rows: MethodRow[] = [];
  if (m.password) rows.push({ name: 'Password', detail: `Last set ${when(m.password.changedAt)}` });
  if (m.pass)
    rows.push({
      name: 'Temporary Access Pass',
      detail: `${esc(REASONS[m.pass.usability.methodUsabilityReason])}, valid until ${when(passEndsAt(m.pass.pass))}`,
      del: { kind: 'temporaryAccessPass', id: m.pass.pass.id, label: 'Temporary Access Pass' },
    });
  for (const app of m.apps)
    rows.push({
      name: 'Authenticator app',
      detail: `${esc(app.displayName)}, added ${when(app.createdAt)}`,
      del: { kind: 'softwareOath', id: app.id, label: `authenticator app ${app.displayName}` },
    });
  for (const key of m.passkeys)
    rows.push({
      name: 'Passkey',
      detail: `${esc(key.displayName)}, added ${when(key.createdAt)}`,
      del: { kind: 'fido2', id: key.id, label: `passkey ${key.displayName}` },
    });
  return rows;
}

export function authenticationMethodsPage(v: {
  methods: AuthenticationMethods;
  mayAdd: boolean;
  mayDelete: boolean;
  notice?: string;
  error?: string;
}): string {
  const { user } = v.methods;
  const rows = methodRows(v.methods);
  const body =
    rows.length === 0
      ? '<p id="no-methods">No usable authentication methods.</p>'
      : `<table class="grid" tabindex="0" aria-label="Authentication methods of ${esc(user.displayName)}">
<thead><tr><th scope="col">Authentication method</th><th scope="col">Detail</th>${v.mayDelete ? '<th scope="col"><span class="visually-hidden">Actions</span></th>' : ''}</tr></thead>
<tbody>${rows
          .map(
            (r) =>
              `<tr><td>${esc(r.name)}</td><td>${r.detail}</td>${
                v.mayDelete
                  ? `<td>${r.del ? `<a href="${userPath(user)}/authentication-methods/delete?kind=${r.del.kind}&amp;id=${esc(r.del.id)}" aria-label="Delete ${esc(r.del.label)}">Delete</a>` : ''}</td>`
                  : ''
              }</tr>`,
          )
          .join('')}</tbody>
</table>`;
  const add = v.mayAdd
    ? `<p><a class="button" href="${userPath(user)}/authentication-methods/add">Add authentication method</a></p>`
    : '';
  const pass = v.methods.pass
    ? `<section class="blade" aria-labelledby="tap-details"><h2 id="tap-details">Temporary Access Pass details</h2>${passSummary(v.methods.pass)}</section>`
    : '';
  return `${userTrail(user, 'Authentication methods')}
${userTabs(user, 'methods')}
${v.notice ? `<div class="success" role="status"><p>${esc(v.notice)}</p></div>` : ''}
${errorBox(v.error)}
${add}
<h2 id="usable-methods">Usable authentication methods</h2>
${body}
${pass}`;
}

/** Entra's "Add authentication method" pane: choose a method (Temporary Access Pass is the one an admin adds here). */
export function addMethodChoicePage(user: UserRecord): string {
  return `${userTrail(user, 'Add authentication method')}
<form method="get" action="${userPath(user)}/authentication-methods/add" class="blade">
<label for="method">Choose method</label>
<select id="method" name="method"><option value="temporaryAccessPass">Temporary Access Pass</option></select>
<p><button type="submit">Next</button> <a class="button secondary" href="${userPath(user)}/authentication-methods">Cancel</a></p>
</form>`;
}

export interface PassForm {
  activation: 'now' | 'later';
  date: string;
  time: string;
  durationMinutes: string;
  oneTime: boolean;
  purpose: TapPurpose;
}

export function addPassPage(v: {
  user: UserRecord;
  form: PassForm;
  policy: { minimum: number; maximum: number; forcedOneTime: boolean };
  replaces?: { by: string; at: Date };
  csrf: string;
  error?: string;
}): string {
  const { user, form } = v;
  const checked = (on: boolean) => (on ? ' checked' : '');
  const oneTime = v.policy.forcedOneTime
    ? '<p class="hint" id="one-time-hint">One-time use: Yes (the tenant\'s policy allows only one-time passes).</p><input type="hidden" name="oneTime" value="yes">'
    : `<fieldset><legend>One-time use</legend>
<label class="choice"><input type="radio" name="oneTime" value="yes"${checked(form.oneTime)}> Yes</label>
<label class="choice"><input type="radio" name="oneTime" value="no"${checked(!form.oneTime)}> No</label>
</fieldset>`;
  return `${userTrail(user, 'Add authentication method')}
<h2>Temporary Access Pass</h2>
${errorBox(v.error)}
${v.replaces ? `<div class="notice" role="note"><p id="replaces">This replaces the pass issued by ${esc(v.replaces.by)} at ${when(v.replaces.at)}.</p></div>` : ''}
<form method="post" action="${userPath(user)}/authentication-methods/temporary-access-pass" class="blade">
${csrfField(v.csrf)}
<input type="hidden" name="tzOffset" id="tz-offset" value="">
<fieldset><legend>Activation time</legend>
<label class="choice"><input type="radio" name="activation" value="now"${checked(form.activation === 'now')}> Now</label>
<label class="choice"><input type="radio" name="activation" value="later"${checked(form.activation === 'later')}> At a date and time (your time zone)</label>
<label for="start-date">Start date</label><input type="date" id="start-date" name="date" value="${esc(form.date)}">
<label for="start-time">Start time</label><input type="time" id="start-time" name="time" value="${esc(form.time)}" data-local-datetime="tz-offset">
</fieldset>
<label for="duration">Duration (minutes)</label>
<input type="number" id="duration" name="durationMinutes" min="${v.policy.minimum}" max="${v.policy.maximum}" value="${esc(form.durationMinutes)}" aria-describedby="duration-hint" required>
<p class="hint" id="duration-hint">Between ${v.policy.minimum} and ${v.policy.maximum} minutes, as the tenant's policy allows.</p>
${oneTime}
<fieldset aria-describedby="purpose-hint"><legend>Purpose</legend>
<label class="choice"><input type="radio" name="purpose" value="setup"${checked(form.purpose === 'setup')}> ${PURPOSE_WORDS.setup}</label>
<label class="choice"><input type="radio" name="purpose" value="access"${checked(form.purpose === 'access')}> ${PURPOSE_WORDS.access}</label>
<p class="hint" id="purpose-hint">A pass to set up sign-in methods opens Security info and nothing else, until the user has added an authenticator app or a passkey.</p>
</fieldset>
<p><button type="submit">Add</button> <a class="button secondary" href="${userPath(user)}/authentication-methods">Cancel</a></p>
</form>`;
}

export function passIssuedPage(v: { user: UserRecord; issued: IssuedPass; origin: string }): string {
  const { user, issued } = v;
  return `${userTrail(user, 'Temporary Access Pass')}
<div class="success" role="status"><p>Temporary Access Pass added for ${esc(user.displayName)}.</p></div>
${issued.replaced ? `<p class="notice" id="replaced">This replaced the pass issued by ${esc(issued.replaced.issuedBy.displayName)} at ${when(issued.replaced.createdAt)}.</p>` : ''}
<section class="blade" aria-labelledby="pass-heading">
<h2 id="pass-heading">Temporary Access Pass</h2>
<p><span class="secret" id="temporary-access-pass">${esc(issued.temporaryAccessPass)}</span>
<button type="button" class="secondary" data-copy="temporary-access-pass" hidden>Copy</button>
<span role="status" id="temporary-access-pass-status"></span></p>
<p><strong>This pass is shown only once.</strong> Give it to ${esc(user.displayName)} over a channel you trust. They sign in at
<a href="${esc(v.origin)}/my/security-info">${esc(v.origin)}/my/security-info</a> and set up an authenticator app or a passkey there.</p>
${passSummary(issued)}
</section>
<p><a class="button secondary" href="${userPath(user)}/authentication-methods">Done</a></p>`;
}

export function deleteMethodPage(v: {
  user: UserRecord;
  kind: string;
  id: string;
  label: string;
  csrf: string;
}): string {
  return `${userTrail(v.user, 'Delete authentication method')}
<form method="post" action="${userPath(v.user)}/authentication-methods/delete" class="blade">
${csrfField(v.csrf)}
<input type="hidden" name="kind" value="${esc(v.kind)}">
<input type="hidden" name="id" value="${esc(v.id)}">
<p id="confirm-delete">Delete the ${esc(v.label)} of ${esc(v.user.displayName)}? They can no longer sign in with it.</p>
<p><button type="submit" class="danger">Delete</button> <a class="button secondary" href="${userPath(v.user)}/authentication-methods">Cancel</a></p>
</form>`;
}
