// The sign-in forms: plain HTML that works without JavaScript, labelled for screen readers.

import type { FactorMethod } from '../../domain/signin/types.js';
import { type ErrorFacts, foldedErrorDetails } from './error-page.js';
import { errorSummary, esc, layout } from './html.js';

export interface FormContext {
  uid: string;
  csrf: string;
  clientName: string;
  /** The sign-in log's row of a step just refused (wrong password, pass, code or passkey), for the helpdesk. */
  trouble?: ErrorFacts;
}

const hidden = (f: FormContext, action: string) =>
  `<input type="hidden" name="csrf" value="${esc(f.csrf)}"><input type="hidden" name="action" value="${esc(action)}">`;

export function usernamePage(f: FormContext, opts: { error?: string; username?: string } = {}): string {
  const invalid = opts.error ? ' aria-invalid="true" aria-describedby="error-summary"' : '';
  return layout(
    'Sign in',
    `${errorSummary(opts.error, 'username')}
<p class="hint">to continue to ${esc(f.clientName)}</p>
<form method="post" action="/signin/${esc(f.uid)}" novalidate>
${hidden(f, 'username')}
<label for="username">Email or username</label>
<input type="email" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${esc(opts.username ?? '')}"${invalid}>
<button type="submit">Next</button>
</form>
${passkeyFirstPage(f)}
${foldedErrorDetails(f.trouble)}`,
  );
}

/**
 * "Sign in with a passkey" without a username (a discoverable credential names its user). The button stays hidden
 * until the script finds WebAuthn in the browser, so a page without JavaScript shows only the username form.
 */
function passkeyFirstPage(f: FormContext): string {
  return `<section aria-labelledby="passkey-first">
<h2 id="passkey-first" class="visually-hidden">Passkey</h2>
<form method="post" action="/signin/${esc(f.uid)}" id="passkey-form" data-options-url="/signin/${esc(f.uid)}/passkey/options" data-mode="discoverable">
${hidden(f, 'passkeyDiscoverable')}
<input type="hidden" name="credential" id="passkey-credential" value="">
<button type="button" id="passkey-start" class="secondary" hidden>Sign in with a passkey</button>
<p role="alert" id="passkey-error" class="error-text" hidden></p>
</form>
</section>
<script src="/assets/webauthn/simplewebauthn-browser.js" defer></script>
<script src="/assets/webauthn/passkey.js" defer></script>`;
}

/** "Use another account": forget the username and start again. */
const anotherAccount = (f: FormContext) => `<form method="post" action="/signin/${esc(f.uid)}" class="inline">
${hidden(f, 'restart')}
<button type="submit" class="secondary">Use another account</button>
</form>`;

export function passwordPage(f: FormContext, loginName: string, opts: { error?: string } = {}): string {
  const invalid = opts.error ? ' aria-invalid="true" aria-describedby="error-summary"' : '';
  return layout(
    'Enter password',
    `${errorSummary(opts.error, 'password')}
<p>Signing in as <strong id="login-name">${esc(loginName)}</strong></p>
<form method="post" action="/signin/${esc(f.uid)}" novalidate>
${hidden(f, 'password')}
<input type="hidden" name="username" value="${esc(loginName)}" autocomplete="username">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required autofocus${invalid}>
<button type="submit">Sign in</button>
</form>
${anotherAccount(f)}
${foldedErrorDetails(f.trouble)}`,
  );
}

/** The label of each "Sign in another way" choice. */
const OTHER_WAY_LABELS: Record<Exclude<FactorMethod, 'password'>, string> = {
  tap: 'Use a Temporary Access Pass',
  authenticatorApp: 'Use a verification code from my authenticator app',
  passkey: 'Use a passkey',
};

/**
 * The value each choice posts as `method`: the form's published values (lower-case, like the inputs `tap` and `otp`),
 * kept when the internal names changed.
 */
export const OTHER_WAY_VALUES: Record<Exclude<FactorMethod, 'password'>, string> = {
  tap: 'tap',
  authenticatorApp: 'totp',
  passkey: 'passkey',
};

/** The method a posted `method` value names, if any. */
export const methodOfOtherWay = (value: unknown): FactorMethod | undefined =>
  (Object.keys(OTHER_WAY_VALUES) as Exclude<FactorMethod, 'password'>[]).find((m) => OTHER_WAY_VALUES[m] === value);

/** "Sign in another way": one button per other method the pipeline would accept now. */
export function otherWays(f: FormContext, alternatives: readonly FactorMethod[] | undefined): string {
  const choices = (alternatives ?? []).filter((m): m is Exclude<FactorMethod, 'password'> => m !== 'password');
  if (choices.length === 0) return '';
  const buttons = choices
    .map(
      (m) =>
        `<li><button type="submit" name="method" value="${esc(OTHER_WAY_VALUES[m])}" class="secondary">${esc(OTHER_WAY_LABELS[m])}</button></li>`,
    )
    .join('\n');
  return `<section aria-labelledby="other-ways"><h2 id="other-ways">Sign in another way</h2>
<form method="post" action="/signin/${esc(f.uid)}">
${hidden(f, 'choose')}
<ul class="choices">
${buttons}
</ul>
</form></section>`;
}

