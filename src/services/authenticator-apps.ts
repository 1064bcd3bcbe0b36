// Authenticator apps (TOTP): registering one from Security info (a fresh secret, sealed in the form until one right
// code confirms it, then stored encrypted and bound to its user and method) and checking a code at sign-in
// (throttled per factor, every app of the user, each time step accepted at most once).

import { type RegisteringSession, type RetiredPass, settlePassAfterRegistration } from './pass-retirement.js';
import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { base32Encode, matchStep, normalizeCode, otpauthUri, TOTP_SECRET_BYTES } from '../domain/totp.js';
import { isUniqueViolation } from '../store/db.js';
import { createAuthenticatorAppsRepo, type AuthenticatorAppRecord } from '../store/repos/authenticator-apps.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited } from './audited.js';
import { securityInfoEntry } from './authentication-methods.js';
import type { Deps, RequestContext } from './deps.js';
import { attemptFailed, beginAttempt, giveBack, isFamiliar, type ThrottleSubject } from './throttle.js';

/** How long a registration shown on the page may be confirmed (the method-change window still applies on top). */
export const PENDING_REGISTRATION_MINUTES = 10;
export const DEFAULT_AUTHENTICATOR_APP_NAME = 'Authenticator app';
export const MAX_AUTHENTICATOR_APP_NAME = 64;

type AppOwner = Pick<UserRecord, 'id' | 'userPrincipalName' | 'displayName'>;

/** Associated data of the stored secret: a ciphertext copied to another user's or method's row does not decrypt. */
const storedSecretAad = (userId: string, methodId: string) => `totp:${userId}:${methodId}`;
/** Associated data of the secret sealed in the form: this user, this purpose, this expiry (which cannot be moved). */
const pendingAad = (userId: string, methodId: string, expiresAtMs: number) =>
  `totp-registration:${userId}:${methodId}:${expiresAtMs}`;

export interface PendingAppRegistration {
  /** What the form carries: `{expiry}.{method id}.{sealed secret}`; it opens only for this user until it expires. */
  token: string;
  methodId: string;
  /** The key in base32, for typing into an app; shown on this page only, never again. */
  secretBase32: string;
  /** The otpauth URI the QR code encodes. */
  uri: string;
  expiresAt: Date;
}

function pendingOf(
  deps: Pick<Deps, 'tenant'>,
  user: AppOwner,
  methodId: string,
  secret: Uint8Array,
  expiresAtMs: number,
  token: string,
): PendingAppRegistration {
  return {
    token,
    methodId,
    secretBase32: base32Encode(secret),
    uri: otpauthUri({ issuer: deps.tenant.displayName || 'Gatepass', accountName: user.userPrincipalName, secret }),
    expiresAt: new Date(expiresAtMs),
  };
}

/** A new secret for the registration page: 160 random bits (RFC 4226 §4), held only sealed in the page's form. */
export function beginAuthenticatorAppRegistration(
  deps: Pick<Deps, 'keyring' | 'clock' | 'tenant'>,
  user: AppOwner,
): PendingAppRegistration {
  const secret = randomBytes(TOTP_SECRET_BYTES);
  const methodId = newId();
  const expiresAtMs = deps.clock.now().getTime() + PENDING_REGISTRATION_MINUTES * 60_000;
  const sealed = deps.keyring.encrypt('secret-encryption', secret, pendingAad(user.id, methodId, expiresAtMs));
  return pendingOf(deps, user, methodId, secret, expiresAtMs, `${expiresAtMs}.${methodId}.${sealed}`);
}

function unseal(
  deps: Pick<Deps, 'keyring' | 'clock' | 'tenant'>,
  user: AppOwner,
  token: unknown,
): { pending: PendingAppRegistration; secret: Buffer } | undefined {
  if (typeof token !== 'string' || token.length > 1000) return undefined;
  const m = /^(\d{1,15})\.([0-9a-f-]{36})\.(.+)$/.exec(token);
  if (!m) return undefined;
  const expiresAtMs = Number(m[1]);
  const methodId = m[2]!;
  if (expiresAtMs <= deps.clock.now().getTime()) return undefined;
  try {
    const secret = deps.keyring.decrypt('secret-encryption', m[3]!, pendingAad(user.id, methodId, expiresAtMs));
    if (secret.length !== TOTP_SECRET_BYTES) return undefined;
    return { pending: pendingOf(deps, user, methodId, secret, expiresAtMs, token), secret };
  } catch {
    return undefined;
  }
}

/** The registration a form carried back, or undefined when it is malformed, expired, altered or another user's. */
export function openAuthenticatorAppRegistration(
  deps: Pick<Deps, 'keyring' | 'clock' | 'tenant'>,
  user: AppOwner,
  token: unknown,
): PendingAppRegistration | undefined {
  return unseal(deps, user, token)?.pending;
}

/** The name the user gave the app: trimmed, 1 to 64 characters, no control characters. */
export function parseAppName(entered: unknown): string {
  const name = typeof entered === 'string' ? entered.trim().replace(/\s+/g, ' ') : '';
  if (name.length === 0 || name.length > MAX_AUTHENTICATOR_APP_NAME || /\p{Cc}/u.test(name))
    throw new AppError('authenticatorAppNameInvalid', {
      target: 'displayName',
      params: { max: MAX_AUTHENTICATOR_APP_NAME },
    });
  return name;
}

/** Entra's audit entry for a user who registered an authenticator app (ENTRA-REFERENCE §7.1's pattern). */
function registeredEntry(user: AppOwner, method?: { id: string; displayName: string }): AuditEntry {
  return securityInfoEntry('registered', 'User', 'softwareOath', user, user.id, method);
}

