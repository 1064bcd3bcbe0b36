// Gatepass's own browser clients: the user's pages (/my) and the admin center (/admin). Each is an OIDC client of
// Gatepass itself with a fixed client id (every process and restart agrees on it), its own paths and its own session
// cookie, so that signing in to one never opens the other.

export type FirstPartyAppKey = 'my' | 'admin';

export interface FirstPartyApp {
  readonly key: FirstPartyAppKey;
  readonly clientId: string;
  readonly displayName: string;
  /** Every page of the app lives under this path; its callback is `${basePath}/callback`. */
  readonly basePath: '/my' | '/admin';
  /** Where a form that did not come from the app's own pages is said to belong, in the refusal page. */
  readonly formOrigin: string;
}

export const FIRST_PARTY_APPS: Readonly<Record<FirstPartyAppKey, FirstPartyApp>> = {
  my: {
    key: 'my',
    clientId: 'a7d3c1e2-5b4f-4c6d-9e8f-0a1b2c3d4e5f',
    displayName: 'Gatepass My Account',
    basePath: '/my',
    formOrigin: 'your security info page',
  },
  admin: {
    key: 'admin',
    clientId: 'b8e4d2f3-6c5a-4d7e-8f90-1b2c3d4e5f6a',
    displayName: 'Gatepass Admin Center',
    basePath: '/admin',
    formOrigin: 'the Gatepass admin center',
  },
};

/** The first-party app whose client id this is, if any. */
export function firstPartyAppOf(clientId: string): FirstPartyApp | undefined {
  return Object.values(FIRST_PARTY_APPS).find((app) => app.clientId === clientId);
}

/**
 * Where an app may send the browser after a sign-in: only its own pages, as plain same-origin paths. Lower-case
 * segments of letters, digits and hyphens: no scheme, no "//" (a protocol-relative URL), no backslash (browsers read
 * "/\evil" as "//evil"), no percent-encoding, dots or query to smuggle either in.
 */
export function safeReturnTo(app: Pick<FirstPartyApp, 'basePath'>, raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 200 || !raw.startsWith(app.basePath)) return undefined;
  return /^(\/[a-z0-9-]+)*$/.test(raw.slice(app.basePath.length)) ? raw : undefined;
}
