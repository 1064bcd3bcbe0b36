// argon2id hashing of everything people type (passwords, passes), peppered from the keyring, off the event loop,
// through a bounded queue: unauthenticated hashing is a denial-of-service target, so excess work is refused, not piled up.

import { availableParallelism } from 'node:os';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { AppError } from '../domain/errors.js';
import type { Keyring } from './keyring.js';

/** OWASP's argon2id recommendation (m=19 MiB, t=2, p=1); pinned so benchmarks compare like with like. */
export const ARGON2_PARAMS = Object.freeze({
  algorithm: 2, // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

export interface VerifyResult {
  ok: boolean;
  /** The hash was made with a retired key or older parameters: store a fresh one now that the secret is known. */
  needsRehash: boolean;
}

export interface PasswordHasher {
  /** `<keyId>$<argon2id PHC string>` */
  hash(secret: string): Promise<string>;
  /** With no stored hash, still spends one verify so that timing does not tell whether a record exists. */
  verify(stored: string | undefined | null, secret: string): Promise<VerifyResult>;
  readonly stats: { running: number; waiting: number };
}

/** The argon2 primitives the hasher calls; replaceable so tests can count the real work done, not calls to a wrapper. */
export interface Argon2Primitives {
  hash: typeof argonHash;
  verify: typeof argonVerify;
}

export interface HasherOptions {
  concurrency?: number;
  queueLimit?: number;
  argon2?: Argon2Primitives;
}

class BoundedQueue {
  running = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(
    private readonly concurrency: number,
    private readonly limit: number,
  ) {}

  get waiting(): number {
    return this.waiters.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiters.length >= this.limit) throw new AppError('busy', { retryAfter: 1 });
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.running--;
    }
  }
}

export function createPasswordHasher(keyring: Keyring, options: HasherOptions = {}): PasswordHasher {
  const queue = new BoundedQueue(options.concurrency || availableParallelism(), options.queueLimit ?? 64);
  const argon2 = options.argon2 ?? { hash: argonHash, verify: argonVerify };
  let dummy: Promise<string> | undefined;
  const phcOf = (secret: string, keyId: string) =>
    argon2.hash(secret, { ...ARGON2_PARAMS, secret: keyring.pepper(keyId) });
  const refuseAfterEqualWork = async (secret: string): Promise<VerifyResult> => {
    dummy ??= phcOf('gatepass dummy secret', keyring.currentKeyId);
    await argon2.verify(await dummy, secret, { secret: keyring.pepper() });
    return { ok: false, needsRehash: false };
  };
  const currentParams = `m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}`;

  const verifyStored = async (stored: string, secret: string): Promise<VerifyResult> => {
    const sep = stored.indexOf('$');
    const keyId = stored.slice(0, sep);
    const phc = stored.slice(sep + 1);
    // Made with a key this process no longer holds: spend the same work, then refuse.
    if (sep <= 0 || !keyring.hasKey(keyId)) return refuseAfterEqualWork(secret);
    const ok = await argon2.verify(phc, secret, { secret: keyring.pepper(keyId) });
    return { ok, needsRehash: ok && (keyId !== keyring.currentKeyId || !phc.includes(currentParams)) };
  };

  return {
    hash: (secret) => queue.run(async () => `${keyring.currentKeyId}$${await phcOf(secret, keyring.currentKeyId)}`),
    verify: (stored, secret) => queue.run(() => (stored ? verifyStored(stored, secret) : refuseAfterEqualWork(secret))),
    get stats() {
      return { running: queue.running, waiting: queue.waiting };
    },
  };
}
