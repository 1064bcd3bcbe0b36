// The pass itself: an alphabet that survives being read over the phone, unbiased generation, display and input normalisation.
import { TAP_LIMITS } from './constants.js';

/**
 * 40 symbols, mixed case. A single case was the first idea (nothing to say but the letter), but one
 * case plus digits is 36 symbols before removing look-alikes: too few bits per character. So the pass
 * is case-sensitive, and the alphabet removes what makes mixed case hard to read and hear:
 * - 0 O o, 1 I i l: zero/oh, one/eye/ell;
 * - 2 Z z, 5 S s, 8 B b: the letters go, the digits stay (b would also pass for 6 and 8);
 * - c k p u v w x y (and s z o): lower case dropped because it has the upper-case shape, so "capital
 *   or small?" never has to be asked for those letters — only the upper case is in the alphabet;
 * - r: "rn" reads as "m".
 * What is left has distinct shapes in both cases (a/A, d/D, e/E, f/F, g/G, h/H, j/J, m/M, n/N, q/Q, t/T).
 * log2(40) ≈ 5.32 bits per character: 8 characters ≈ 42.6 bits, 48 characters ≈ 255.5 bits.
 */
export const ALPHABET = '23456789ACDEFGHJKLMNPQRTUVWXYadefghjmnqt';

const SIZE = ALPHABET.length;
/** Bytes at or above this are rejected: keeping them would favour the first 256 mod 40 = 16 symbols. */
export const REJECTION_CUTOFF = Math.floor(256 / SIZE) * SIZE;

/** A broken random source (all bytes ≥ the cutoff) must fail loudly, not loop forever. */
const MAX_BATCHES = 64;

/** Shown with every new pass (the pass is shown once). */
export const PASS_DISPLAY_NOTE =
  'The pass is case-sensitive. It is shown only once; spaces between groups are optional when typing it.';

/** Bits of entropy of a generated pass of this many characters. */
export function entropyBits(length: number): number {
  return length * Math.log2(SIZE);
}

/**
 * A pass of `length` symbols (8..48) by rejection sampling, so every symbol has probability exactly
 * 1/40. `randomBytes` must be a CSPRNG (crypto.randomBytes in production); it is a parameter so that
 * the domain stays pure and tests can steer it.
 */
export function generatePass(length: number, randomBytes: (n: number) => Uint8Array): string {
  if (!Number.isInteger(length) || length < TAP_LIMITS.minLength || length > TAP_LIMITS.maxLength) {
    throw new RangeError(
      `A Temporary Access Pass has ${TAP_LIMITS.minLength} to ${TAP_LIMITS.maxLength} characters; got ${length}.`,
    );
  }
  const symbols: string[] = [];
  for (let batch = 0; symbols.length < length; batch += 1) {
    if (batch === MAX_BATCHES) throw new Error('The random source keeps returning bytes that cannot be used.');
    const missing = length - symbols.length;
    // 16 of 256 bytes are rejected; a few spare bytes make a second batch rare.
    for (const byte of randomBytes(missing + Math.ceil(missing / 8) + 2)) {
      if (byte >= REJECTION_CUTOFF) continue;
      symbols.push(ALPHABET[byte % SIZE]!);
      if (symbols.length === length) break;
    }
  }
  return symbols.join('');
}

/** "ACDE FGHJ KL": groups of 4, easier to read out and to check. The spaces are not part of the pass. */
export function formatPassForDisplay(pass: string): string {
  return (pass.match(/.{1,4}/gsu) ?? []).join(' ');
}

// Whitespace of every kind, zero-width characters from copy and paste, and hyphens and dashes a user
// may type between groups. None of these is in the alphabet, so removing them cannot change a pass.
const SEPARATORS = /[\s\u200B-\u200D\u2060\uFEFF\-\u2010-\u2015\u2212]/gu;

/**
 * What the user typed, as it is hashed: NFKC (full-width letters from some keyboards become ASCII),
 * separators removed. The case is never changed: the pass is case-sensitive.
 */
export function normalizeEnteredPass(input: string): string {
  return input.normalize('NFKC').replace(SEPARATORS, '');
}
