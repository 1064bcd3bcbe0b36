// The admin center's frame: a header ("Signed in as … · roles …" and sign-out), navigation on the left with the
// blades the signed-in administrator may open, and the page. No inline script or style (CSP).

import { esc } from '../html.js';

export type AdminSection =
  | 'home'
  | 'users'
  | 'groups'
  | 'roles'
  | 'administrativeUnits'
  | 'authenticationMethods'
  | 'properties'
  | 'auditLogs'
  | 'signInLogs';

export interface AdminFrame {
  displayName: string;
  userPrincipalName: string;
  roleNames: readonly string[];
  csrf: string;
  /** The blades this administrator may open, in the navigation's order. */
  sections: readonly AdminSection[];
  current: AdminSection;
}

export const SECTION_LINKS: Record<AdminSection, { href: string; label: string }> = {
  home: { href: '/admin', label: 'Home' },
  users: { href: '/admin/users', label: 'Users' },
  groups: { href: '/admin/groups', label: 'Groups' },
  roles: { href: '/admin/roles', label: 'Roles and administrators' },
  administrativeUnits: { href: '/admin/administrative-units', label: 'Administrative units' },
  authenticationMethods: { href: '/admin/authentication-methods', label: 'Authentication methods' },
  properties: { href: '/admin/properties', label: 'Properties' },
  auditLogs: { href: '/admin/audit-logs', label: 'Audit logs' },
  signInLogs: { href: '/admin/sign-in-logs', label: 'Sign-in logs' },
};

/** The document up to <body>: the admin center's stylesheet and icon, and its script on pages that show times. */
function documentStart(title: string, withScript: boolean): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} – Gatepass Admin Center</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/admin.css">
${withScript ? '<script src="/assets/console.js" defer></script>\n' : ''}</head>
<body class="admin">`;
}

/** A breadcrumb of blade names, the last one the current page. */
export function breadcrumb(trail: readonly { label: string; href?: string }[]): string {
  const items = trail.map((t, i) =>
    i === trail.length - 1 || !t.href
      ? `<li aria-current="page">${esc(t.label)}</li>`
      : `<li><a href="${esc(t.href)}">${esc(t.label)}</a></li>`,
  );
  return `<nav aria-label="Breadcrumb"><ol class="breadcrumb">${items.join('')}</ol></nav>`;
}

export function adminPage(frame: AdminFrame, title: string, body: string): string {
  const nav = frame.sections
    .map((s) => {
      const { href, label } = SECTION_LINKS[s];
      const current = s === frame.current ? ' aria-current="page"' : '';
      return `<li><a href="${href}"${current}>${esc(label)}</a></li>`;
    })
    .join('');
  const roles = frame.roleNames.join(', ');
  // A page's breadcrumb (when it starts with one) goes above its title, where Entra puts it.
  const crumbEnd = body.startsWith('<nav aria-label="Breadcrumb">') ? body.indexOf('</nav>') + '</nav>'.length : 0;
  const crumbs = body.slice(0, crumbEnd);
  const content = body.slice(crumbEnd);
  return `${documentStart(title, true)}
<a class="skip-link" href="#main">Skip to main content</a>
<header class="topbar">
<p class="product"><a href="/admin">Gatepass Admin Center</a></p>
<p class="whoami" id="signed-in-as">Signed in as <strong>${esc(frame.displayName)}</strong> (${esc(frame.userPrincipalName)}) · roles ${esc(roles)}</p>
<form method="post" action="/admin/signout" class="inline">
<input type="hidden" name="csrf" value="${esc(frame.csrf)}">
<button type="submit" class="secondary">Sign out</button>
</form>
</header>
<div class="shell">
<nav class="sidenav" aria-label="Admin center"><ul>${nav}</ul></nav>
<main id="main" aria-labelledby="page-title">
${crumbs}
<h1 id="page-title">${esc(title)}</h1>
${content}
</main>
</div>
</body>
</html>`;
}

/** A page for someone who may not use the admin center: why, and the way to their own pages. */
export function adminRefusalPage(title: string, message: string, action = ''): string {
  return `${documentStart(title, false)}
