// The signed-in user's own pages (/my): the account page, Security info and its confirmation and password pages.

import { passEndsAt } from '../../domain/tap/pass.js';
import type { AuthenticationMethods } from '../../services/authentication-methods.js';
import { errorSummary, esc, layout } from './html.js';

export interface MyView {
  displayName: string;
  userPrincipalName: string;
  methods: AuthenticationMethods;
  amr: string[];
  authTime: Date;
  csrf: string;
  /** "This wasn't me" notices the user can still dispute (already-rendered HTML section; empty when none). */
  notices?: string;
}

/** A date as people read it, with the exact instant for machines and screen readers' "more info". */
const when = (d: Date | null | undefined): string =>
  d
    ? `<time datetime="${esc(d.toISOString())}">${esc(d.toISOString().slice(0, 16).replace('T', ' '))} UTC</time>`
    : 'never';

/** What a sign-in used (OIDC amr values), in the words people use. */
const AMR_WORDS: Record<string, string> = {
  pwd: 'password',
  tap: 'Temporary Access Pass',
  otp: 'authenticator app code',
  fido: 'passkey',
  hwk: 'passkey',
  swk: 'passkey',
  mfa: 'multi-factor authentication',
};

export function signInMethodsInWords(amr: readonly string[]): string {
  const multiFactor = amr.includes('mfa');
  const words = [...new Set(amr.filter((v) => v !== 'mfa').map((v) => AMR_WORDS[v] ?? v))];
  if (words.length === 0) return multiFactor ? 'multi-factor authentication' : 'unknown';
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0]!;
  return multiFactor ? `${list} (multi-factor)` : list;
}

const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;

export function myHomePage(v: MyView): string {
  return layout(
    'My account',
    `<p>Signed in as <strong id="display-name">${esc(v.displayName)}</strong></p>
<dl class="details">
<dt>User principal name</dt><dd id="upn">${esc(v.userPrincipalName)}</dd>
<dt>Signed in</dt><dd>${when(v.authTime)} with ${esc(signInMethodsInWords(v.amr))}</dd>
</dl>
${v.notices ?? ''}
<h2 id="security-info">Security info</h2>
<p class="hint">The methods you use to sign in.</p>
<ul aria-labelledby="security-info">
<li>Password: <span id="method-password">${v.methods.password ? 'yes' : 'no'}</span></li>
<li>Authenticator apps: <span id="method-apps">${v.methods.apps.length}</span></li>
<li>Passkeys: <span id="method-passkeys">${v.methods.passkeys.length}</span></li>
<li>Email for notices: <span id="method-email">${v.methods.email ? esc(v.methods.email.emailAddress) : 'none'}</span></li>
${v.methods.pass ? `<li>Temporary Access Pass: <span id="method-tap">${esc(REASONS[v.methods.pass.usability.methodUsabilityReason] ?? '')}</span></li>` : ''}
</ul>
<p><a href="/my/security-info">Manage your security info</a></p>
<form method="post" action="/my/signout">
${csrfField(v.csrf)}
<button type="submit" class="secondary">Sign out</button>
</form>`,
    { wide: true },
  );
}

export interface SecurityInfoView {
  displayName: string;
  methods: AuthenticationMethods;
  signedInWithPass: boolean;
  /** The pass of this sign-in is for setting up methods only: the user's apps open once one is added. */
  setupOnly?: boolean;
  /** Set after a one-time pass sign-in: new methods must be registered before this instant. */
  registerUntil: Date | undefined;
  /** Until when this session may add or delete methods; undefined when it may not (it must sign in again). */
  canChangeUntil: Date | undefined;
  /** A retry-tolerant one-time pass's session: when its registration window ends (the countdown). */
  finishSetUpBy?: Date | undefined;
  now: Date;
  csrf: string;
  /** What the last change did, for the success message (a query parameter of the redirect after it). */
  outcome?: SecurityInfoOutcome | undefined;
}

const PASS_RETIRED = 'Your Temporary Access Pass is no longer needed and has been removed.';

