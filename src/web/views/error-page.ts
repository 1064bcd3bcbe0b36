// Error page for sign-in refusals: the message, and the correlation id, time (UTC) and code the sign-in log is searched by.

import { esc, layout } from './html.js';

export interface ErrorFacts {
  /** AADSTS-like number, or an OAuth error code. */
  code: string | number;
  correlationId: string;
  at: Date;
}

export function errorDetails(f: ErrorFacts): string {
  const code = typeof f.code === 'number' ? `AADSTS${f.code}` : f.code;
  return `<h2>Troubleshooting details</h2>
<p class="hint">If you contact your helpdesk, give them these details.</p>
<dl class="details">
<dt>Error code</dt><dd id="error-code">${esc(code)}</dd>
<dt>Correlation ID</dt><dd id="correlation-id">${esc(f.correlationId)}</dd>
<dt>Timestamp</dt><dd id="timestamp">${esc(f.at.toISOString().replace(/\.\d{3}Z$/, 'Z'))}</dd>
</dl>`;
}

export function signInErrorPage(title: string, message: string, f: ErrorFacts, extra = ''): string {
  return layout(
    title,
    `<div class="error-summary" role="alert"><p id="error-message">${esc(message)}</p></div>
${extra}
${errorDetails(f)}`,
  );
}
