// Password acceptance rules after NIST SP 800-63B §3.1.1.2: length, blocklist, context words — and nothing else.
import { COMMON_PASSWORDS } from './common-passwords.js';

/** 800-63B: at least 8 characters when the password is one factor of several (Gatepass's security defaults). */
export const PASSWORD_MIN_LENGTH = 8;
/** 800-63B asks to allow at least 64; 256 leaves room for passphrases while bounding the hashing input. */
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordRefusal = 'tooShort' | 'tooLong' | 'common' | 'equalsUsername' | 'invalidCharacters';

export type PasswordCheck =
  | { readonly ok: true; readonly normalized: string }
  | { readonly ok: false; readonly reason: PasswordRefusal; readonly message: string };

export interface PasswordContext {
  readonly userPrincipalName: string;
}

const MESSAGES: Readonly<Record<PasswordRefusal, string>> = {
  tooShort: `Your password must be at least ${PASSWORD_MIN_LENGTH} characters long.`,
  tooLong: `Your password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
  common: 'This password is too common and appears in lists of breached passwords. Choose another one.',
  equalsUsername: 'Your password must not be your user name.',
  invalidCharacters: 'Your password contains characters that cannot be stored. Choose another one.',
};

// NFKC composes at most 4 code points into 1 (e.g. U+1FA7) and a code point takes at most 2 UTF-16
// units, so longer raw input cannot normalise to an acceptable length: refuse it before normalising.
const RAW_UNITS_LIMIT = PASSWORD_MAX_LENGTH * 8;

// A lone UTF-16 surrogate has no UTF-8 encoding: it would be hashed as U+FFFD, so two different
// passwords would verify as each other. Form posts cannot carry one; a JSON body can ("\ud800").
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * NFKC, as 800-63B §3.1.1.2 asks, so that a password typed on another keyboard or OS (full-width
 * digits, composed vs decomposed accents, ligatures) still matches. Hash the normalised form.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in Unicode code points, which is how 800-63B counts characters (not UTF-16 units). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/** The words shown for a refused password (the sign-in pages, and the Graph refusal `passwordRefused`). */
export function passwordRefusalMessage(reason: PasswordRefusal): string {
  return MESSAGES[reason];
}

function refuse(reason: PasswordRefusal): PasswordCheck {
  return { ok: false, reason, message: MESSAGES[reason] };
}

function foldCase(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The UPN and its local part: the context-specific words 800-63B names ("the username"). */
function usernameForms(userPrincipalName: string): string[] {
  const upn = foldCase(userPrincipalName.trim());
  const at = upn.lastIndexOf('@');
  const local = at === -1 ? upn : upn.slice(0, at);
  return [upn, local].filter((form) => form.length > 0);
}

/**
 * Decides whether a new password is acceptable and returns the form to hash. No composition rules
 * (digits, symbols, case) and no periodic expiry: 800-63B forbids both because they push users to
 * predictable patterns.
 */
export function checkPassword(password: string, context: PasswordContext): PasswordCheck {
  if (password.length > RAW_UNITS_LIMIT) return refuse('tooLong');
  if (LONE_SURROGATE.test(password)) return refuse('invalidCharacters');
  const normalized = normalizePassword(password);
  const length = codePointLength(normalized);
  if (length < PASSWORD_MIN_LENGTH) return refuse('tooShort');
  if (length > PASSWORD_MAX_LENGTH) return refuse('tooLong');
  const folded = normalized.toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) return refuse('common');
  if (usernameForms(context.userPrincipalName).includes(folded)) return refuse('equalsUsername');
  return { ok: true, normalized };
}