export interface ConfirmAppInput {
  /** The form's sealed registration (see beginAuthenticatorAppRegistration). */
  token: unknown;
  code: unknown;
  displayName: unknown;
  /** The Security info session registering it: it survives the retirement of the pass it signed in with. */
  session?: RegisteringSession;
}

/**
 * Saves the app once the user typed one code it shows (±1 step), in one transaction with its audit entry. The
 * secret is stored encrypted, bound to the user and method; the confirming step counts as used, so the same code
 * cannot then sign in. The method id comes from the sealed registration: the same form sent twice stores one app.
 * Refusals are AppErrors whose target names the field (`code`, `displayName`, `pending`).
 */
export async function confirmAuthenticatorAppRegistration(
  deps: Deps,
  ctx: RequestContext,
  user: AppOwner,
  input: ConfirmAppInput,
): Promise<AuthenticatorAppRecord & { retiredPass?: RetiredPass }> {
  const displayName = parseAppName(input.displayName);
  const code = typeof input.code === 'string' ? normalizeCode(input.code) : undefined;
  if (code === undefined) throw new AppError('authenticatorAppCodeFormat', { target: 'code' });
  return audited(
    deps,
    ctx,
    () => registeredEntry(user),
    async (tx, record) => {
      const opened = unseal(deps, user, input.token);
      if (!opened) throw new AppError('authenticatorAppRegistrationExpired', { target: 'pending' });
      const { pending, secret } = opened;
      const now = deps.clock.now();
      const step = matchStep(secret, code, now);
      if (step === null) throw new AppError('authenticatorAppWrongCode', { target: 'code' });
      const method: AuthenticatorAppRecord = {
        id: pending.methodId,
        userId: user.id,
        secretCiphertext: deps.keyring.encrypt('secret-encryption', secret, storedSecretAad(user.id, pending.methodId)),
        displayName,
        createdAt: now,
        // The confirming code's step is spent (acceptStep's rule from the start); last_used_at stays for sign-ins.
        lastUsedStep: step,
        lastUsedAt: null,
      };
      try {
        await createAuthenticatorAppsRepo(tx).insert(method);
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError('authenticatorAppAlreadyRegistered', { target: 'pending' });
        throw e;
      }
      await record(registeredEntry(user, method));
      const registered = { kind: 'softwareOath', id: method.id, displayName, amr: 'otp' } as const;
      const retiredPass = await settlePassAfterRegistration(tx, deps, record, user, registered, input.session);
      return retiredPass ? { ...method, retiredPass } : method;
    },
  );
}

/** The secret of a stored app, or undefined when its ciphertext does not open for this user and method. */
export function openStoredSecret(
  deps: Pick<Deps, 'keyring'>,
  method: Pick<AuthenticatorAppRecord, 'id' | 'userId' | 'secretCiphertext'>,
): Buffer | undefined {
  try {
    return deps.keyring.decrypt(
      'secret-encryption',
      method.secretCiphertext,
      storedSecretAad(method.userId, method.id),
    );
  } catch {
    return undefined;
  }
}

export type AuthenticatorCodeCheck =
  | { ok: true; methodId: string; step: number }
  /** No app of the user shows this code now (or the user has none, or is unknown). */
  | { ok: false; kind: 'wrong' }
  /** A right code whose time step was already accepted (at sign-in or at registration). */
  | { ok: false; kind: 'replayed' }
  | { ok: false; kind: 'throttled'; retryAfterSeconds: number };

export interface VerifyCodeInput {
  subject: ThrottleSubject;
  userId: string | null;
  code: string;
  ipAddress: string | null;
  /** The user a valid device cookie of this browser names (smart lock-out: a familiar browser is counted apart). */
  familiarUserId?: string | null;
}

/**
 * A sign-in's authenticator code: counted before it is checked (factor 'authenticatorApp', apart from passwords and passes),
 * tried against every app of the user within ±1 step, then accepted by one conditional update, so of any number of
 * concurrent submissions of one code exactly one wins. A right code, even a replayed one, is given back: it was
 * not a guess.
 */
export async function verifyAuthenticatorCode(deps: Deps, input: VerifyCodeInput): Promise<AuthenticatorCodeCheck> {
  const start = await beginAttempt(deps, input.subject, input.ipAddress, 'authenticatorApp', isFamiliar(input));
  if (!start.allowed) return { ok: false, kind: 'throttled', retryAfterSeconds: start.retryAfterSeconds };

  const repo = createAuthenticatorAppsRepo(deps.db);
  const apps = input.userId ? await repo.listOfUser(input.userId) : [];
  const now = deps.clock.now();
  const matches: { methodId: string; step: number }[] = [];
  for (const app of apps) {
    const secret = openStoredSecret(deps, app);
    if (!secret) {
      deps.log.warn(
        { methodId: app.id, userId: app.userId },
        'an authenticator app secret does not decrypt (key retired, or the row was altered)',
      );
      continue;
    }
    const step = matchStep(secret, input.code, now);
    if (step !== null) matches.push({ methodId: app.id, step });
  }
  if (matches.length === 0) {
    await attemptFailed(deps, start.ticket);
    return { ok: false, kind: 'wrong' };
  }
  await giveBack(deps, start.ticket);
  for (const m of matches) if (await repo.acceptStep(m.methodId, m.step, now.getTime())) return { ok: true, ...m };
  return { ok: false, kind: 'replayed' };
}
