// Pages oidc-provider renders itself (errors, sign-out), in Gatepass's layout.

import { esc, layout } from './html.js';
import { errorDetails } from './error-page.js';

export function errorPage(out: { error: string; error_description?: string }, correlationId: string, at: Date): string {
  const message = out.error_description ?? out.error;
  return layout(
    'Something went wrong',
    `<div class="error-summary" role="alert"><p>${esc(message)}</p></div>
${errorDetails({ code: out.error, correlationId, at })}`,
  );
}

export function logoutConfirmPage(form: string, host: string): string {
  // `form` is oidc-provider's hidden form (with its own CSRF token); the buttons submit it.
  return layout(
    'Sign out',
    `${form}
<p>Do you want to sign out of ${esc(host)}?</p>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" class="secondary" form="op.logoutForm">No, stay signed in</button>`,
  );
}

export function loggedOutPage(): string {
  return layout('You have signed out', '<p>You have signed out. You can close this window.</p>');
}
