// HTML building blocks: escaping and the one page layout every server-rendered page uses (no inline script or style).

export const esc = (v: unknown): string =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Marks a string as already-safe HTML. */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });

/**
 * `wide`: pages with tables (the user's own pages) use the screen's width instead of the sign-in card's, and load the
 * script that shows their times in the viewer's zone. Other pages carry no script at all.
 */
export function layout(title: string, body: string, options: { wide?: boolean } = {}): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} – Gatepass</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/gatepass.css">
${options.wide ? '<script src="/assets/console.js" defer></script>\n' : ''}</head>
<body>
<main class="card${options.wide ? ' wide' : ''}" aria-labelledby="page-title">
<p class="brand">Gatepass</p>
<h1 id="page-title">${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** The visible error summary, announced by screen readers. */
export function errorSummary(message: string | undefined, fieldId?: string): string {
  if (!message) return '';
  const link = fieldId ? ` <a href="#${esc(fieldId)}">Fix it</a>` : '';
  return `<div class="error-summary" role="alert" id="error-summary"><p>${esc(message)}${link}</p></div>`;
}

export const STYLESHEET = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;margin:0;padding:2rem 1rem;color:#1f2937}
.card{max-width:28rem;margin:0 auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.card.wide{max-width:64rem}
.brand{font-weight:700;color:#1d4ed8;margin:0 0 1rem}
h1{font-size:1.5rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #6b7280;border-radius:.25rem;font-size:1rem}
input:focus,button:focus,a:focus{outline:3px solid #f59e0b;outline-offset:2px}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem;border:0;border-radius:.25rem;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111827}
a.button{display:inline-block;padding:.3rem .8rem;border-radius:.25rem;text-decoration:none}
a.button.secondary{background:#e5e7eb;color:#111827}
a.button.primary{background:#1d4ed8;color:#fff;padding:.6rem 1.2rem;font-size:1rem}
table.methods{width:100%;border-collapse:collapse;font-size:.9rem}
table.methods th,table.methods td{text-align:left;padding:.4rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.notice{border:2px solid #1d4ed8;background:#eff6ff;padding:.5rem 1rem;margin:0 0 1rem;border-radius:.25rem}
.success{border:2px solid #047857;background:#ecfdf5;padding:.5rem 1rem;margin:0 0 1rem;border-radius:.25rem}
.error-summary{border:2px solid #b91c1c;background:#fef2f2;padding:.75rem 1rem;margin:0 0 1rem;border-radius:.25rem}
.hint{color:#4b5563;font-size:.9rem}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;font-size:.9rem}
dl.details dt{font-weight:600}
dl.details dd{margin:0;word-break:break-all}
details.troubleshooting{margin-top:1.5rem;font-size:.9rem}
details.troubleshooting summary{cursor:pointer;color:#1d4ed8}
.inline{display:inline}
ul.choices{list-style:none;padding:0;margin:0}
ul.choices button{margin-top:.5rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.error-text{color:#b91c1c}
`;
