// The real argon2id hasher, counted: every verify is one hash spent, so tests can tell how many a flow cost.

import type { PasswordHasher } from '../../src/crypto/password-hasher.js';

export interface CountingHasher extends PasswordHasher {
  verifies: number;
}

export function countingHasher(real: PasswordHasher): CountingHasher {
  const counted: CountingHasher = {
    verifies: 0,
    hash: (s) => real.hash(s),
    verify: (stored, s) => {
      counted.verifies += 1;
      return real.verify(stored, s);
    },
    get stats() {
      return real.stats;
    },
  };
  return counted;
}