/** The changes Security info confirms after its redirect, and the words it confirms them with. */
export const SECURITY_INFO_OUTCOMES = {
  'authenticator-app-added': 'Authenticator app added. You can use it to sign in from now on.',
  'passkey-added': 'Passkey added. You can use it to sign in from now on.',
  'authenticator-app-added-pass-retired': `Authenticator app added. You can use it to sign in from now on. ${PASS_RETIRED}`,
  'passkey-added-pass-retired': `Passkey added. You can use it to sign in from now on. ${PASS_RETIRED}`,
  'passkey-renamed': 'Passkey renamed.',
  'email-added': 'Email verified. Notices about Temporary Access Passes issued for you will be sent there.',
  'method-deleted': 'Sign-in method deleted.',
  'password-changed': 'Password changed.',
} as const;
export type SecurityInfoOutcome = keyof typeof SECURITY_INFO_OUTCOMES;

export function securityInfoOutcomeOf(raw: unknown): SecurityInfoOutcome | undefined {
  return typeof raw === 'string' && Object.hasOwn(SECURITY_INFO_OUTCOMES, raw)
    ? (raw as SecurityInfoOutcome)
    : undefined;
}

const REASONS: Record<string, string> = {
  EnabledByPolicy: 'usable',
  NotYetValid: 'not valid yet',
  Expired: 'expired',
  OneTimeUsed: 'used (one-time)',
  DisabledByPolicy: 'blocked by policy',
};

const deleteLink = (kind: string, id: string, name: string) =>
  `<a href="/my/security-info/${esc(kind)}/${esc(id)}/delete" class="button secondary" aria-label="Delete ${esc(name)}">Delete</a>`;

function rows(v: SecurityInfoView): string {
  const { password, pass, apps, passkeys, email } = v.methods;
  const out: string[] = [];
  out.push(`<tr id="method-password"><th scope="row">Password</th><td>${password ? `Last changed ${when(password.changedAt)}` : 'None'}</td>
<td>${password ? '<a href="/my/security-info/password" aria-label="Change password">Change</a>' : ''}</td></tr>`);
  if (pass) {
    const p = pass.pass;
    out.push(`<tr id="method-tap"><th scope="row">Temporary Access Pass</th>
<td>Valid from ${when(p.startAt)} until ${when(passEndsAt(p))}; ${p.isUsableOnce ? 'one-time' : 'multi-use'};
<span id="tap-status">${esc(REASONS[pass.usability.methodUsabilityReason] ?? pass.usability.methodUsabilityReason)}</span></td>
<td>${deleteLink('temporaryAccessPass', p.id, 'Temporary Access Pass')}</td></tr>`);
  }
  for (const a of apps)
    out.push(`<tr id="method-app-${esc(a.id)}" class="method-app"><th scope="row">Authenticator app</th>
<td><span class="method-name">${esc(a.displayName)}</span>; added ${when(a.createdAt)}; last used ${when(a.lastUsedAt)}</td>
<td>${deleteLink('authenticatorApp', a.id, a.displayName)}</td></tr>`);
  for (const k of passkeys)
    out.push(`<tr id="method-passkey-${esc(k.id)}" class="method-passkey"><th scope="row">Passkey</th>
<td><span class="method-name">${esc(k.displayName)}</span>; ${k.deviceType === 'multiDevice' ? 'synced' : 'on one device'}; created ${when(k.createdAt)}; last used ${when(k.lastUsedAt)}</td>
<td><a href="/my/security-info/passkey/${esc(k.id)}/rename" aria-label="Rename ${esc(k.displayName)}">Rename</a> ${deleteLink('passkey', k.id, k.displayName)}</td></tr>`);
  if (email)
    out.push(`<tr id="method-email"><th scope="row">Email</th>
<td><span class="method-name">${esc(email.emailAddress)}</span>; for notices about passes issued for you</td>
<td><a href="/my/security-info/email" aria-label="Change email">Change</a> ${deleteLink('email', email.id, 'email')}</td></tr>`);
  return out.join('\n');
}

