// Security info › Add an authenticator app: the QR code and the key in text, then one code to confirm (plain HTML,
// no script: the QR code is a data: image, which the CSP allows).

import { groupedKey } from '../../domain/totp.js';
import { errorSummary, esc, layout } from './html.js';

export interface AuthenticatorAppPageView {
  /** A data: URL of the QR code's PNG. */
  qrDataUrl: string;
  secretBase32: string;
  /** The account and issuer the app will show, for typing the key in by hand. */
  accountName: string;
  issuer: string;
  /** The sealed pending registration the form carries back. */
  pending: string;
  csrf: string;
  displayName: string;
  /** Until when this setup may be confirmed. */
  /** Whole minutes until the key expires (rounded up): a span, so that no clock time needs the viewer's zone. */
  minutesLeft: number;
  error?: { message: string; field?: 'code' | 'displayName' };
}

const minutes = (n: number) => (n === 1 ? '1 minute' : `${n} minutes`);

export function authenticatorAppPage(v: AuthenticatorAppPageView): string {
  const field = v.error?.field;
  const invalid = (name: 'code' | 'displayName', hint: string) =>
    field === name ? ` aria-invalid="true" aria-describedby="error-summary ${hint}"` : ` aria-describedby="${hint}"`;
  return layout(
    'Set up your authenticator app',
    `${errorSummary(v.error?.message, field)}
<ol>
<li>Install an authenticator app on your phone, such as Microsoft Authenticator, if you have none.</li>
<li>In the app, add an account (choose "Other account" if asked) and scan this QR code.</li>
<li>Enter the 6-digit code the app then shows.</li>
</ol>
<figure id="authenticator-qr-figure">
<img id="authenticator-qr" src="${esc(v.qrDataUrl)}" width="200" height="200" alt="QR code to scan with your authenticator app. If you cannot scan it, type the key shown below.">
<figcaption class="hint">Can't scan it? In the app, enter the key by hand.</figcaption>
</figure>
<dl class="details" aria-label="Details to enter by hand">
<dt>Key</dt><dd><code id="authenticator-secret">${esc(groupedKey(v.secretBase32))}</code></dd>
<dt>Account</dt><dd id="authenticator-account">${esc(v.accountName)}</dd>
<dt>Issuer</dt><dd>${esc(v.issuer)}</dd>
<dt>Type</dt><dd>Time based, 6 digits, every 30 seconds</dd>
</dl>
<p class="hint" id="authenticator-time-left">The key is shown only while you set up the app: finish within ${esc(minutes(v.minutesLeft))}.</p>
<form method="post" action="/my/security-info/authenticator-app" novalidate>
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="pending" value="${esc(v.pending)}">
<label for="code">Code</label>
<p class="hint" id="code-hint">The 6-digit code your authenticator app shows for this account.</p>
<input type="text" id="code" name="code" inputmode="numeric" pattern="[0-9 ]*" maxlength="8" autocomplete="one-time-code" required${field === 'code' ? ' autofocus' : ''}${invalid('code', 'code-hint')}>
<label for="displayName">Name</label>
<p class="hint" id="displayName-hint">How this app is listed in your security info.</p>
<input type="text" id="displayName" name="displayName" maxlength="64" required value="${esc(v.displayName)}"${field === 'displayName' ? ' autofocus' : ''}${invalid('displayName', 'displayName-hint')}>
<button type="submit" id="authenticator-save">Save</button>
</form>
<p><a href="/my/security-info">Cancel and go back to security info</a></p>`,
  );
}
