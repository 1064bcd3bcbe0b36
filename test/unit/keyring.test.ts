// The keyring: derivation per purpose, keyed hashes and ciphertexts that name their key, rotation, check values.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generateServerKey, Keyring, parseServerKey } from '../../src/crypto/keyring.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

describe('keyring', () => {
  it('parses base64url and hex keys and refuses anything else', () => {
    const text = generateServerKey();
    assert.equal(parseServerKey(text).length, 32);
    assert.deepEqual(parseServerKey(keyA.toString('hex')), keyA);
    assert.throws(() => parseServerKey('short'), /32 bytes/);
    assert.throws(() => parseServerKey(randomBytes(16).toString('hex')), /32 bytes/);
  });

  it('derives a different sub-key per purpose and per key', () => {
    const ring = new Keyring(keyA);
    assert.notDeepEqual(ring.subKey('id-hash'), ring.subKey('client-secret-hash'));
    assert.notDeepEqual(new Keyring(keyA).subKey('id-hash'), new Keyring(keyB).subKey('id-hash'));
    assert.deepEqual(new Keyring(keyA).subKey('id-hash'), ring.subKey('id-hash'), 'deterministic');
  });

  it('keyed hashes name their key and are found under every held key during a rotation', () => {
    const old = new Keyring(keyA);
    const rotated = new Keyring(keyB, [keyA]);
    const stored = old.keyedHash('id-hash', 'session-123');
    assert.ok(stored.startsWith(`${old.currentKeyId}.`));
    assert.ok(rotated.keyedHashCandidates('id-hash', 'session-123').includes(stored));
    assert.notEqual(rotated.keyedHash('id-hash', 'session-123'), stored, 'new hashes use the new key');
    assert.ok(!new Keyring(keyB).keyedHashCandidates('id-hash', 'session-123').includes(stored));
  });

  it('encrypts with the current key, binds the context, and decrypts with a retired key', () => {
    const old = new Keyring(keyA);
    const sealed = old.encrypt('secret-encryption', 'private key', 'signing-key:k1');
    assert.doesNotMatch(sealed, /private key/);
    assert.equal(old.decryptText('secret-encryption', sealed, 'signing-key:k1'), 'private key');
    // Each refusal is the AES-GCM tag check failing, not some other error (unknown key id, malformed ciphertext).
    assert.throws(
      () => old.decryptText('secret-encryption', sealed, 'signing-key:k2'),
      /unable to authenticate data/,
      'context is authenticated',
    );
    assert.throws(
      () => old.decryptText('oidc-payload-encryption', sealed, 'signing-key:k1'),
      /unable to authenticate data/,
      'purpose is part of the key',
    );
    const rotated = new Keyring(keyB, [keyA]);
    assert.equal(rotated.decryptText('secret-encryption', sealed, 'signing-key:k1'), 'private key');
    assert.throws(() => new Keyring(keyB).decryptText('secret-encryption', sealed, 'signing-key:k1'), /unknown key id/);
    // Change a whole character of the ciphertext body (the tag's last character also carries padding bits).
    const parts = sealed.split('.');
    parts[3] = (parts[3]![0] === 'A' ? 'B' : 'A') + parts[3]!.slice(1);
    assert.throws(
      () => old.decryptText('secret-encryption', parts.join('.'), 'signing-key:k1'),
      /unable to authenticate data/,
    );
  });

  it('check values identify a key without revealing it', () => {
    const ring = new Keyring(keyA);
    const [check] = ring.checkValues();
    assert.ok(check);
    assert.ok(ring.matchesCheckValue(check.keyId, check.checkValue));
    assert.ok(!new Keyring(keyB).matchesCheckValue(check.keyId, check.checkValue));
    assert.ok(!check.checkValue.includes(keyA.toString('base64url')));
  });
});
