// Authenticator-app codes: HOTP (RFC 4226) over time steps (RFC 6238) with the parameters every authenticator app
// reads from an otpauth URI — HMAC-SHA1, 6 digits, 30-second steps — and base32 (RFC 4648) for the shared key.

import { createHmac } from 'node:crypto';
import { secretsEqual } from './secrets.js';

export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** RFC 4226 §4 requires at least 128 bits and recommends 160: the length of an SHA-1 block key that apps expect. */
export const TOTP_SECRET_BYTES = 20;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32. Authenticator apps read it without padding, as Google's Key Uri Format asks. */
export function base32Encode(bytes: Uint8Array, { padding = false }: { padding?: boolean } = {}): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  if (padding) while (out.length % 8 !== 0) out += '=';
  return out;
}

export class Base32Error extends Error {
  override name = 'Base32Error';
}

/** Decodes base32 as people type it: any case, spaces and hyphens between groups, with or without padding. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  // Lengths 1, 3 and 6 (mod 8) cannot end a whole number of bytes (RFC 4648 §6).
  if ([1, 3, 6].includes(clean.length % 8)) throw new Base32Error('base32 text has an impossible length');
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const ch of clean) {
    const value = BASE32_ALPHABET.indexOf(ch);
    if (value < 0) throw new Base32Error(`'${ch}' is not a base32 character`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

/** The time step of an instant (RFC 6238 §4.2: T = floor((Unix time − T0) / X), T0 = 0). */
export function timeStep(at: Date, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(at.getTime() / 1000 / periodSeconds);
}

/** RFC 4226 §5.3: HMAC-SHA1 of the 8-byte counter, dynamic truncation, the low `digits` decimal digits. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0)
    throw new RangeError(`counter must be a non-negative integer, got ${counter}`);
  if (!Number.isInteger(digits) || digits < 6 || digits > 10)
    throw new RangeError(`digits must be 6 to 10, got ${digits}`);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code an authenticator app shows at `at`. */
export function totp(secret: Uint8Array, at: Date, digits = TOTP_DIGITS, periodSeconds = TOTP_PERIOD_SECONDS): string {
  return hotp(secret, timeStep(at, periodSeconds), digits);
}

/** A code as people type it: spaces removed ("123 456"); anything else but exactly `digits` digits is not a code. */
export function normalizeCode(entered: string, digits = TOTP_DIGITS): string | undefined {
  const code = entered.replace(/\s/g, '');
  return code.length === digits && /^[0-9]+$/.test(code) ? code : undefined;
}

/**
 * The time step whose code is `code`, looking `window` steps either side of now (RFC 6238 §5.2 allows one step of
 * clock drift and transmission delay), or null. Every step of the window is computed and compared in constant time,
 * so timing tells nothing about which one matched. The current step wins a (1 in a million) tie, then the earlier.
 */
export function matchStep(secret: Uint8Array, code: string, now: Date, window = 1): number | null {
  const entered = normalizeCode(code);
  const current = timeStep(now);
  const order = [0];
  for (let d = 1; d <= window; d++) order.push(-d, d);
  let found: number | null = null;
  for (const delta of order) {
    const step = current + delta;
    if (step < 0) continue;
    const equal = secretsEqual(hotp(secret, step), entered ?? '');
    if (equal && found === null && entered !== undefined) found = step;
  }
  return found;
}

export interface OtpauthUriInput {
  /** Shown by the app as the account's provider, e.g. the tenant's name. */
  issuer: string;
  /** The account, e.g. the user's UPN. */
  accountName: string;
  secret: Uint8Array;
}

/** Google's Key Uri Format: "neither issuer nor account name may themselves contain a colon" (apps split on it). */
const withoutColons = (s: string) => s.replace(/:/g, '').replace(/\s+/g, ' ').trim();

/**
 * Google's Key Uri Format, read by every authenticator app:
 * `otpauth://totp/{issuer}:{account}?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`, each part
 * percent-encoded; the same issuer in the label and the parameter, as the format recommends.
 */
export function otpauthUri(input: OtpauthUriInput): string {
  const issuer = withoutColons(input.issuer);
  const { secret } = input;
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(withoutColons(input.accountName))}`;
  const query = [
    `secret=${base32Encode(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** The key as it is shown for typing in: groups of four characters. */
export const groupedKey = (base32: string): string => (base32.match(/.{1,4}/g) ?? []).join(' ');
