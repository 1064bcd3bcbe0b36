// Passkeys (WebAuthn, @simplewebauthn/server): registration from Security info and assertions at sign-in. Every
// challenge is stored as a keyed hash bound to its ceremony (the user registering, or the sign-in interaction), lives
// 5 minutes and answers one ceremony; user verification is required and checked on both; the signature counter moves
// forward in one conditional update, so a cloned authenticator replaying an older counter is refused.
//
// Attestation: Gatepass asks for none ('none'). It has no attestation trust anchors (the FIDO metadata service is not
// consulted), so a 'direct' statement could not be verified to a trust path and would prove nothing, while it costs
// the user a privacy prompt on some platforms. Every passkey is therefore 'notAttested' and its amr is 'swk'; the
// stored attestationLevel alone decides 'hwk', so trusting attestation later changes one function.

import { randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  createFido2MethodsRepo,
  createWebauthnChallengesRepo,
  type Fido2MethodRecord,
} from '../store/repos/fido2-methods.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';
import { securityInfoEntry } from './authentication-methods.js';
import { audited } from './audited.js';
import type { Deps, RequestContext } from './deps.js';
import { attemptFailed, beginAttempt, giveBack, isFamiliar, userSubject } from './throttle.js';

/** Entra's creation options carry a fixed 5-minute challenge timeout (ENTRA-REFERENCE §3.4). */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const PASSKEY_NAME_MAX_LENGTH = 200;
const RP_NAME = 'Gatepass';
/** WebAuthn's AuthenticatorTransport values: the browser reports them; anything else is not kept. */
const KNOWN_TRANSPORTS: ReadonlySet<string> = new Set([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

/** Which ceremony a challenge belongs to: the user registering, or one sign-in interaction (its uid). */
export type ChallengeScope = { kind: 'registration'; userId: string } | { kind: 'signIn'; uid: string };

function challengeHash(deps: Pick<Deps, 'keyring'>, scope: ChallengeScope, challenge: string): string {
  const bound = scope.kind === 'registration' ? `registration:${scope.userId}` : `sign-in:${scope.uid}`;
  return deps.keyring.keyedHash('id-hash', `webauthn:${bound}:${challenge}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isB64url = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= 16384 && /^[A-Za-z0-9_-]+={0,2}$/.test(v);

/** The JSON the browser posted, checked for the fields the verifiers read; undefined when it is not one. */
function parseCredential(
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

/** A WebAuthn user handle: 32 random bytes, made once per user. Never the UPN, so an authenticator learns nothing. */
async function userHandleOf(deps: Pick<Deps, 'db'>, user: UserRecord): Promise<string> {
  const handle = await createUsersRepo(deps.db).ensureWebauthnUserHandle(
    user.id,
    randomBytes(32).toString('base64url'),
  );
  if (!handle) throw new AppError('notFound', { target: 'user', message: 'The user no longer exists.' });
  return handle;
}

/** Options for navigator.credentials.create(): a discoverable credential, user verification required. */
export async function passkeyRegistrationOptions(
  deps: Deps,
  user: UserRecord,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const handle = await userHandleOf(deps, user);
  const existing = await createFido2MethodsRepo(deps.db).listOfUser(user.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: deps.config.rpId,
    userName: user.userPrincipalName,
    userDisplayName: user.displayName,
    userID: new Uint8Array(Buffer.from(handle, 'base64url')),
    timeout: PASSKEY_CHALLENGE_TTL_MS,
    attestationType: 'none',
    // One authenticator registers once: the browser refuses an authenticator that holds one of these.
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
  });
  await createWebauthnChallengesRepo(deps.db).insert({
    challengeHash: challengeHash(deps, { kind: 'registration', userId: user.id }, options.challenge),
    purpose: 'registration',
    userId: user.id,
    expiresAt: deps.clock.now().getTime() + PASSKEY_CHALLENGE_TTL_MS,
  });
  return options;
}

/** The name a user gives a passkey: trimmed, 1 to 200 characters; empty means "Passkey". */
export function passkeyName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length > PASSKEY_NAME_MAX_LENGTH)
    throw new AppError('badRequest', {
      target: 'displayName',
      message: `The name can be at most ${PASSKEY_NAME_MAX_LENGTH} characters.`,
    });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new AppError('badRequest', { target: 'displayName', message: 'The name cannot contain control characters.' });
  return name.length === 0 ? 'Passkey' : name;
}

const registrationRefused = (message: string) => new AppError('badRequest', { target: 'credential', message });

/**
 * Verifies the browser's answer to passkeyRegistrationOptions and stores the passkey with its relying party, counter,
 * backup state, AAGUID and transports, in one transaction with Entra's "User registered security info" entry.
 */
export async function registerPasskey(
  deps: Deps,
  ctx: RequestContext,
  user: UserRecord,
  input: { credential: unknown; displayName: unknown },
): Promise<Fido2MethodRecord> {
  const displayName = passkeyName(input.displayName);
  const parsed = parseCredential(input.credential, 'registration');
  if (!parsed) throw registrationRefused('The passkey answer is missing or not valid. Try again.');
  const now = deps.clock.now();
  const challenge = await createWebauthnChallengesRepo(deps.db).consume(
    challengeHash(deps, { kind: 'registration', userId: user.id }, parsed.challenge),
    'registration',
    now.getTime(),
  );
  if (!challenge || challenge.userId !== user.id)
    throw registrationRefused('This passkey request expired or was already used. Start again.');
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: parsed.response as unknown as RegistrationResponseJSON,
      expectedChallenge: parsed.challenge,
      expectedOrigin: deps.config.issuer,
      expectedRPID: deps.config.rpId,
      requireUserPresence: true,
      requireUserVerification: true,
    });
  } catch (e) {
    deps.log.info({ err: e, userId: user.id }, 'passkey registration did not verify');
    throw registrationRefused(
      'The passkey could not be verified. Your device must confirm it is you (PIN, fingerprint or face). Try again.',
    );
  }
  if (!verified.verified) throw registrationRefused('The passkey could not be verified. Try again.');
  const info = verified.registrationInfo;
  // The id the browser reports must be the one the authenticator attested (the library checks only the latter).
  if (info.credential.id !== (parsed.response as { id: string }).id)
    throw registrationRefused('The passkey answer names another credential than the one created. Try again.');
  const method: Fido2MethodRecord = {
    id: newId(),
    userId: user.id,
    credentialId: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    signCount: info.credential.counter,
    displayName,
    aaguid: info.aaguid,
    transports: (info.credential.transports ?? []).filter((t) => KNOWN_TRANSPORTS.has(t)),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    // No trust path can be verified without attestation roots (see the top of this file).
    attestationLevel: 'notAttested',
    rpId: deps.config.rpId,
    createdAt: now,
    lastUsedAt: null,
  };
  return audited(
    deps,
    ctx,
    () => securityInfoEntry('registered', 'User', 'fido2', user, user.id),
    async (tx, record) => {
      const repo = createFido2MethodsRepo(tx);
      if (await repo.findByCredentialId(method.credentialId))
        throw new AppError('conflict', { target: 'credential', message: 'This passkey is already registered.' });
      await repo.insert(method);
      await record(securityInfoEntry('registered', 'User', 'fido2', user, user.id, method));
      return method;
    },
  );
}

/** One of the user's own passkeys, or undefined. */
export async function findPasskeyOfUser(
  deps: Pick<Deps, 'db'>,
  user: UserRecord,
  id: string,
): Promise<Fido2MethodRecord | undefined> {
  return createFido2MethodsRepo(deps.db).find(user.id, id);
}

/** Renames one of the user's passkeys (harmless: no method-change rights needed). */
/** Renames one of the user's passkeys, audited as "User updated security info" with the old and new names. */
export async function renamePasskey(
  deps: Deps,
  ctx: RequestContext,
  user: UserRecord,
  id: string,
  displayName: unknown,
): Promise<void> {
  const name = passkeyName(displayName);
  let before: Fido2MethodRecord | undefined;
  await audited(
    deps,
    ctx,
    () =>
      securityInfoEntry(
        'updated',
        'User',
        'fido2',
        user,
        user.id,
        before && { id: before.id, displayName: name },
        before?.displayName,
      ),
    async (tx, record) => {
      const repo = createFido2MethodsRepo(tx);
      before = await repo.find(user.id, id);
      if (!before || !(await repo.rename(user.id, id, name)))
        throw new AppError('notFound', { target: 'id', message: 'No such passkey.' });
      await record(
        securityInfoEntry(
          'updated',
          'User',
          'fido2',
          user,
          user.id,
          { id: before.id, displayName: name },
          before.displayName,
        ),
      );
    },
  );
}

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
  const options = await generateAuthenticationOptions({
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
  | { ok: false; failure: PasskeyFailure; user?: UserRecord; method?: Fido2MethodRecord; retryAfterSeconds?: number };

/** Only attestation verified to a trust path proves a hardware key (amr 'hwk'); today none is (see above). */
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
    const verified = await verifyAuthenticationResponse({
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
    return { ok: false, failure: 'counter', user, method };
  }
  await giveBack(deps, start.ticket);
  return { ok: true, user, method, hardwareBound: isHardwareBound(method) };
}
