// The Content-Security-Policy of every HTML page Gatepass serves: our own pages (through helmet, src/web/index.ts)
// and the pages oidc-provider renders itself (logout confirmation, its error pages), which bypass Fastify's hooks.

import type { ServerResponse } from 'node:http';

/** Directives in helmet's form (camelCase names). */
export const PAGE_CSP_DIRECTIVES: Record<string, string[]> = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  // Only our own script files (the passkey pages); never inline script.
  scriptSrc: ["'self'"],
  // The passkey script fetches its WebAuthn options from our own origin.
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  // No form-action: Chromium applies it to the redirect chain after a post, which ends at the client's
  // redirect_uri on another origin.
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The header value, serialised as helmet does ("name value value;…"). */
export const PAGE_CSP = Object.entries(PAGE_CSP_DIRECTIVES)
  .map(([name, values]) => `${kebab(name)} ${values.join(' ')}`)
  .join(';');

/**
 * The headers helmet gives our pages, set on a raw response before oidc-provider writes to it. Harmless on its JSON
 * answers (token, discovery), which no browser renders or frames.
 */
export function setPageSecurityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', PAGE_CSP);
  res.setHeader('x-frame-options', 'SAMEORIGIN');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}
