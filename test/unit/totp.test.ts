// TOTP and base32 against their RFCs' own test vectors, the ±1 step window's edges, and the otpauth URI.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import {
  Base32Error,
  base32Decode,
  base32Encode,
  groupedKey,
  hotp,
  matchStep,
  normalizeCode,
  otpauthUri,
  timeStep,
  totp,
} from '../../src/domain/totp.js';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SEED = new TextEncoder().encode('12345678901234567890');
const RFC6238_SHA1: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('HOTP (RFC 4226) and TOTP (RFC 6238)', () => {
  it('gives the RFC 4226 appendix D values for counters 0 to 9', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    assert.deepEqual(
      expected.map((_, counter) => hotp(RFC_SEED, counter)),
      expected,
    );
  });

  it('gives the RFC 6238 appendix B SHA-1 values with 8 digits', () => {
    for (const [seconds, code] of RFC6238_SHA1)
      assert.equal(totp(RFC_SEED, new Date(seconds * 1000), 8), code, `T = ${seconds}`);
  });

  it('truncates the same values to their low 6 digits, the default', () => {
    for (const [seconds, code] of RFC6238_SHA1)
      assert.equal(totp(RFC_SEED, new Date(seconds * 1000)), code.slice(2), `T = ${seconds}`);
  });

  it('counts 30-second steps from the Unix epoch', () => {
    assert.equal(timeStep(new Date(0)), 0);
    assert.equal(timeStep(new Date(29_999)), 0);
    assert.equal(timeStep(new Date(30_000)), 1);
    assert.equal(timeStep(new Date(1111111109_000)), 0x23523ec);
  });

  it('refuses impossible counters and digit counts', () => {
    assert.throws(() => hotp(RFC_SEED, -1), RangeError);
    assert.throws(() => hotp(RFC_SEED, 1.5), RangeError);
    assert.throws(() => hotp(RFC_SEED, 0, 5), RangeError);
  });

  it('agrees with the otpauth package on random secrets and instants', () => {
    for (let i = 0; i < 50; i++) {
      const secret = randomBytes(20);
      const at = Math.floor(Math.random() * 4_000_000_000_000);
      const reference = new OTPAuth.TOTP({
        secret: OTPAuth.Secret.fromBase32(base32Encode(secret)),
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      });
      assert.equal(totp(secret, new Date(at)), reference.generate({ timestamp: at }));
    }
  });
});

describe('base32 (RFC 4648)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];

  it('encodes the RFC 4648 §10 vectors, with padding on request and without by default', () => {
    for (const [plain, encoded] of vectors) {
      const bytes = new TextEncoder().encode(plain);
      assert.equal(base32Encode(bytes, { padding: true }), encoded);
      assert.equal(base32Encode(bytes), encoded.replace(/=+$/, ''));
    }
  });

  it('decodes them back, padded or not, in any case, with spaces and hyphens', () => {
    for (const [plain, encoded] of vectors) {
      assert.equal(new TextDecoder().decode(base32Decode(encoded)), plain);
      assert.equal(new TextDecoder().decode(base32Decode(encoded.replace(/=+$/, '').toLowerCase())), plain);
    }
    assert.equal(new TextDecoder().decode(base32Decode('mzxw 6ytb-oi')), 'foobar');
  });

  it('round-trips random byte strings of every length up to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = randomBytes(n);
      const encoded = base32Encode(bytes);
      assert.match(encoded, /^[A-Z2-7]*$/);
      assert.deepEqual(Buffer.from(base32Decode(encoded)), bytes);
    }
  });

  it('a 20-byte secret is 32 characters, shown as eight groups of four', () => {
    const encoded = base32Encode(randomBytes(20));
    assert.equal(encoded.length, 32);
    assert.match(groupedKey(encoded), /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    assert.throws(() => base32Decode('MZXW1YTB'), Base32Error);
    assert.throws(() => base32Decode('MZXW8YTB'), Base32Error);
    assert.throws(() => base32Decode('M'), Base32Error);
    assert.throws(() => base32Decode('MZX'), Base32Error);
  });
});