<main id="main" class="narrow" aria-labelledby="page-title">
<p class="product">Gatepass Admin Center</p>
<h1 id="page-title">${esc(title)}</h1>
<p role="alert">${esc(message)}</p>
${action}
<p><a href="/my">Go to My account</a></p>
</main>
</body>
</html>`;
}

// In a narrow window a wide table scrolls inside its own box rather than the page; the views give each table
// tabindex="0" so that a keyboard user can reach that box and scroll it.
export const ADMIN_STYLESHEET = `
*{box-sizing:border-box}
body.admin{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2937;background:#f5f6f8}
a{color:#1d4ed8}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f59e0b;outline-offset:2px}
.skip-link{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip-link:focus{left:.5rem}
.topbar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;background:#1e3a8a;color:#fff;padding:.5rem 1rem}
.topbar a,.topbar .product a{color:#fff;text-decoration:none}
.product{font-weight:700;margin:0}
.whoami{margin:0 0 0 auto;font-size:.9rem}
.shell{display:flex;min-height:calc(100vh - 3rem)}
.sidenav{flex:0 0 14rem;background:#fff;border-right:1px solid #e5e7eb;padding:1rem 0}
.sidenav ul{list-style:none;margin:0;padding:0}
.sidenav a{display:block;padding:.5rem 1rem;color:#1f2937;text-decoration:none}
.sidenav a[aria-current=page]{background:#eff6ff;border-left:4px solid #1d4ed8;font-weight:600}
main{flex:1;padding:1.5rem 2rem;max-width:80rem;min-width:0}
main.narrow{max-width:36rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:.5rem}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.breadcrumb{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;padding:0;margin:0;font-size:.9rem}
.breadcrumb li+li::before{content:"›";margin-right:.25rem;color:#6b7280}
.blade{background:#fff;border:1px solid #e5e7eb;border-radius:.5rem;padding:1rem 1.25rem;margin-bottom:1rem}
.tabs{display:flex;gap:.25rem;border-bottom:1px solid #d1d5db;margin:0 0 1rem;padding:0;list-style:none}
.tabs a{display:block;padding:.5rem 1rem;text-decoration:none;color:#1f2937}
.tabs a[aria-current=page]{border-bottom:3px solid #1d4ed8;font-weight:600}
table.grid{width:100%;border-collapse:collapse;background:#fff;font-size:.95rem}
table.grid th,table.grid td{text-align:left;padding:.5rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
table.grid th{background:#f9fafb;font-weight:600}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=search],input[type=number],input[type=date],input[type=time],input[type=email],input[type=password],select{padding:.5rem;border:1px solid #6b7280;border-radius:.25rem;font-size:1rem;max-width:100%}
fieldset{border:1px solid #d1d5db;border-radius:.25rem;margin:.75rem 0;padding:.5rem 1rem}
legend{font-weight:600}
.choice{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.25rem 0}
button,.button{display:inline-block;padding:.5rem 1.1rem;font-size:1rem;border:0;border-radius:.25rem;background:#1d4ed8;color:#fff;cursor:pointer;text-decoration:none;margin-top:.75rem}
button.secondary,.button.secondary{background:#e5e7eb;color:#111827}
button.danger{background:#b91c1c}
.topbar button{margin:0}
.inline{display:inline}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-bottom:1rem}
.toolbar button,.toolbar .button{margin-top:0}
.hint{color:#4b5563;font-size:.9rem}
.notice{border:2px solid #1d4ed8;background:#eff6ff;padding:.75rem 1rem;margin:0 0 1rem;border-radius:.25rem}
.success{border:2px solid #047857;background:#ecfdf5;padding:.75rem 1rem;margin:0 0 1rem;border-radius:.25rem}
.error-summary{border:2px solid #b91c1c;background:#fef2f2;padding:.75rem 1rem;margin:0 0 1rem;border-radius:.25rem}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.4rem;letter-spacing:.05em;background:#f3f4f6;padding:.5rem .75rem;border-radius:.25rem;display:inline-block}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.5rem;margin:0}
dl.details dt{font-weight:600}
dl.details dd{margin:0;word-break:break-word}
.tiles{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:1rem}
.tiles .blade{margin:0}
.tiles h2{margin-top:0}
input[type=text],input[type=email],input[type=password],input[type=search]{width:min(28rem,100%)}
code,dd{overflow-wrap:anywhere}
.choice code,.permissions code{color:#4b5563;font-size:.8rem}
td form button,td .button{margin-top:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:48rem){table.grid{display:block;overflow-x:auto;position:relative}select{width:100%}.shell{flex-direction:column}.sidenav{flex:none;border-right:0;border-bottom:1px solid #e5e7eb;padding:0}.sidenav ul{display:flex;flex-wrap:wrap}main{padding:1rem}.whoami{margin:0;flex-basis:100%}}
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d4ed8"/><path d="M9 16a7 7 0 1 1 14 0v2h-4v-2a3 3 0 1 0-6 0v8H9z" fill="#fff"/></svg>`;
