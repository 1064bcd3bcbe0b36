// Passkeys at sign-in: WebAuthn request options for an interaction and the check of its assertion. User verification
// is required; the signature counter moves forward in one conditional update, so a cloned authenticator replaying an
// older counter is refused. Failed verifications count towards the user's passkey throttle.

import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { webauthnServer } from './webauthn.js';
import {
  createFido2MethodsRepo,
  createWebauthnChallengesRepo,
  type Fido2MethodRecord,
} from '../store/repos/fido2-methods.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import type { Deps } from './deps.js';
import { challengeHash, PASSKEY_CHALLENGE_TTL_MS, parseCredential } from './passkey-ceremony.js';
import { attemptFailed, beginAttempt, giveBack, isFamiliar, userSubject } from './throttle.js';

/**
 * Options for navigator.credentials.get(). With a user (after the username) the user's passkeys of this relying
 * party are allowed; without one (the first page) none are listed and the authenticator offers its discoverable ones.
 */
export async function passkeyAuthenticationOptions(
  deps: Deps,
  uid: string,
  userId: string | null,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const mine = userId
    ? (await createFido2MethodsRepo(deps.db).listOfUser(userId)).filter((c) => c.rpId === deps.config.rpId)
    : [];
  const options = await (await webauthnServer()).generateAuthenticationOptions({
    rpID: deps.config.rpId,
    userVerification: 'required',
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    ...(userId ? { allowCredentials: mine.map((c) => ({ id: c.credentialId, transports: c.transports })) } : {}),
  });
  await createWebauthnChallengesRepo(deps.db).insert({
    challengeHash: challengeHash(deps, { kind: 'signIn', uid }, options.challenge),
    purpose: 'authentication',
    userId,
    expiresAt: deps.clock.now().getTime() + PASSKEY_CHALLENGE_TTL_MS,
  });
  return options;
}

export type PasskeyFailure =
  /** Not a WebAuthn assertion at all. */
  | 'malformed'
  /** The challenge expired, was used, or belongs to another interaction or user. */
  | 'challenge'
  /** No passkey with this credential id here (deleted, or registered for another relying party). */
  | 'unknownCredential'
  /** The passkey belongs to another account than the one this sign-in is for, or the user handle does not match. */
  | 'otherUser'
  /** The signature, origin, relying party or user verification did not check out. */
  | 'invalid'
  /** The counter did not move forward: possibly a cloned authenticator. */
  | 'counter'
  | 'throttled';

export type PasskeyAssertion =
  | { ok: true; user: UserRecord; method: Fido2MethodRecord; hardwareBound: boolean }
  | {
      ok: false;
      failure: PasskeyFailure;
      user?: UserRecord;
      method?: Fido2MethodRecord;
      retryAfterSeconds?: number;
      /** The counter the authenticator presented (a 'counter' failure: not above the stored one). */
      presentedCounter?: number;
    };

/** Only attestation verified to a trust path proves a hardware key (amr 'hwk'); today none is (see passkeys.ts). */
export const isHardwareBound = (m: Pick<Fido2MethodRecord, 'attestationLevel'>) => m.attestationLevel === 'attested';

/**
 * Verifies a sign-in assertion. `boundUserId`: the user this interaction is for (after the username), or null (the
 * first page: the credential names the user, and its user handle must be that user's). Failed verifications count
 * towards the user's passkey throttle like wrong passes.
 */
export async function verifyPasskeyAssertion(
  deps: Deps,
  args: {
    uid: string;
    credential: unknown;
    boundUserId: string | null;
    ipAddress: string | null;
    familiarUserId?: string | null;
  },
): Promise<PasskeyAssertion> {
  const parsed = parseCredential(args.credential, 'authentication');
  if (!parsed) return { ok: false, failure: 'malformed' };
  const now = deps.clock.now();
  const challenge = await createWebauthnChallengesRepo(deps.db).consume(
    challengeHash(deps, { kind: 'signIn', uid: args.uid }, parsed.challenge),
    'authentication',
    now.getTime(),
  );
  if (!challenge || challenge.userId !== args.boundUserId) return { ok: false, failure: 'challenge' };
  const response = parsed.response as unknown as AuthenticationResponseJSON;
  const method = await createFido2MethodsRepo(deps.db).findByCredentialId(response.id);
  if (!method || method.rpId !== deps.config.rpId) return { ok: false, failure: 'unknownCredential' };
  const user = await createUsersRepo(deps.db).findUserById(method.userId);
  if (!user) return { ok: false, failure: 'unknownCredential' };
  if (args.boundUserId !== null && method.userId !== args.boundUserId)
    return { ok: false, failure: 'otherUser', user, method };
  // The authenticator returns the user handle it stored at registration; for a discoverable sign-in it must name
  // the same user as the credential (WebAuthn §7.2 step 6), and when present it must match in any case.
  const userHandle = response.response.userHandle;
  if (args.boundUserId === null && !userHandle) return { ok: false, failure: 'otherUser', user, method };
  if (userHandle && (await createUsersRepo(deps.db).findUserByWebauthnHandle(userHandle))?.id !== user.id)
    return { ok: false, failure: 'otherUser', user, method };

  const start = await beginAttempt(
    deps,
    userSubject(user.id),
    args.ipAddress,
    'passkey',
    isFamiliar({ userId: user.id, familiarUserId: args.familiarUserId }),
  );
  if (!start.allowed)
    return { ok: false, failure: 'throttled', user, method, retryAfterSeconds: start.retryAfterSeconds };
  let newCounter: number;
  try {
    const verified = await (await webauthnServer()).verifyAuthenticationResponse({
      response,
      expectedChallenge: parsed.challenge,
      expectedOrigin: deps.config.issuer,
      expectedRPID: deps.config.rpId,
      // The counter is checked below, atomically with the update (the library's own check would be a read-then-write).
      credential: {
        id: method.credentialId,
        publicKey: new Uint8Array(Buffer.from(method.publicKey, 'base64url')),
        counter: 0,
        transports: method.transports,
      },
      requireUserVerification: true,
    });
    if (!verified.verified || !verified.authenticationInfo.userVerified) throw new Error('not verified');
    newCounter = verified.authenticationInfo.newCounter;
  } catch (e) {
    deps.log.info({ err: e, userId: user.id }, 'passkey assertion did not verify');
    await attemptFailed(deps, start.ticket);
    return { ok: false, failure: 'invalid', user, method };
  }
  if (!(await createFido2MethodsRepo(deps.db).recordUse(method.id, newCounter, now.getTime()))) {
    await attemptFailed(deps, start.ticket);
    deps.log.warn(
      { userId: user.id, methodId: method.id, storedCounter: method.signCount, presentedCounter: newCounter },
      'passkey counter did not increase: possible cloned authenticator',
    );
    return { ok: false, failure: 'counter', user, method, presentedCounter: newCounter };
  }
  await giveBack(deps, start.ticket);
  return { ok: true, user, method, hardwareBound: isHardwareBound(method) };
}
