// The signed-in user's own pages (/my).

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
<form method="post" action="/my/signout">
<input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" class="secondary">Sign out</button>
</form>`);
}
