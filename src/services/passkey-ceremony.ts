// The WebAuthn ceremony's shared parts: a challenge is stored as a keyed hash bound to its ceremony (the user
// registering, or one sign-in interaction), lives 5 minutes and answers one ceremony; the browser's JSON is checked for
// the fields the verifiers read before any of them runs.

import type { Deps } from './deps.js';

/** Entra's creation options carry a fixed 5-minute challenge timeout (ENTRA-REFERENCE §3.4). */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** Which ceremony a challenge belongs to: the user registering, or one sign-in interaction (its uid). */
export type ChallengeScope = { kind: 'registration'; userId: string } | { kind: 'signIn'; uid: string };

export function challengeHash(deps: Pick<Deps, 'keyring'>, scope: ChallengeScope, challenge: string): string {
  const bound = scope.kind === 'registration' ? `registration:${scope.userId}` : `sign-in:${scope.uid}`;
  return deps.keyring.keyedHash('id-hash', `webauthn:${bound}:${challenge}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isB64url = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= 16384 && /^[A-Za-z0-9_-]+={0,2}$/.test(v);

/** The JSON the browser posted, checked for the fields the verifiers read; undefined when it is not one. */
export function parseCredential(
  json: unknown,
  kind: 'registration' | 'authentication',
): { response: Record<string, unknown>; challenge: string } | undefined {
  if (typeof json !== 'string' || json.length === 0 || json.length > 65536) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (
    !isObject(parsed) ||
    !isB64url(parsed.id) ||
    !isB64url(parsed.rawId) ||
    parsed.type !== 'public-key' ||
    !isObject(parsed.response)
  )
    return undefined;
  const r = parsed.response;
  if (!isB64url(r.clientDataJSON)) return undefined;
  if (kind === 'registration' && !isB64url(r.attestationObject)) return undefined;
  if (
    kind === 'authentication' &&
    (!isB64url(r.authenticatorData) ||
      !isB64url(r.signature) ||
      (r.userHandle !== undefined && r.userHandle !== null && !isB64url(r.userHandle)))
  )
    return undefined;
  let clientData: unknown;
  try {
    clientData = JSON.parse(Buffer.from(r.clientDataJSON, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(clientData) || !isB64url(clientData.challenge)) return undefined;
  if (!isObject(parsed.clientExtensionResults)) parsed.clientExtensionResults = {};
  return { response: parsed, challenge: clientData.challenge };
}