function banner(v: SecurityInfoView): string {
  const success = v.outcome
    ? `<div class="success" role="status" id="security-info-outcome"><p>${esc(SECURITY_INFO_OUTCOMES[v.outcome])}</p></div>`
    : '';
  const setupOnly = v.setupOnly
    ? '<div class="notice" role="note" id="setup-only"><p>Your Temporary Access Pass is for setting up sign-in methods: your other apps open once you have added an authenticator app or a passkey here.</p></div>'
    : '';
  return success + setupOnly + passNotice(v);
}

/** After a pass sign-in, the reminder to add a method the user keeps, until they have one. */
function passNotice(v: SecurityInfoView): string {
  const keeps = v.methods.apps.length > 0 || v.methods.passkeys.length > 0;
  if (!v.signedInWithPass || keeps) return '';
  const windowClosed = v.registerUntil !== undefined && v.now.getTime() >= v.registerUntil.getTime();
  if (windowClosed)
    return v.finishSetUpBy
      ? `<div class="notice" role="status" id="registration-window"><p>The time to add a sign-in method with your one-time Temporary Access Pass has run out. Ask your helpdesk for a new pass to add one.</p></div>`
      : `<div class="notice" role="status" id="registration-window"><p>The 10 minutes to add a sign-in method after a one-time Temporary Access Pass have passed. Ask your helpdesk for a new pass to add one.</p></div>`;
  if (v.finishSetUpBy) {
    // Rounded up, so the last minute still reads "1 minute".
    const minutes = Math.max(1, Math.ceil((v.finishSetUpBy.getTime() - v.now.getTime()) / 60_000));
    return `<div class="notice" role="status" id="registration-window"><p>You signed in with a one-time Temporary Access Pass. You have ${minutes} minute${minutes === 1 ? '' : 's'} left to finish setting up: add an authenticator app or a passkey before ${when(v.finishSetUpBy)}. If the browser closes or a prompt fails, sign in again with the same pass until then.</p></div>`;
  }
  return `<div class="notice" role="status" id="registration-window"><p>You signed in with a Temporary Access Pass. Add a sign-in method you keep, such as an authenticator app or a passkey${
    v.registerUntil ? `, before ${when(v.registerUntil)} (your pass was one-time)` : ''
  }.</p></div>`;
}

export function securityInfoPage(v: SecurityInfoView): string {
  const { password, pass, apps, passkeys } = v.methods;
  const nothingLeft = !password && !pass && apps.length === 0 && passkeys.length === 0;
  const changeHint = v.canChangeUntil
    ? `<p class="hint" id="change-window">You can add or delete methods until ${when(v.canChangeUntil)}.</p>`
    : '<p class="hint" id="change-window">To add or delete a method you will be asked to sign in again with a second factor.</p>';
  return layout(
    'Security info',
    `${banner(v)}
<p>These are the methods you use to sign in to your account, ${esc(v.displayName)}.</p>
<h2 id="add-method">Add sign-in method</h2>
${changeHint}
<ul aria-labelledby="add-method" class="choices">
<li><a href="/my/security-info/authenticator-app" id="add-authenticator-app">Authenticator app</a> — a 6-digit code from an app such as Microsoft Authenticator</li>
<li><a href="/my/security-info/passkey" id="add-passkey">Passkey</a> — this device's screen lock, a phone or a security key</li>
${v.methods.email ? '' : `<li><a href="/my/security-info/email" id="add-email">Email</a> — where Gatepass tells you when a Temporary Access Pass is issued for you (not a way to sign in)</li>`}
</ul>
<h2 id="your-methods">Your sign-in methods</h2>
<table class="methods" aria-labelledby="your-methods">
<thead><tr><th scope="col">Method</th><th scope="col">Details</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${rows(v)}
</tbody>
</table>
${nothingLeft ? '<p role="status">You have no sign-in method left. Ask your helpdesk for a Temporary Access Pass.</p>' : ''}
<h2 id="sessions">Sessions</h2>
<form method="post" action="/my/security-info/sign-out-everywhere">
${csrfField(v.csrf)}
<p class="hint" id="sign-out-everywhere-hint">Signs you out of every browser and app, here too. Use it if you lost a device.</p>
<button type="submit" class="secondary" aria-describedby="sign-out-everywhere-hint">Sign out everywhere</button>
</form>
<p><a href="/my">Back to my account</a></p>`,
    { wide: true },
  );
}

