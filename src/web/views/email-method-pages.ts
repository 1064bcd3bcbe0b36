// Security info › Email: the address, then the code mailed to it (Entra's words: "What email would you like to use?",
// "We just sent a code to …"). Plain HTML forms, no script.

import { EMAIL_CODE_DIGITS, EMAIL_CODE_LIFETIME_MS } from '../../domain/mail/email-code.js';
import { errorSummary, esc, layout } from './html.js';

export const EMAIL_METHOD_PATH = '/my/security-info/email';
export const EMAIL_CODE_PATH = '/my/security-info/email/code';

const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;
const back = '<p><a href="/my/security-info">Cancel and go back to security info</a></p>';
const invalidIf = (on: boolean, hint: string) =>
  on ? ` aria-invalid="true" aria-describedby="error-summary ${hint}"` : ` aria-describedby="${hint}"`;

/** Without SMTP no code can be mailed, so there is no form: the page says what the administrator must set. */
export function emailNeedsMailPage(): string {
  return layout(
    'Email',
    `<p role="status" id="email-needs-mail">Email cannot be added yet: this server has no mail settings (SMTP). Ask your administrator to configure mail for Gatepass. Until then, notices about Temporary Access Passes issued for you are shown on your account page.</p>
${back}`,
  );
}

export function emailAddressPage(v: {
  csrf: string;
  current?: string | undefined;
  typed?: string | undefined;
  error?: string | undefined;
}): string {
  return layout(
    'Email',
    `${errorSummary(v.error, v.error ? 'emailAddress' : undefined)}
<p>Gatepass mails this address when a Temporary Access Pass is issued for you, so that you can say "This wasn't me".${
      v.current ? ` Your current address is <strong id="current-email">${esc(v.current)}</strong>.` : ''
    }</p>
<form method="post" action="${EMAIL_METHOD_PATH}" novalidate>
${csrfField(v.csrf)}
<label for="emailAddress">What email would you like to use?</label>
<p class="hint" id="emailAddress-hint">We will send a code to this address to check that it is yours.</p>
<input type="email" id="emailAddress" name="emailAddress" autocomplete="email" maxlength="254" required autofocus value="${esc(v.typed ?? '')}"${invalidIf(v.error !== undefined, 'emailAddress-hint')}>
<button type="submit" id="email-next">Next</button>
</form>
${back}`,
  );
}

export function emailCodePage(v: {
  csrf: string;
  emailAddress: string;
  sentJustNow?: boolean;
  error?: string;
}): string {
  // A duration, not a clock time: the page carries no script to show times in the reader's zone.
  const until = v.sentJustNow ? ` It works for ${EMAIL_CODE_LIFETIME_MS / 60_000} minutes.` : '';
  return layout(
    'Email',
    `${errorSummary(v.error, v.error ? 'code' : undefined)}
<p id="email-code-sent">We just sent a code to <strong>${esc(v.emailAddress)}</strong>.${until}</p>
<form method="post" action="${EMAIL_CODE_PATH}" novalidate>
${csrfField(v.csrf)}
<label for="code">Enter code</label>
<p class="hint" id="code-hint">The ${EMAIL_CODE_DIGITS}-digit code from the mail.</p>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required autofocus${invalidIf(v.error !== undefined, 'code-hint')}>
<button type="submit" id="email-code-next">Next</button>
</form>
<form method="post" action="${EMAIL_METHOD_PATH}" class="inline">
${csrfField(v.csrf)}
<input type="hidden" name="emailAddress" value="${esc(v.emailAddress)}">
<button type="submit" class="secondary" id="email-resend">Resend code</button>
</form>
${back}`,
  );
}
