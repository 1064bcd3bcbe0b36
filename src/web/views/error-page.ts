// Error page for sign-in refusals: the message, and the correlation id, time (UTC) and code the sign-in log is searched by.

import { esc, layout } from './html.js';

export interface ErrorFacts {
  /** AADSTS-like number, or an OAuth error code. */
  code: string | number;
  correlationId: string;
  at: Date;
}

function detailsList(f: ErrorFacts): string {
  const code = typeof f.code === 'number' ? `AADSTS${f.code}` : f.code;
  const iso = f.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Marked UTC in words: a user reads it out to a helpdesk in another time zone.
  const shown = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  return `<p class="hint">If you contact your helpdesk, give them these details.</p>
<dl class="details">
<dt>Error code</dt><dd id="error-code">${esc(code)}</dd>
<dt>Correlation ID</dt><dd id="correlation-id">${esc(f.correlationId)}</dd>
<dt>Timestamp</dt><dd><time id="timestamp" datetime="${esc(iso)}">${esc(shown)}</time></dd>
</dl>`;
}

export function errorDetails(f: ErrorFacts): string {
  return `<h2>Troubleshooting details</h2>
${detailsList(f)}`;
}

/** A refused step on a page the user stays on (a wrong password): the same details, folded away as Entra's "…". */
export function foldedErrorDetails(f: ErrorFacts | undefined): string {
  if (!f) return '';
  return `<details class="troubleshooting"><summary>Troubleshooting details</summary>
${detailsList(f)}
</details>`;
}

export function signInErrorPage(title: string, message: string, f: ErrorFacts, extra = ''): string {
  return layout(
    title,
    `<div class="error-summary" role="alert"><p id="error-message">${esc(message)}</p></div>
${extra}
${errorDetails(f)}`,
  );
}
