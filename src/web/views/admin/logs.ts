// The admin center's log blades: Audit logs and Sign-in logs, each a filter form (GET, so a filtered view can be
// bookmarked) above a table of one page of entries and a "Next page" link carrying the filters.

import { AUDIT_ACTIVITIES } from '../../../domain/audit.js';
import type { DirectoryAuditJson, SignInRecord } from '../../../services/audit-logs.js';
import { esc } from '../html.js';
import { signInMethodsInWords } from '../my-pages.js';
import { breadcrumb } from './layout.js';
import { errorBox, when } from './users.js';

/** The filter form's values as typed (see web/admin/log-filters.ts). */
export interface LogFormValues {
  from: string;
  to: string;
  user: string;
  result: string;
  correlationId: string;
  tzOffset: string;
  activity: string;
  app: string;
}

export interface LogListView<T> {
  form: LogFormValues;
  items: readonly T[];
  /** The query string of the next page's link, when there is one. */
  next?: string;
  /** A field the listing could not use: its key in the form and the words for the 400 page. */
  invalid?: { key?: keyof LogFormValues; field: string; message: string };
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Who started an audited change, in one line: a user's name (and UPN), an app's, or Gatepass itself. */
export function initiatorText(initiatedBy: unknown): string {
  const user = record(record(initiatedBy).user);
  const app = record(record(initiatedBy).app);
  if (str(user.userPrincipalName)) return `${str(user.displayName)} (${str(user.userPrincipalName)})`;
  if (str(user.displayName)) return str(user.displayName);
  return str(app.displayName) || str(app.servicePrincipalName) || 'Unknown';
}

export const targetText = (t: unknown): string => {
  const r = record(t);
  const name = str(r.displayName) || str(r.id);
  return str(r.userPrincipalName) ? `${name} (${str(r.userPrincipalName)})` : name;
};

const RESULT_WORDS: Record<string, string> = { success: 'Success', failure: 'Failure', timeout: 'Timeout' };
export const resultText = (result: string) => RESULT_WORDS[result] ?? result;

/** Sign-in log method names as OIDC amr values, so a sign-in reads as it does on /my. */
const METHOD_AMR: Record<string, string> = {
  Password: 'pwd',
  'Temporary Access Pass': 'tap',
  'OATH verification code': 'otp',
  Passkey: 'fido',
};

/** The methods a sign-in used, in plain words; methods that failed are named after them. */
export function methodsText(s: SignInRecord): string {
  const passed = s.methods.filter((m) => m.succeeded).map((m) => METHOD_AMR[m.method] ?? m.method);
  const failed = s.methods.filter((m) => !m.succeeded).map((m) => m.method);
  if (s.authenticationRequirement === 'multiFactorAuthentication' && s.errorCode === 0) passed.push('mfa');
  const used = passed.length > 0 ? signInMethodsInWords(passed) : 'none';
  return failed.length > 0 ? `${used}; failed: ${failed.join(', ')}` : used;
}

export const signInStatus = (s: SignInRecord) => (s.errorCode === 0 ? 'Success' : 'Failure');

function field(
  v: LogListView<unknown>,
  key: keyof LogFormValues,
  label: string,
  control: (attrs: string) => string,
): string {
  const invalid = v.invalid?.key === key ? ' aria-invalid="true" aria-describedby="error-message"' : '';
  return `<div><label for="f-${key}">${esc(label)}</label>${control(`id="f-${key}" name="${key}"${invalid}`)}</div>`;
}

const options = (values: readonly [string, string][], chosen: string) =>
  values
    .map(
      ([value, label]) => `<option value="${esc(value)}"${value === chosen ? ' selected' : ''}>${esc(label)}</option>`,
    )
    .join('');

const RESULT_OPTIONS: [string, string][] = [
  ['', 'Any'],
  ['success', 'Success'],
  ['failure', 'Failure'],
];

function filterForm(action: string, label: string, v: LogListView<unknown>, specific: string[]): string {
  const f = v.form;
  const input = (key: keyof LogFormValues, type: string) => (attrs: string) =>
    `<input type="${type}" ${attrs} value="${esc(f[key])}"${type === 'date' ? ' data-local-datetime="tz-offset"' : ''}>`;
  return `<form method="get" action="${action}" class="blade" aria-label="${esc(label)}">
<input type="hidden" name="tzOffset" id="tz-offset" value="${esc(f.tzOffset)}">
<div class="toolbar">
${field(v, 'from', 'From date', input('from', 'date'))}
${field(v, 'to', 'To date', input('to', 'date'))}
${specific.join('\n')}
${field(v, 'result', 'Result', (attrs) => `<select ${attrs}>${options(RESULT_OPTIONS, f.result)}</select>`)}
${field(v, 'correlationId', 'Correlation ID', input('correlationId', 'text'))}
<button type="submit">Apply</button> <a class="button secondary" href="${action}">Reset</a>
</div>
<p class="hint">Dates are in your time zone; the To date counts up to its end.</p>
</form>`;
}

function listing(v: LogListView<unknown>, label: string, head: string[], rows: string[], base: string): string {
  const table =
    rows.length === 0
      ? `<p id="no-entries">${v.invalid ? 'No entries: correct the filter above.' : 'No entries match these filters.'}</p>`
      : `<table class="grid" tabindex="0" aria-label="${esc(label)}">
<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>`;
  const more = v.next
    ? `<p><a class="button secondary" rel="next" href="${base}?${esc(v.next)}">Next page</a></p>`
    : '';
  return `${table}\n${more}`;
}

const invalidBox = (v: LogListView<unknown>) => errorBox(v.invalid && `${v.invalid.field}: ${v.invalid.message}`);

export function auditLogsPage(v: LogListView<DirectoryAuditJson>): string {
  const activity = field(
    v,
    'activity',
    'Activity',
    (attrs) =>
      `<select ${attrs}>${options(
        [['', 'Any'], ...AUDIT_ACTIVITIES.map((a): [string, string] => [a, a])],
        v.form.activity,
      )}</select>`,
  );
  const user = field(
    v,
    'user',
    'User (initiated by or target)',
    (attrs) =>
      `<input type="text" ${attrs} value="${esc(v.form.user)}" placeholder="User principal name" autocomplete="off">`,
  );
  const rows = v.items.map(
    (a) => `<tr>
<td><a href="/admin/audit-logs/${esc(a.id)}">${when(new Date(a.activityDateTime))}</a></td>
<td>${esc(a.loggedByService)} / ${esc(a.category)}</td>
<td>${esc(a.activityDisplayName)}</td>
<td>${esc(resultText(a.result))}</td>
<td>${esc(a.resultReason)}</td>
<td>${esc(initiatorText(a.initiatedBy))}</td>
<td>${esc(a.targetResources.map(targetText).join(', '))}</td>
</tr>`,
  );
  return `${breadcrumb([{ label: 'Home', href: '/admin' }, { label: 'Audit logs' }])}
${invalidBox(v)}
${filterForm('/admin/audit-logs', 'Filter the audit log', v, [user, activity])}
${listing(
  v,
  'Audit log entries',
  ['Date', 'Service / Category', 'Activity', 'Result', 'Result reason', 'Initiated by', 'Target'],
  rows,
  '/admin/audit-logs',
)}`;
}

export function signInLogsPage(v: LogListView<SignInRecord>): string {
  const user = field(
    v,
    'user',
    'User',
    (attrs) =>
      `<input type="text" ${attrs} value="${esc(v.form.user)}" placeholder="User principal name" autocomplete="off">`,
  );
  const app = field(
    v,
    'app',
    'Application',
    (attrs) =>
      `<input type="text" ${attrs} value="${esc(v.form.app)}" placeholder="Name starts with" autocomplete="off">`,
  );
  const rows = v.items.map(
    (s) => `<tr>
<td><a href="/admin/sign-in-logs/${esc(s.id)}">${when(s.createdAt)}</a></td>
<td>${esc(s.userDisplayName ?? '')}${s.userPrincipalName ? ` (${esc(s.userPrincipalName)})` : ''}</td>
<td>${esc(s.appDisplayName ?? '')}</td>
<td>${signInStatus(s)}</td>
<td>${s.errorCode === 0 ? '' : `${esc(s.failureReason ?? '')} (error ${s.errorCode})`}</td>
<td>${esc(methodsText(s))}</td>
<td>${esc(s.ipAddress ?? '')}</td>
</tr>`,
  );
  return `${breadcrumb([{ label: 'Home', href: '/admin' }, { label: 'Sign-in logs' }])}
${invalidBox(v)}
${filterForm('/admin/sign-in-logs', 'Filter the sign-in log', v, [user, app])}
${listing(
  v,
  'Sign-in log entries',
  ['Date', 'User', 'Application', 'Status', 'Failure reason', 'Authentication methods', 'IP address'],
  rows,
  '/admin/sign-in-logs',
)}`;
}