export interface DeletableMethod {
  kind: 'temporaryAccessPass' | 'authenticatorApp' | 'passkey' | 'email';
  id: string;
  name: string;
}

const KIND_NAMES: Record<DeletableMethod['kind'], string> = {
  temporaryAccessPass: 'Temporary Access Pass',
  authenticatorApp: 'authenticator app',
  passkey: 'passkey',
  email: 'email',
};

/** "Delete this method?" — with a plain warning when nothing else would allow a multi-factor sign-in. */
export function confirmDeletePage(v: { method: DeletableMethod; lastMultiFactor: boolean; csrf: string }): string {
  const { method } = v;
  const label =
    method.kind === 'temporaryAccessPass'
      ? 'your Temporary Access Pass'
      : method.kind === 'email'
        ? `your email “${method.name}”`
        : `the ${KIND_NAMES[method.kind]} “${method.name}”`;
  const warning = v.lastMultiFactor
    ? `<div class="error-summary" role="alert" id="last-method-warning"><p><strong>This is your last method for multi-factor sign-in.</strong> Once it is deleted you cannot complete a sign-in that needs a second factor until you add another method — or your helpdesk gives you a Temporary Access Pass.</p></div>`
    : '';
  const passNote =
    method.kind === 'temporaryAccessPass'
      ? '<p>Deleting the pass also signs you out of every session you started with it, this one included.</p>'
      : method.kind === 'email'
        ? '<p>Notices about passes issued for you are then shown on your account page only.</p>'
        : '';
  return layout(
    'Delete sign-in method',
    `${warning}
<p>Do you want to delete ${esc(label)}?</p>
${passNote}
<form method="post" action="/my/security-info/${esc(method.kind)}/${esc(method.id)}/delete">
${csrfField(v.csrf)}
<button type="submit" id="confirm-delete">Delete</button>
</form>
<p><a href="/my/security-info" id="cancel-delete">Cancel</a></p>`,
  );
}

export function changePasswordPage(v: {
  csrf: string;
  hasPassword: boolean;
  error?: { field: string; message: string };
}): string {
  if (!v.hasPassword)
    return layout(
      'Change password',
      '<p>Your account has no password: you sign in with your other methods.</p><p><a href="/my/security-info">Back to security info</a></p>',
    );
  const invalid = (field: string) =>
    v.error?.field === field ? ' aria-invalid="true" aria-describedby="error-summary"' : '';
  return layout(
    'Change password',
    `${errorSummary(v.error?.message, v.error?.field)}
<form method="post" action="/my/security-info/password" novalidate>
${csrfField(v.csrf)}
<label for="currentPassword">Current password</label>
<input type="password" id="currentPassword" name="currentPassword" autocomplete="current-password" required autofocus${invalid('currentPassword')}>
<p class="hint" id="password-rules">At least 8 characters. Long passphrases are welcome; common passwords are refused.</p>
<label for="newPassword">New password</label>
<input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required aria-describedby="password-rules"${invalid('newPassword')}>
<label for="confirmPassword">Confirm new password</label>
<input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" required${invalid('confirmPassword')}>
<button type="submit">Change password</button>
</form>
<p><a href="/my/security-info">Cancel</a></p>`,
  );
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
  return layout(
    'Sign in again',
    `<p role="alert" id="reauthenticate-reason">${esc(why)}</p>
<form method="post" action="/my/reauthenticate">
${csrfField(v.csrf)}
<input type="hidden" name="returnTo" value="${esc(v.returnTo)}">
<button type="submit" id="reauthenticate">Sign in again</button>
</form>
<p><a href="/my/security-info">Back to security info</a></p>`,
  );
}
