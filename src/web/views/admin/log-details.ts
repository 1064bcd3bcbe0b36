// One log entry in full (an audit entry with its targets, modified properties and additional details; a sign-in with
// each method it tried), and a user's Temporary Access Pass history built from both logs.

import type { DirectoryAuditJson, SignInRecord } from '../../../services/audit-logs.js';
import { PASS_RETIRED, type PassHistory } from '../../../services/pass-history.js';
import { esc } from '../html.js';
import { breadcrumb } from './layout.js';
import { initiatorText, methodsText, resultText, signInStatus, targetText } from './logs.js';
import { when } from './users.js';

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Graph encodes modified values as JSON strings; shown decoded when they are a plain JSON string. */
function decoded(value: unknown): string {
  const s = str(value);
  try {
    const parsed: unknown = JSON.parse(s);
    return typeof parsed === 'string' ? parsed : s;
  } catch {
    return s;
  }
}

const details = (rows: [string, string][]) =>
  `<dl class="details">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;

const table = (label: string, head: string[], rows: string[][]) =>
  `<table class="grid" tabindex="0" aria-label="${esc(label)}">
<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody>
</table>`;

function initiatorDetails(initiatedBy: unknown): string {
  const user = record(record(initiatedBy).user);
  const app = record(record(initiatedBy).app);
  const rows: [string, string][] = [['Name', esc(initiatorText(initiatedBy))]];
  if (user.id) rows.push(['User ID', esc(str(user.id))]);
  if (user.ipAddress) rows.push(['IP address', esc(str(user.ipAddress))]);
  if (app.appId) rows.push(['App ID', esc(str(app.appId))]);
  if (app.servicePrincipalName) rows.push(['Service principal name', esc(str(app.servicePrincipalName))]);
  return details(rows);
}

function targetSection(t: unknown, i: number): string {
  const r = record(t);
  const modified = list(r.modifiedProperties).map(record);
  const props =
    modified.length === 0
      ? '<p class="hint">No modified properties.</p>'
      : table(
          `Modified properties of ${targetText(t)}`,
          ['Property', 'Old value', 'New value'],
          modified.map((p) => [esc(str(p.displayName)), esc(decoded(p.oldValue)), esc(decoded(p.newValue))]),
        );
  return `<section class="blade" aria-labelledby="target-${i}"><h3 id="target-${i}">${esc(targetText(t))}</h3>
${details([
  ['Type', esc(str(r.type))],
  ['ID', esc(str(r.id))],
  ['User principal name', esc(str(r.userPrincipalName))],
])}
${props}</section>`;
}

export function auditDetailPage(a: DirectoryAuditJson): string {
  const extra = list(a.additionalDetails).map(record);
  return `${breadcrumb([
    { label: 'Home', href: '/admin' },
    { label: 'Audit logs', href: '/admin/audit-logs' },
    { label: a.activityDisplayName },
  ])}
<section class="blade" aria-labelledby="activity"><h2 id="activity">Activity</h2>
${details([
  ['Date', when(new Date(a.activityDateTime))],
  ['Activity', esc(a.activityDisplayName)],
  ['Service', esc(a.loggedByService)],
  ['Category', esc(a.category)],
  ['Operation type', esc(a.operationType)],
  ['Result', `<span id="result">${esc(resultText(a.result))}</span>`],
  ['Result reason', esc(a.resultReason)],
  ['Correlation ID', `<span id="correlation-id">${esc(a.correlationId)}</span>`],
  ['Audit ID', esc(a.id)],
])}</section>
<section class="blade" aria-labelledby="initiated-by"><h2 id="initiated-by">Initiated by</h2>${initiatorDetails(a.initiatedBy)}</section>
<h2 id="targets">Target resources</h2>
${a.targetResources.length === 0 ? '<p>None.</p>' : a.targetResources.map(targetSection).join('\n')}
<h2 id="additional-details">Additional details</h2>
${
  extra.length === 0
    ? '<p>None.</p>'
    : table(
        'Additional details',
        ['Key', 'Value'],
        extra.map((d) => [esc(str(d.key)), esc(str(d.value))]),
      )
}
<p><a href="/admin/audit-logs">Back to Audit logs</a></p>`;
}

export function signInDetailPage(s: SignInRecord): string {
  return `${breadcrumb([
    { label: 'Home', href: '/admin' },
    { label: 'Sign-in logs', href: '/admin/sign-in-logs' },
    { label: 'Sign-in' },
  ])}
