// Passkeys (WebAuthn, @simplewebauthn/server): registration, naming and renaming from Security info. Challenges and
// the checks of the browser's answer are shared with sign-in (passkey-ceremony.ts); assertions at sign-in are in
// passkey-assertions.ts. User verification is required on both.
//
// Attestation: Gatepass asks for none ('none'). It has no attestation trust anchors (the FIDO metadata service is not
// consulted), so a 'direct' statement could not be verified to a trust path and would prove nothing, while it costs
// the user a privacy prompt on some platforms. Every passkey is therefore 'notAttested' and its amr is 'swk'; the
// stored attestationLevel alone decides 'hwk', so trusting attestation later changes one function.

import { type RegisteringSession, type RetiredPass, settlePassAfterRegistration } from './pass-retirement.js';
import { randomBytes } from 'node:crypto';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { type WebAuthnServer, webauthnServer } from './webauthn.js';
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
import { isHardwareBound } from './passkey-assertions.js';
import { challengeHash, PASSKEY_CHALLENGE_TTL_MS, parseCredential } from './passkey-ceremony.js';

export { PASSKEY_CHALLENGE_TTL_MS } from './passkey-ceremony.js';
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

/** A WebAuthn user handle: 32 random bytes, made once per user. Never the UPN, so an authenticator learns nothing. */
async function userHandleOf(deps: Pick<Deps, 'db'>, user: UserRecord): Promise<string> {
  const handle = await createUsersRepo(deps.db).ensureWebauthnUserHandle(
    user.id,
    randomBytes(32).toString('base64url'),
  );
  if (!handle) throw new AppError('passkeyUserGone', { target: 'user' });
  return handle;
}

/** Options for navigator.credentials.create(): a discoverable credential, user verification required. */
export async function passkeyRegistrationOptions(
  deps: Deps,
  user: UserRecord,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const handle = await userHandleOf(deps, user);
  const existing = await createFido2MethodsRepo(deps.db).listOfUser(user.id);
  const options = await (await webauthnServer()).generateRegistrationOptions({
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
    throw new AppError('passkeyNameTooLong', { target: 'displayName', params: { max: PASSKEY_NAME_MAX_LENGTH } });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new AppError('passkeyNameControlCharacters', { target: 'displayName' });
  return name.length === 0 ? 'Passkey' : name;
}

type RegistrationRefusal =
  | 'passkeyAnswerInvalid'
  | 'passkeyRegistrationExpired'
  | 'passkeyNotVerifiedNeedsUserVerification'
  | 'passkeyNotVerified'
  | 'passkeyOtherCredential';
const registrationRefused = (code: RegistrationRefusal) => new AppError(code, { target: 'credential' });

/**
 * Verifies the browser's answer to passkeyRegistrationOptions and stores the passkey with its relying party, counter,
 * backup state, AAGUID and transports, in one transaction with Entra's "User registered security info" entry.
 */
export async function registerPasskey(
  deps: Deps,
  ctx: RequestContext,
  user: UserRecord,
  input: { credential: unknown; displayName: unknown; session?: RegisteringSession },
): Promise<Fido2MethodRecord & { retiredPass?: RetiredPass }> {
  const displayName = passkeyName(input.displayName);
  const parsed = parseCredential(input.credential, 'registration');
  if (!parsed) throw registrationRefused('passkeyAnswerInvalid');
  const now = deps.clock.now();
  const challenge = await createWebauthnChallengesRepo(deps.db).consume(
    challengeHash(deps, { kind: 'registration', userId: user.id }, parsed.challenge),
    'registration',
    now.getTime(),
  );
  if (!challenge || challenge.userId !== user.id) throw registrationRefused('passkeyRegistrationExpired');
  let verified: Awaited<ReturnType<WebAuthnServer['verifyRegistrationResponse']>>;
  try {
    verified = await (await webauthnServer()).verifyRegistrationResponse({
      response: parsed.response as unknown as RegistrationResponseJSON,
      expectedChallenge: parsed.challenge,
      expectedOrigin: deps.config.issuer,
      expectedRPID: deps.config.rpId,
      requireUserPresence: true,
      requireUserVerification: true,
    });
  } catch (e) {
    deps.log.info({ err: e, userId: user.id }, 'passkey registration did not verify');
    throw registrationRefused('passkeyNotVerifiedNeedsUserVerification');
  }
  if (!verified.verified) throw registrationRefused('passkeyNotVerified');
  const info = verified.registrationInfo;
  // The id the browser reports must be the one the authenticator attested (the library checks only the latter).
  if (info.credential.id !== (parsed.response as { id: string }).id)
    throw registrationRefused('passkeyOtherCredential');
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
        throw new AppError('passkeyAlreadyRegistered', { target: 'credential' });
      await repo.insert(method);
      await record(securityInfoEntry('registered', 'User', 'fido2', user, user.id, method));
      const registered = {
        kind: 'fido2',
        id: method.id,
        displayName,
        amr: isHardwareBound(method) ? 'hwk' : 'swk',
      } as const;
      const retiredPass = await settlePassAfterRegistration(tx, deps, record, user, registered, input.session);
      return retiredPass ? { ...method, retiredPass } : method;
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
      if (!before || !(await repo.rename(user.id, id, name))) throw new AppError('passkeyNotFound', { target: 'id' });
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
