// Unit tests for the pass itself: the alphabet, unbiased rejection sampling (exact and chi-square), display groups, input normalisation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  ALPHABET,
  REJECTION_CUTOFF,
  entropyBits,
  formatPassForDisplay,
  generatePass,
  normalizeEnteredPass,
} from '../../src/domain/tap/code.js';

/** Deterministic byte source (splitmix32), so the statistics below are the same on every run. */
function seededBytes(seed: number): (n: number) => Uint8Array {
  let state = seed >>> 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      out[i] = (z ^ (z >>> 16)) & 0xff;
    }
    return out;
  };
}

/** Hands out the given bytes in order, however many are asked for at a time. */
function scriptedBytes(script: number[]): { source: (n: number) => Uint8Array; asked: number[] } {
  let next = 0;
  const asked: number[] = [];
  return {
    asked,
    source: (n) => {
      asked.push(n);
      const slice = script.slice(next, next + n);
      next += slice.length;
      return Uint8Array.from(slice);
    },
  };
}

function chiSquare(text: string): number {
  const counts = new Map<string, number>([...ALPHABET].map((c) => [c, 0]));
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  const expected = text.length / ALPHABET.length;
  return [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}
/** χ² critical value for 39 degrees of freedom at p = 0.001. */
const CHI2_39_P001 = 72.05;

describe('ALPHABET', () => {
  it('has at least 40 distinct ASCII letters and digits', () => {
    assert.ok(ALPHABET.length >= 40);
    assert.equal(new Set(ALPHABET).size, ALPHABET.length);
    assert.match(ALPHABET, /^[0-9A-Za-z]+$/);
  });
  it('has no 0/O/o, 1/l/I/i, and only one side of 2/Z, 5/S, 8/B', () => {
    for (const c of '0Oo1lIi') assert.ok(!ALPHABET.includes(c), c);
    for (const [digit, letters] of [
      ['2', 'Zz'],
      ['5', 'Ss'],
      ['8', 'Bb'],
    ] as const) {
      assert.ok(!(ALPHABET.includes(digit) && [...letters].some((l) => ALPHABET.includes(l))), digit);
    }
  });
  it('never holds both cases of a letter whose two cases look alike', () => {
    for (const c of 'ckopsuvwxyz') assert.ok(!(ALPHABET.includes(c) && ALPHABET.includes(c.toUpperCase())), c);
  });
  it('rejects bytes from floor(256/N)*N up', () => {
    assert.equal(REJECTION_CUTOFF, Math.floor(256 / ALPHABET.length) * ALPHABET.length);
    assert.equal(REJECTION_CUTOFF, 240);
  });
});

describe('entropyBits', () => {
  it('is length × log2(40): about 42.6 bits at 8, 255.5 at 48', () => {
    assert.ok(Math.abs(entropyBits(8) - 8 * Math.log2(40)) < 1e-9);
    assert.equal(entropyBits(8).toFixed(1), '42.6');
    assert.equal(entropyBits(48).toFixed(1), '255.5');
  });
});

describe('generatePass', () => {
  it('makes passes of 8 and 48 characters from the alphabet', () => {
    for (const length of [8, 48]) {
      const pass = generatePass(length, (n) => new Uint8Array(randomBytes(n)));
      assert.equal(pass.length, length);
      assert.ok(
        [...pass].every((c) => ALPHABET.includes(c)),
        pass,
      );
    }
  });
  it('refuses lengths outside 8..48 and non-integers', () => {
    for (const bad of [7, 49, 0, -8, 8.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => generatePass(bad, seededBytes(1)), RangeError, String(bad));
    }
  });
  it('skips bytes at or above the cutoff (the rejection path)', () => {
    const { source } = scriptedBytes([240, 0, 255, 1, 241, 39, 40, 79, 80, 239, 250, 119, 120]);
    // 0→'2', 1→'3', 39→'t', 40→'2', 79→'t', 80→'2', 239→'t' (239 % 40 = 39), 119→'t' — 240, 255, 241, 250 skipped.
    assert.equal(
      generatePass(8, source),
      `${ALPHABET[0]}${ALPHABET[1]}${ALPHABET[39]}${ALPHABET[0]}${ALPHABET[39]}${ALPHABET[0]}${ALPHABET[39]}${ALPHABET[39]}`,
    );
  });
  it('asks again when a batch was not enough', () => {
    const { source, asked } = scriptedBytes([...Array(20).fill(255), 0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(generatePass(8, source), ALPHABET.slice(0, 8));
    assert.ok(asked.length >= 2);
    assert.ok(asked.every((n) => n >= 1));
  });
  it('copes with a source that returns fewer bytes than asked', () => {
    const bytes = seededBytes(7);
    assert.equal(generatePass(48, () => bytes(1)).length, 48);
  });
  it('fails loudly instead of looping forever on a broken source', () => {
    assert.throws(() => generatePass(8, (n) => new Uint8Array(n).fill(255)), /random source/);
    assert.throws(() => generatePass(8, () => new Uint8Array(0)), /random source/);
  });
  it('maps the 240 accepted byte values onto the 40 symbols exactly 6 times each, and skips the other 16', () => {
    const counts = new Map<string, number>();
    for (let b = 0; b < 256; b += 1) {
      // The byte under test first, then a marker byte (39 → the last symbol) for whatever follows.
      const { source } = scriptedBytes([b, ...Array(60).fill(39)]);
      const first = generatePass(8, source)[0]!;
      if (b >= REJECTION_CUTOFF) assert.equal(first, ALPHABET[39], `byte ${b} must be skipped`);
      else counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    assert.equal(counts.size, 40);
    assert.ok(
      [...counts.values()].every((n) => n === 6),
      JSON.stringify([...counts]),
    );
  });
  it('is uniform over 100,000 characters (χ² with 39 degrees of freedom below the p = 0.001 value)', () => {
    const source = seededBytes(0x5eed);
    let text = '';
    while (text.length < 100_000) text += generatePass(48, source);
    const chi2 = chiSquare(text);
    assert.ok(chi2 < CHI2_39_P001, `χ² = ${chi2.toFixed(1)}`);
  });
  it('the same χ² test catches the bias that rejection sampling removes (byte % 40 without rejection)', () => {
    const source = seededBytes(0x5eed);
    const biased = [...source(100_000)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    assert.ok(chiSquare(biased) > CHI2_39_P001, `χ² = ${chiSquare(biased).toFixed(1)}`);
  });
  it('gives different passes for different random bytes', () => {
    assert.notEqual(generatePass(8, seededBytes(1)), generatePass(8, seededBytes(2)));
    assert.equal(generatePass(8, seededBytes(3)), generatePass(8, seededBytes(3)));
  });
});

describe('formatPassForDisplay', () => {
  it('groups by 4 with spaces', () => {
    assert.equal(formatPassForDisplay('ACDEFGHJ'), 'ACDE FGHJ');
    assert.equal(formatPassForDisplay('ACDEFGHJKL'), 'ACDE FGHJ KL');
    const long = generatePass(48, seededBytes(9));
    const shown = formatPassForDisplay(long);
    assert.equal(shown.split(' ').length, 12);
    assert.ok(shown.split(' ').every((g) => g.length === 4));
  });
});

describe('normalizeEnteredPass', () => {
  it('removes the separators and surrounding whitespace a user may type or paste', () => {
    for (const typed of [
      ' ACDE FGHJ ',
      'ACDE-FGHJ',
      'ACDE\tFGHJ\n',
      'ACDE\u00a0FGHJ',
      'ACDE\u200bFGHJ',
      'ACDE\u2013FGHJ',
      'ACDE \u2014 FGHJ',
      'AC DE FG HJ',
      'ACDE\u3000FGHJ',
    ]) {
      assert.equal(normalizeEnteredPass(typed), 'ACDEFGHJ', JSON.stringify(typed));
    }
  });
  it('never changes case: the pass is case-sensitive', () => {
    assert.equal(normalizeEnteredPass('aCdE fGhJ'), 'aCdEfGhJ');
    assert.notEqual(normalizeEnteredPass('acde fghj'), normalizeEnteredPass('ACDE FGHJ'));
  });
  it('turns full-width characters from some keyboards into ASCII', () => {
    assert.equal(normalizeEnteredPass('ＡＣＤＥ　ｆｇｈｊ'), 'ACDEfghj');
  });
  it('undoes formatPassForDisplay for every generated pass', () => {
    const source = seededBytes(11);
    for (let i = 0; i < 200; i += 1) {
      const pass = generatePass(8 + (i % 41), source);
      assert.equal(normalizeEnteredPass(formatPassForDisplay(pass)), pass);
    }
  });
});