export function authenticatorAppPage(
  f: FormContext,
  loginName: string,
  opts: { error?: string; alternatives: readonly FactorMethod[] },
): string {
  const invalid = opts.error
    ? ' aria-invalid="true" aria-describedby="error-summary otp-hint"'
    : ' aria-describedby="otp-hint"';
  return layout(
    'Enter code',
    `${errorSummary(opts.error, 'otp')}
<p>Signing in as <strong id="login-name">${esc(loginName)}</strong></p>
<form method="post" action="/signin/${esc(f.uid)}" novalidate>
${hidden(f, 'otp')}
<input type="hidden" name="username" value="${esc(loginName)}" autocomplete="username">
<label for="otp">Code</label>
<p class="hint" id="otp-hint">Enter the 6-digit code shown in your authenticator app.</p>
<input type="text" id="otp" name="otp" inputmode="numeric" pattern="[0-9 ]*" maxlength="8" autocomplete="one-time-code" required autofocus${invalid}>
<button type="submit">Verify</button>
</form>
${otherWays(f, opts.alternatives)}
${anotherAccount(f)}
${foldedErrorDetails(f.trouble)}`,
  );
}

/**
 * The passkey step after the username: the script asks the browser for one of this user's passkeys and posts the
 * answer back; without JavaScript the page says so and offers the other ways.
 */
export function passkeyPage(
  f: FormContext,
  loginName: string,
  opts: { error?: string; alternatives: readonly FactorMethod[] },
): string {
  return layout(
    'Sign in with a passkey',
    `${errorSummary(opts.error)}
<p>Signing in as <strong id="login-name">${esc(loginName)}</strong></p>
<p class="hint" id="passkey-hint">Use the passkey on this device or on your security key. Your browser will ask you to confirm with your PIN, fingerprint or face.</p>
<form method="post" action="/signin/${esc(f.uid)}" id="passkey-form" data-options-url="/signin/${esc(f.uid)}/passkey/options" data-mode="user">
${hidden(f, 'passkey')}
<input type="hidden" name="credential" id="passkey-credential" value="">
<button type="button" id="passkey-start" aria-describedby="passkey-hint">Use my passkey</button>
<p role="alert" id="passkey-error" class="error-text" hidden></p>
</form>
<noscript><p role="alert">Signing in with a passkey needs JavaScript. Turn it on, or sign in another way.</p></noscript>
<script src="/assets/webauthn/simplewebauthn-browser.js" defer></script>
<script src="/assets/webauthn/passkey.js" defer></script>
${otherWays(f, opts.alternatives)}
${anotherAccount(f)}
${foldedErrorDetails(f.trouble)}`,
  );
}

export function tapPage(
  f: FormContext,
  loginName: string,
  opts: { error?: string; canUsePassword: boolean; alternatives?: readonly FactorMethod[] },
): string {
  const invalid = opts.error
    ? ' aria-invalid="true" aria-describedby="error-summary tap-hint"'
    : ' aria-describedby="tap-hint"';
  const usePassword = opts.canUsePassword
    ? `<form method="post" action="/signin/${esc(f.uid)}" class="inline">
${hidden(f, 'usePassword')}
<button type="submit" class="secondary">Use your password instead</button>
</form>`
    : '';
  return layout(
    'Enter Temporary Access Pass',
    `${errorSummary(opts.error, 'tap')}
<p>Signing in as <strong id="login-name">${esc(loginName)}</strong></p>
<form method="post" action="/signin/${esc(f.uid)}" novalidate>
${hidden(f, 'tap')}
<input type="hidden" name="username" value="${esc(loginName)}" autocomplete="username">
<label for="tap">Temporary Access Pass</label>
<p class="hint" id="tap-hint">Enter the pass your helpdesk gave you. It is case-sensitive; spaces between groups are optional.</p>
<input type="text" id="tap" name="tap" autocomplete="one-time-code" autocapitalize="none" autocorrect="off" spellcheck="false" required autofocus${invalid}>
<button type="submit">Sign in</button>
</form>
${usePassword}
${otherWays(f, opts.alternatives)}
${anotherAccount(f)}
${foldedErrorDetails(f.trouble)}`,
  );
}

export function changePasswordPage(f: FormContext, loginName: string, opts: { error?: string } = {}): string {
  const invalid = opts.error
    ? ' aria-invalid="true" aria-describedby="error-summary password-rules"'
    : ' aria-describedby="password-rules"';
  return layout(
    'Update your password',
    `${errorSummary(opts.error, 'newPassword')}
<p>You need to update your password because you are signing in for the first time, or because your administrator reset it.</p>
<p>Signing in as <strong id="login-name">${esc(loginName)}</strong></p>
<form method="post" action="/signin/${esc(f.uid)}" novalidate>
${hidden(f, 'newPassword')}
<input type="hidden" name="username" value="${esc(loginName)}" autocomplete="username">
<p class="hint" id="password-rules">At least 8 characters. Long passphrases are welcome; common passwords are refused.</p>
<label for="newPassword">New password</label>
<input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required autofocus${invalid}>
<label for="confirmPassword">Confirm new password</label>
<input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(f: FormContext, scopes: string[]): string {
  const items = scopes.map((s) => `<li>${esc(s)}</li>`).join('');
  return layout(
    'Permissions requested',
    `<p><strong>${esc(f.clientName)}</strong> would like to:</p>
<ul>${items || '<li>Sign you in and read your profile</li>'}</ul>
<form method="post" action="/signin/${esc(f.uid)}">
${hidden(f, 'consent')}
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="deny" class="secondary">Cancel</button>
</form>`,
  );
}
