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

/** HSTS as helmet sends it on our pages (180 days), on every answer when the public address is https. */
export const HSTS = 'max-age=15552000';

/**
 * The headers every answer carries, the API's JSON, health checks, redirects and framework errors included: set on the
 * raw response as a request starts, so answers that skip Fastify's reply (oidc-provider's, hijacked) have them too.
 * The page CSP is harmless on JSON and covers any HTML served outside the pages' own scope (a browser's 404);
 * helmet then sets the same names again on our pages. HSTS only when the public address is https (directly or
 * behind a TLS proxy): over plain http a browser ignores it anyway, and a laptop's http://localhost must not get it.
 */
export function setBaselineSecurityHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('content-security-policy', PAGE_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  if (https) res.setHeader('strict-transport-security', HSTS);
}

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
