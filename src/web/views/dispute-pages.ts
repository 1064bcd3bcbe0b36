// The "This wasn't me" pages: the confirmation a link from the mail opens (a GET changes nothing, since mail scanners
// fetch links; the button POSTs), the result, and the notices /my lists for a user signed in elsewhere.

import type { PassNotice } from '../../services/pass-notices.js';
import { esc, layout } from './html.js';

const when = (d: Date): string =>
  `<time datetime="${esc(d.toISOString())}">${esc(d.toISOString().slice(0, 16).replace('T', ' '))} UTC</time>`;

function noticeFacts(n: PassNotice): string {
  return `<dl class="details">
<dt>Issued by</dt><dd>${esc(n.issuerDisplayName)} (${esc(n.issuerRole)})</dd>
<dt>Valid from</dt><dd>${when(n.passStartAt)}</dd>
<dt>Valid until</dt><dd>${when(n.passEndAt)}</dd>
</dl>`;
}

export function confirmDisputePage(v: { notice: PassNotice; action: string; csrf: string }): string {
  return layout(
    "This wasn't me",
    `<p>A Temporary Access Pass was ${v.notice.kind === 'issued' ? 'issued for' : 'used to sign in to'} your account.</p>
${noticeFacts(v.notice)}
<p>If you did not ask for it, confirm below. Gatepass revokes the pass, ends every session it started, and tells your
security team. This does not sign you in.</p>
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit">This wasn't me</button>
</form>`,
    { wide: true },
  );
}

export function disputedPage(v: { revoked: boolean }): string {
  return layout(
    'Thank you: the pass is revoked',
    `<p role="status">${
      v.revoked
        ? 'The Temporary Access Pass is revoked and every session it started has ended.'
        : 'The pass had already ended; every session it started has ended.'
    } Your security team has been told.</p>
<p>If you think someone knows your password or other sign-in methods, tell your IT or security team.</p>`,
  );
}

/** /my's section: notices the signed-in user can still dispute, each with the same button as the mail's page. */
export function openNoticesSection(notices: PassNotice[], csrf: string): string {
  if (notices.length === 0) return '';
  const items = notices
    .map(
      (n) => `<li>
<p>A Temporary Access Pass was ${n.kind === 'issued' ? 'issued for your account' : 'used to sign in'} on ${when(n.createdAt)}.</p>
${noticeFacts(n)}
<form method="post" action="/my/notices/${esc(n.id)}/this-wasnt-me">
<input type="hidden" name="csrf" value="${esc(csrf)}">
<button type="submit" aria-describedby="notices-hint">This wasn't me</button>
</form>
</li>`,
    )
    .join('\n');
  return `<h2 id="notices">Temporary Access Pass notices</h2>
<p class="hint" id="notices-hint">If you did not ask for a pass, say so: it is revoked and your security team is told.</p>
<ul aria-labelledby="notices">
${items}
</ul>`;
}
