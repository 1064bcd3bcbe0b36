// Constant-time comparison for every secret Gatepass compares itself (argon2 verifies its own hashes).

import { timingSafeEqual } from 'node:crypto';

/** Compares two secrets without leaking, through timing, where they differ or how long the expected one is. */
export function secretsEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a);
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
  const length = Math.max(x.length, y.length, 1);
  const px = Buffer.alloc(length);
  const py = Buffer.alloc(length);
  x.copy(px);
  y.copy(py);
  return timingSafeEqual(px, py) && x.length === y.length;
}
