// The real argon2 primitives, counted at the lowest level: a test sees how many argon2 verifications really ran,
// so a code path that skips the work (e.g. an unknown user answered at once) cannot hide behind a counted wrapper.

import { hash, verify } from '@node-rs/argon2';
import type { Argon2Primitives } from '../../src/crypto/password-hasher.js';

export interface CountedArgon2 {
  primitives: Argon2Primitives;
  /** Real argon2 verifications run so far. */
  verifies: number;
}

export function countedArgon2(): CountedArgon2 {
  const counted: CountedArgon2 = {
    verifies: 0,
    primitives: {
      hash,
      verify: (...args: Parameters<typeof verify>) => {
        counted.verifies += 1;
        return verify(...args);
      },
    },
  };
  return counted;
}
