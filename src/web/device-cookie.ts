// The familiar-browser cookie of smart lock-out: set after each completed sign-in, it names the user and is signed
// with a keyring-derived key, so a browser presenting a valid one for the user signing in is counted apart from
// strangers (services/throttle.ts). It grants nothing by itself: it only keeps the user out of strangers' lock-out.

import { randomBytes } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';
import { isGuid } from '../domain/ids.js';

/** How long a browser stays familiar without a sign-in (Entra keeps familiar locations about as long). */
export const DEVICE_COOKIE_DAYS = 60;

export const deviceCookieName = (https: boolean) => (https ? '__Host-gp-device' : 'gp-device');

const signed = (userId: string, issuedAt: number, nonce: string) => `device-cookie:${userId}:${issuedAt}:${nonce}`;

/** A fresh cookie value for `userId`: user, issue time (epoch seconds), a random nonce and their keyed MAC. */
export function deviceCookieValue(keyring: Keyring, userId: string, now: Date): string {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const nonce = randomBytes(12).toString('base64url');
  return [userId, issuedAt, nonce, keyring.keyedHash('id-hash', signed(userId, issuedAt, nonce))].join('.');
}

/** The user a presented cookie names, when its MAC checks out (under any key still held) and it has not expired. */
export function userOfDeviceCookie(keyring: Keyring, value: unknown, now: Date): string | undefined {
  if (typeof value !== 'string' || value.length > 300) return undefined;
  const [userId, issued, nonce, ...mac] = value.split('.');
  const issuedAt = Number(issued);
  if (!userId || !isGuid(userId) || !nonce || !Number.isSafeInteger(issuedAt) || mac.length === 0) return undefined;
  if (now.getTime() / 1000 - issuedAt > DEVICE_COOKIE_DAYS * 86_400) return undefined;
  return keyring.matchesKeyedHash('id-hash', signed(userId, issuedAt, nonce), mac.join('.'))
    ? userId.toLowerCase()
    : undefined;
}
