// The "This wasn't me" link: a random token in the mail, its keyed hash in the store; single use, valid 7 days, and
// still usable after the pass itself has expired or been revoked. It can only dispute: it never signs anyone in.

export const DISPUTE_LINK_LIFETIME_MS = 7 * 24 * 3600_000;

/** 32 random bytes, base64url: what a link's token must look like before the store is asked about it. */
export const isDisputeToken = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{43}$/.test(s);

export type DisputeLinkState = 'usable' | 'used' | 'expired';

export function disputeLinkState(notice: { disputedAt: Date | null; expiresAt: Date }, now: Date): DisputeLinkState {
  if (notice.disputedAt) return 'used';
  return now.getTime() < notice.expiresAt.getTime() ? 'usable' : 'expired';
}

export const disputePath = (token: string): string => `/my/this-wasnt-me/${token}`;