<section class="blade" aria-labelledby="basic-info"><h2 id="basic-info">Basic info</h2>
${details([
  ['Date', when(s.createdAt)],
  ['Request ID', esc(s.id)],
  ['Correlation ID', `<span id="correlation-id">${esc(s.correlationId)}</span>`],
  ['User', esc(`${s.userDisplayName ?? ''}${s.userPrincipalName ? ` (${s.userPrincipalName})` : ''}`)],
  ['User ID', esc(s.userId ?? '')],
  ['Application', esc(s.appDisplayName ?? '')],
  ['Application ID', esc(s.appId ?? '')],
  ['Status', `<span id="status">${signInStatus(s)}</span>`],
  ['Error code', String(s.errorCode)],
  ['Failure reason', esc(s.failureReason ?? '')],
  ['IP address', esc(s.ipAddress ?? '')],
  ['Client app', esc(s.clientAppUsed)],
  ['User agent', esc(s.userAgent ?? '')],
  ['Interactive', s.isInteractive ? 'Yes' : 'No'],
])}</section>
<section class="blade" aria-labelledby="authentication"><h2 id="authentication">Authentication details</h2>
${details([
  ['Methods', esc(methodsText(s))],
  [
    'Requirement',
    s.authenticationRequirement === 'multiFactorAuthentication'
      ? 'Multi-factor authentication'
      : 'Single-factor authentication',
  ],
  ['Conditional Access', esc(s.conditionalAccessStatus)],
])}
${
  s.methods.length === 0
    ? ''
    : table(
        'Authentication steps',
        ['Method', 'Succeeded', 'Detail'],
        s.methods.map((m) => [esc(m.method), m.succeeded ? 'Yes' : 'No', esc(m.detail ?? '')]),
      )
}</section>
<p><a href="/admin/sign-in-logs">Back to Sign-in logs</a></p>`;
}

/** A pass's entry's property (the pass's id, its validity), from the target that is the user. */
function passProperty(a: DirectoryAuditJson, name: string): string {
  for (const t of a.targetResources)
    for (const p of list(record(t).modifiedProperties).map(record))
      if (p.displayName === name) return decoded(a.activityDisplayName.includes('deleted') ? p.oldValue : p.newValue);
  return '';
}

interface HistoryRow {
  at: Date;
  html: string;
}

export function passHistoryPage(h: PassHistory): string {
  const userPath = `/admin/users/${esc(h.user.id)}`;
  const changes: HistoryRow[] = h.changes.map((a) => {
    const created = a.activityDisplayName.includes('registered');
    const until = passProperty(a, 'TemporaryAccessPass.EndDateTime');
    const usage = passProperty(a, 'TemporaryAccessPass.AccessPassUsage');
    const detail = created
      ? `Valid from ${when(new Date(passProperty(a, 'TemporaryAccessPass.StartDateTime')))}${until ? ` until ${when(new Date(until))}` : ''}${usage === 'OneTime' ? ', one-time use' : ''}`
      : esc(a.resultReason);
    const at = new Date(a.activityDateTime);
    const change = created
      ? 'Created'
      : a.activityDisplayName === PASS_RETIRED
        ? 'Retired after registration'
        : 'Deleted';
    return {
      at,
      html: `<td><a href="/admin/audit-logs/${esc(a.id)}">${when(at)}</a></td><td>${change}</td><td>${esc(initiatorText(a.initiatedBy))}</td><td>${detail}</td>`,
    };
  });
  const uses: HistoryRow[] = h.uses.map((s) => ({
    at: s.createdAt,
    html: `<td><a href="/admin/sign-in-logs/${esc(s.id)}">${when(s.createdAt)}</a></td><td>Used to sign in</td><td>${esc(s.userPrincipalName ?? '')}</td><td>From ${esc(s.ipAddress ?? 'an unknown address')} to ${esc(s.appDisplayName ?? 'an unknown app')} (${signInStatus(s).toLowerCase()}, ${esc(methodsText(s))})</td>`,
  }));
  const rows = [...changes, ...uses].sort((x, y) => x.at.getTime() - y.at.getTime());
  const body =
    rows.length === 0
      ? '<p id="no-entries">No Temporary Access Pass was created for this user in the logs.</p>'
      : `<table class="grid" tabindex="0" aria-label="Temporary Access Pass history of ${esc(h.user.displayName)}">
<thead><tr><th scope="col">Date</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">Details</th></tr></thead>
<tbody>${rows.map((r) => `<tr>${r.html}</tr>`).join('\n')}</tbody>
</table>`;
  return `${breadcrumb([
    { label: 'Home', href: '/admin' },
    { label: 'Users', href: '/admin/users' },
    { label: h.user.displayName, href: userPath },
    { label: 'Temporary Access Pass history' },
  ])}
<p class="hint">From the audit log (passes created and deleted) and the sign-in log (sign-ins that accepted a pass), oldest first.</p>
${h.truncated ? '<div class="notice" role="note"><p>The history is long: only its first entries are shown. The logs hold the rest.</p></div>' : ''}
${body}
<p><a href="${userPath}/authentication-methods">Back to Authentication methods</a></p>`;
}
