// The signed-in user's own pages (/my).

import type { TapView } from '../../services/temporary-access-passes.js';
import { passEndsAt } from '../../domain/tap/pass.js';
import { esc, layout } from './html.js';

export interface MyView {
  displayName: string;
  userPrincipalName: string;
  hasPassword: boolean;
  amr: string[];
  authTime: Date;
  csrf: string;
}

export function myHomePage(v: MyView): string {
  return layout('My account', `<p>Signed in as <strong id="display-name">${esc(v.displayName)}</strong></p>
<dl class="details">
<dt>User principal name</dt><dd id="upn">${esc(v.userPrincipalName)}</dd>
<dt>Signed in</dt><dd>${esc(v.authTime.toISOString())} with ${esc(v.amr.join(', '))}</dd>
</dl>
<h2 id="security-info">Security info</h2>
<p class="hint">The methods you use to sign in.</p>
<ul aria-labelledby="security-info">
<li>Password: <span id="method-password">${v.hasPassword ? 'yes' : 'no'}</span></li>
</ul>
<p><a href="/my/security-info">Manage your security info</a></p>
<form method="post" action="/my/signout">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" class="secondary">Sign out</button>
</form>`);
}

export interface SecurityInfoView {
  displayName: string;
  hasPassword: boolean;
  passwordChangedAt: Date | null;
  pass: TapView | undefined;
  signedInWithPass: boolean;
  /** Set after a one-time pass sign-in: new methods must be registered before this instant. */
  registerUntil: Date | undefined;
  now: Date;
  csrf: string;
}

const REASONS: Record<string, string> = {
  EnabledByPolicy: 'usable',
  NotYetValid: 'not valid yet',
  Expired: 'expired',
  OneTimeUsed: 'used (one-time)',
  DisabledByPolicy: 'blocked by policy',
};

function passRow(v: SecurityInfoView): string {
  if (!v.pass) return '';
  const p = v.pass.pass;
  return `<tr id="method-tap">
<th scope="row">Temporary Access Pass</th>
<td>Valid from ${esc(p.startAt.toISOString())} until ${esc(passEndsAt(p).toISOString())}; ${p.isUsableOnce ? 'one-time' : 'multi-use'};
<span id="tap-status">${esc(REASONS[v.pass.usability.methodUsabilityReason] ?? v.pass.usability.methodUsabilityReason)}</span></td>
<td><form method="post" action="/my/security-info/temporary-access-pass/delete">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" class="secondary" aria-label="Delete Temporary Access Pass">Delete</button>
</form></td>
</tr>`;
}

export function securityInfoPage(v: SecurityInfoView): string {
  const onlyPass = !v.hasPassword;
  const windowClosed = v.registerUntil !== undefined && v.now.getTime() >= v.registerUntil.getTime();
  const banner = !v.signedInWithPass
    ? ''
    : windowClosed
      ? `<div class="notice" role="status" id="registration-window"><p>The 10 minutes to add a sign-in method after a one-time Temporary Access Pass have passed. Ask your helpdesk for a new pass to add one.</p></div>`
      : `<div class="notice" role="status" id="registration-window"><p>You signed in with a Temporary Access Pass. Add a sign-in method you keep, such as an authenticator app or a passkey${
          v.registerUntil ? `, before ${esc(v.registerUntil.toISOString())} (your pass was one-time)` : ''
        }. Adding methods arrives in a coming release; until then your helpdesk can issue you another pass.</p></div>`;
  return layout('Security info', `${banner}
<p>These are the methods you use to sign in to your account, ${esc(v.displayName)}.</p>
<table class="methods" aria-label="Your sign-in methods">
<thead><tr><th scope="col">Method</th><th scope="col">Details</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
<tr id="method-password"><th scope="row">Password</th><td>${v.hasPassword ? `Set${v.passwordChangedAt ? `, last changed ${esc(v.passwordChangedAt.toISOString())}` : ''}` : 'None'}</td><td></td></tr>
${passRow(v)}
</tbody>
</table>
${onlyPass && !v.pass ? '<p role="status">You have no sign-in method left. Ask your helpdesk for a Temporary Access Pass.</p>' : ''}
<p><a href="/my">Back to my account</a></p>`);
}

export interface ReauthenticateView {
  reason: 'notMultiFactor' | 'stale';
  returnTo: string;
  csrf: string;
  windowMinutes: number;
}

/** Shown instead of a method change when the session is too old or was not multi-factor. */
export function reauthenticatePage(v: ReauthenticateView): string {
  const why =
    v.reason === 'stale'
      ? `To add or delete a sign-in method, you must have signed in with a second factor in the last ${v.windowMinutes} minutes.`
      : 'You signed in with your password only. To add or delete a sign-in method, sign in again with a second factor; if you have none, ask your helpdesk for a Temporary Access Pass.';
  return layout('Sign in again', `<p role="alert" id="reauthenticate-reason">${esc(why)}</p>
<form method="post" action="/my/reauthenticate">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="returnTo" value="${esc(v.returnTo)}">
<button type="submit" id="reauthenticate">Sign in again</button>
</form>
<p><a href="/my/security-info">Back to security info</a></p>`);
}
