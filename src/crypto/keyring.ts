// The keyring: one server key (plus retired ones) from which HKDF derives a sub-key per purpose.
// Every keyed hash and ciphertext names the key it was made with, so keys can rotate without locking anyone out.

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { secretsEqual } from '../domain/secrets.js';

export type KeyPurpose =
  | 'password-pepper'
  | 'secret-encryption'
  | 'id-hash'
  | 'client-secret-hash'
  | 'oidc-payload-encryption';

interface ServerKey {
  id: string;
  material: Buffer;
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** Parses a 32-byte key written as base64url (43 chars) or hex (64 chars). */
export function parseServerKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9_-]{43}=?$/.test(t)) return Buffer.from(t.replace(/=$/, ''), 'base64url');
  throw new KeyringError('a server key must be 32 bytes written as 64 hex digits or 43 base64url characters');
}

export const generateServerKey = (): string => randomBytes(32).toString('base64url');

/** A short public name for a key: it tells which key made a hash without revealing anything about it. */
const keyIdOf = (material: Buffer): string =>
  createHmac('sha256', material).update('gatepass key id').digest('base64url').slice(0, 8);

/** The key check value recorded in the store: proves a key is the right one without storing the key. */
const checkValueOf = (material: Buffer): string =>
  createHmac('sha256', material).update('gatepass key check value').digest('base64url');

export class Keyring {
  private readonly keys: ServerKey[];
  private readonly derived = new Map<string, Buffer>();
  private readonly macKeys = new Map<string, KeyObject>();

  /** `current` signs and encrypts; `previous` keys only verify and decrypt. */
  constructor(current: Buffer, previous: Buffer[] = []) {
    this.keys = [current, ...previous].map((material) => ({ id: keyIdOf(material), material }));
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  checkValues(): { keyId: string; checkValue: string }[] {
    return this.keys.map((k) => ({ keyId: k.id, checkValue: checkValueOf(k.material) }));
  }

  /** True when `checkValue` belongs to the key named `keyId`, compared in constant time. */
  matchesCheckValue(keyId: string, checkValue: string): boolean {
    const key = this.keys.find((k) => k.id === keyId);
    return key !== undefined && secretsEqual(checkValueOf(key.material), checkValue);
  }

  subKey(purpose: KeyPurpose, keyId = this.currentKeyId): Buffer {
    const cacheKey = `${keyId}:${purpose}`;
    let sub = this.derived.get(cacheKey);
    if (!sub) {
      const key = this.keys.find((k) => k.id === keyId);
      if (!key) throw new KeyringError(`unknown key id ${keyId}`);
      sub = Buffer.from(hkdfSync('sha256', key.material, 'gatepass/v1', purpose, 32));
      this.derived.set(cacheKey, sub);
    }
    return sub;
  }

  hasKey(keyId: string): boolean {
    return this.keys.some((k) => k.id === keyId);
  }

  /** `<keyId>.<HMAC-SHA256>`: a keyed hash of an identifier or machine secret, used as a lookup key. */
  keyedHash(purpose: KeyPurpose, value: string, keyId = this.currentKeyId): string {
    const mac = createHmac('sha256', this.macKey(purpose, keyId)).update(value, 'utf8').digest('base64url');
    return `${keyId}.${mac}`;
  }

  /** The sub-key as a KeyObject, made once: createHmac would import a Buffer key again at every call. */
  private macKey(purpose: KeyPurpose, keyId: string): KeyObject {
    const cacheKey = `${keyId}:${purpose}`;
    let key = this.macKeys.get(cacheKey);
    if (!key) {
      key = createSecretKey(this.subKey(purpose, keyId));
      this.macKeys.set(cacheKey, key);
    }
    return key;
  }

  /** The keyed hash under every key still held: look a value up with `where hash in (...)` during a rotation. */
  keyedHashCandidates(purpose: KeyPurpose, value: string): string[] {
    return this.keys.map((k) => this.keyedHash(purpose, value, k.id));
  }

  /** Whether `presented` is the keyed hash of `value` under any key still held; every candidate compared in constant time. */
  matchesKeyedHash(purpose: KeyPurpose, value: string, presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    let match = false;
    for (const expected of this.keyedHashCandidates(purpose, value)) match = secretsEqual(expected, presented) || match;
    return match;
  }

  /** AES-256-GCM; the output names the key and binds `context` as additional data. */
  encrypt(purpose: KeyPurpose, plaintext: string | Buffer, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subKey(purpose), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.currentKeyId,
      iv.toString('base64url'),
      body.toString('base64url'),
      tag.toString('base64url'),
    ].join('.');
  }

  decrypt(purpose: KeyPurpose, sealed: string, context = ''): Buffer {
    const [version, keyId, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !keyId || iv === undefined || body === undefined || tag === undefined)
      throw new KeyringError('not a Gatepass ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.subKey(purpose, keyId), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  decryptText(purpose: KeyPurpose, sealed: string, context = ''): string {
    return this.decrypt(purpose, sealed, context).toString('utf8');
  }

  /** The pepper fed to argon2 as its secret input, for the named key. */
  pepper(keyId = this.currentKeyId): Buffer {
    return this.subKey('password-pepper', keyId);
  }
}
