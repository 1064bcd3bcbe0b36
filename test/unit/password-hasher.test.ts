// argon2id with a pepper: the production parameters, rehash after rotation, the dummy verify, and the bounded queue.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Keyring } from '../../src/crypto/keyring.js';
import { ARGON2_PARAMS, createPasswordHasher } from '../../src/crypto/password-hasher.js';
import type { AppError } from '../../src/domain/errors.js';
import { countedArgon2 } from '../support/argon2-spy.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

describe('password hasher', () => {
  it('stores argon2id m=19456,t=2,p=1 tagged with the key id, and verifies only the right secret', async () => {
    const ring = new Keyring(keyA);
    const hasher = createPasswordHasher(ring);
    const stored = await hasher.hash('correct horse battery staple');
    assert.match(stored, new RegExp(`^${ring.currentKeyId}\\$\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$`));
    assert.equal(ARGON2_PARAMS.memoryCost, 19456);
    assert.deepEqual(await hasher.verify(stored, 'correct horse battery staple'), { ok: true, needsRehash: false });
    assert.deepEqual(await hasher.verify(stored, 'Correct horse battery staple'), { ok: false, needsRehash: false });
  });

  it('needs the pepper: the same hash does not verify under another server key', async () => {
    const stored = await createPasswordHasher(new Keyring(keyA)).hash('pepper matters');
    const other = createPasswordHasher(new Keyring(keyB));
    assert.equal((await other.verify(stored, 'pepper matters')).ok, false);
  });

  it('asks for a rehash after a key rotation, and never for a wrong secret', async () => {
    const stored = await createPasswordHasher(new Keyring(keyA)).hash('rotate me please');
    const rotated = createPasswordHasher(new Keyring(keyB, [keyA]));
    assert.deepEqual(await rotated.verify(stored, 'rotate me please'), { ok: true, needsRehash: true });
    assert.deepEqual(await rotated.verify(stored, 'rotate me wrongly'), { ok: false, needsRehash: false });
  });

  it('a missing hash still costs a verify and fails', async () => {
    const hasher = createPasswordHasher(new Keyring(keyA));
    assert.deepEqual(await hasher.verify(null, 'anything at all'), { ok: false, needsRehash: false });
  });

  it('spends one real argon2 verification for a missing hash and a retired key, as for a known hash', async () => {
    const stored = await createPasswordHasher(new Keyring(keyA)).hash('a known secret');
    const argon2 = countedArgon2();
    // keyB's ring does not hold keyA: `stored` stands for a hash made with a key this process no longer has.
    const hasher = createPasswordHasher(new Keyring(keyB), { argon2: argon2.primitives });
    const known = await hasher.hash('a known secret');
    const workFor = async (hash: string | null | undefined) => {
      const before = argon2.verifies;
      assert.equal((await hasher.verify(hash, 'a wrong secret')).ok, false);
      return argon2.verifies - before;
    };
    assert.equal(await workFor(known), 1, 'a known hash: one verification');
    assert.equal(await workFor(null), 1, 'no hash (unknown user): the same one verification');
    assert.equal(await workFor(undefined), 1, 'no hash (user without a password): the same one verification');
    assert.equal(await workFor(stored), 1, 'a hash under a retired key: the same one verification');
  });

  it('refuses work beyond the queue with a busy error that carries Retry-After, instead of piling up', async () => {
    const hasher = createPasswordHasher(new Keyring(keyA), { concurrency: 1, queueLimit: 2 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => hasher.hash(`secret number ${i}`)));
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3, 'one running + two waiting');
    assert.equal(refused.length, 3);
    for (const r of refused) {
      const reason = (r as PromiseRejectedResult).reason as AppError;
      assert.equal(reason.code, 'busy');
      assert.equal(reason.status, 503);
      assert.equal(reason.retryAfter, 1);
    }
    assert.deepEqual(hasher.stats, { running: 0, waiting: 0 });
  });
});