describe('matchStep', () => {
  const secret = RFC_SEED;
  // The middle of a step, and its two edges.
  const now = new Date(1111111111_000);
  const step = timeStep(now);
  const codeAt = (s: number) => hotp(secret, s);

  it('accepts the current step, the one before and the one after, and says which', () => {
    assert.equal(matchStep(secret, codeAt(step), now), step);
    assert.equal(matchStep(secret, codeAt(step - 1), now), step - 1);
    assert.equal(matchStep(secret, codeAt(step + 1), now), step + 1);
  });

  it('refuses two steps away either side, and everything with window 0 but the current step', () => {
    assert.equal(matchStep(secret, codeAt(step - 2), now), null);
    assert.equal(matchStep(secret, codeAt(step + 2), now), null);
    assert.equal(matchStep(secret, codeAt(step - 1), now, 0), null);
    assert.equal(matchStep(secret, codeAt(step), now, 0), step);
  });

  it('at the first and last millisecond of a step the window is that step ±1', () => {
    const first = new Date(step * 30_000);
    const last = new Date(step * 30_000 + 29_999);
    for (const at of [first, last]) {
      assert.equal(matchStep(secret, codeAt(step - 1), at), step - 1);
      assert.equal(matchStep(secret, codeAt(step + 1), at), step + 1);
      assert.equal(matchStep(secret, codeAt(step - 2), at), null);
      assert.equal(matchStep(secret, codeAt(step + 2), at), null);
    }
    // One millisecond later the window has moved: step − 1 is out, step + 2 is in.
    const next = new Date(step * 30_000 + 30_000);
    assert.equal(matchStep(secret, codeAt(step - 1), next), null);
    assert.equal(matchStep(secret, codeAt(step + 2), next), step + 2);
  });

  it('accepts a code typed with spaces, refuses anything that is not 6 digits, and another secret', () => {
    const c = codeAt(step);
    assert.equal(matchStep(secret, `${c.slice(0, 3)} ${c.slice(3)}`, now), step);
    assert.equal(matchStep(secret, c.slice(0, 5), now), null);
    assert.equal(matchStep(secret, `${c}0`, now), null);
    assert.equal(matchStep(secret, '', now), null);
    assert.equal(matchStep(secret, 'abcdef', now), null);
    assert.equal(matchStep(randomBytes(20), c, now), null);
  });

  it('normalizeCode keeps exactly six digits', () => {
    assert.equal(normalizeCode(' 123 456 '), '123456');
    assert.equal(normalizeCode('12345'), undefined);
    assert.equal(normalizeCode('１２３４５６'), undefined, 'full-width digits are not ASCII digits');
  });
});

describe('otpauth URI', () => {
  it('has the label, secret, issuer (colons dropped: apps split on them) and the fixed parameters; otpauth parses it back', () => {
    const secret = randomBytes(20);
    const uri = otpauthUri({ issuer: 'Contoso: IT', accountName: 'alice@contoso.com', secret });
    assert.equal(
      uri,
      `otpauth://totp/Contoso%20IT:alice%40contoso.com?secret=${base32Encode(secret)}&issuer=Contoso%20IT&algorithm=SHA1&digits=6&period=30`,
    );
    const parsed = OTPAuth.URI.parse(uri);
    assert.ok(parsed instanceof OTPAuth.TOTP);
    assert.equal(parsed.issuer, 'Contoso IT');
    assert.equal(parsed.label, 'alice@contoso.com');
    assert.equal(parsed.algorithm, 'SHA1');
    assert.equal(parsed.digits, 6);
    assert.equal(parsed.period, 30);
    assert.equal(parsed.secret.base32, base32Encode(secret));
  });
});
