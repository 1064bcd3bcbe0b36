// Security info pages for passkeys: create one (the browser's WebAuthn prompt, started by /assets/webauthn/passkey.js)
// and rename one.

import { PASSKEY_NAME_MAX_LENGTH } from '../../services/passkeys.js';
import { errorSummary, esc, layout } from './html.js';

const SCRIPTS = `<script src="/assets/webauthn/simplewebauthn-browser.js" defer></script>
<script src="/assets/webauthn/passkey.js" defer></script>`;

export interface AddPasskeyView {
  csrf: string;
  /** Until when this session may add methods (the method-change window). */
  until: Date | undefined;
  displayName?: string;
  error?: string;
  /** The field the error is about. */
  errorField?: 'displayName' | 'credential';
}

export function addPasskeyPage(v: AddPasskeyView): string {
  const nameInvalid = v.error && v.errorField === 'displayName';
  const describedBy = nameInvalid ? 'error-summary passkey-name-hint' : 'passkey-name-hint';
  return layout(
    'Add a passkey',
    `${errorSummary(v.error, v.errorField === 'displayName' ? 'passkey-name' : 'passkey-start')}
<p>A passkey signs you in with this device's screen lock (PIN, fingerprint or face) or with a security key, without a password or code.</p>
${v.until ? `<p class="hint" id="method-change-until">You can add it until ${esc(v.until.toISOString())}.</p>` : ''}
<form method="post" action="/my/security-info/passkey" id="passkey-form" data-options-url="/my/security-info/passkey/options" data-mode="register">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<input type="hidden" name="credential" id="passkey-credential" value="">
<label for="passkey-name">Name</label>
<p class="hint" id="passkey-name-hint">So you can tell your passkeys apart, for example "Work laptop". At most ${PASSKEY_NAME_MAX_LENGTH} characters.</p>
<input type="text" id="passkey-name" name="displayName" maxlength="${PASSKEY_NAME_MAX_LENGTH}" autocomplete="off" aria-describedby="${describedBy}"${nameInvalid ? ' aria-invalid="true"' : ''} value="${esc(v.displayName ?? '')}" autofocus>
<button type="button" id="passkey-start">Create passkey</button>
<p role="alert" id="passkey-error" class="error-text" hidden></p>
</form>
<noscript><p role="alert">Creating a passkey needs JavaScript. Turn it on, or add an authenticator app instead.</p></noscript>
<p><a href="/my/security-info">Back to security info</a></p>
${SCRIPTS}`,
  );
}

export interface RenamePasskeyView {
  csrf: string;
  id: string;
  displayName: string;
  error?: string;
}

export function renamePasskeyPage(v: RenamePasskeyView): string {
  const invalid = v.error ? ' aria-invalid="true" aria-describedby="error-summary"' : '';
  return layout(
    'Rename passkey',
    `${errorSummary(v.error, 'passkey-name')}
<form method="post" action="/my/security-info/passkey/${esc(encodeURIComponent(v.id))}/rename">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<label for="passkey-name">Name</label>
<input type="text" id="passkey-name" name="displayName" maxlength="${PASSKEY_NAME_MAX_LENGTH}" autocomplete="off" required value="${esc(v.displayName)}"${invalid} autofocus>
<button type="submit">Save</button>
</form>
<p><a href="/my/security-info">Back to security info</a></p>`,
  );
}
