// Unit tests for the NIST SP 800-63B password rules and the common-password blocklist.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPassword,
  codePointLength,
  normalizePassword,
} from '../../src/domain/password-policy.js';
import { COMMON_PASSWORDS } from '../../src/domain/common-passwords.js';

const ctx = { userPrincipalName: 'alice.smith@contoso.test' };

function reasonOf(password: string, context = ctx): string {
  const result = checkPassword(password, context);
  return result.ok ? 'ok' : result.reason;
}

describe('normalizePassword', () => {
  it('applies NFKC: full-width letters, ligatures, composed accents', () => {
    assert.equal(normalizePassword('ｐａｓｓ１'), 'pass1');
    assert.equal(normalizePassword('ﬁne'), 'fine');
    assert.equal(normalizePassword('e\u0301'), '\u00e9');
  });
  it('leaves ordinary text and spaces alone', () => {
    assert.equal(normalizePassword('  two  spaces '), '  two  spaces ');
  });
});

describe('codePointLength', () => {
  it('counts astral characters once', () => {
    assert.equal(codePointLength('😀😀'), 2);
    assert.equal('😀😀'.length, 4);
    assert.equal(codePointLength(''), 0);
    assert.equal(codePointLength('abc'), 3);
  });
});

describe('checkPassword length', () => {
  it('refuses 7 and accepts 8 code points', () => {
    assert.equal(PASSWORD_MIN_LENGTH, 8);
    assert.equal(reasonOf('xk7#qpz'), 'tooShort');
    assert.equal(reasonOf('xk7#qpzm'), 'ok');
  });
  it('accepts 256 and refuses 257 code points', () => {
    assert.equal(PASSWORD_MAX_LENGTH, 256);
    assert.equal(reasonOf('q'.repeat(256)), 'ok');
    assert.equal(reasonOf('q'.repeat(257)), 'tooLong');
  });
  it('counts code points, not UTF-16 units', () => {
    assert.equal(reasonOf('😀'.repeat(7)), 'tooShort');
    assert.equal(reasonOf('😀'.repeat(8)), 'ok');
    assert.equal(reasonOf('😀'.repeat(256)), 'ok');
    assert.equal(reasonOf('😀'.repeat(257)), 'tooLong');
  });
  it('counts after normalisation (composition shrinks, ligatures expand)', () => {
    // 8 code points raw, 7 after NFKC composes e + U+0301.
    assert.equal(reasonOf('xkqpzme\u0301'), 'tooShort');
    // 7 code points raw, 8 after NFKC expands the ligature.
    assert.equal(reasonOf('xkqpzm\ufb01'), 'ok');
  });
  it('refuses absurdly long input before normalising it', () => {
    assert.equal(reasonOf('q'.repeat(100_000)), 'tooLong');
  });
  it('gives the empty password a message', () => {
    const result = checkPassword('', ctx);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, /at least 8/);
  });
});

describe('checkPassword blocklist', () => {
  it('refuses common passwords in any case', () => {
    for (const pw of ['password', 'PASSWORD', 'Password1', '12345678', 'qwerty123', 'iloveyou', 'LetMeIn1']) {
      assert.equal(reasonOf(pw), 'common', pw);
    }
  });
  it('refuses a common password typed in full-width characters', () => {
    assert.equal(reasonOf('ｐａｓｓｗｏｒｄ'), 'common');
  });
  it('accepts near misses and has no composition rules', () => {
    assert.equal(reasonOf('password9x'), 'ok');
    assert.equal(reasonOf('correct horse battery staple'), 'ok');
    assert.equal(reasonOf('alllowercaseletters'), 'ok');
  });
});

describe('checkPassword username', () => {
  it('refuses the UPN and its local part, case-insensitively', () => {
    assert.equal(reasonOf('alice.smith@contoso.test'), 'equalsUsername');
    assert.equal(reasonOf('Alice.Smith'), 'equalsUsername');
    assert.equal(reasonOf('ALICE.SMITH@CONTOSO.TEST'), 'equalsUsername');
  });
  it('accepts passwords that merely contain the user name', () => {
    assert.equal(reasonOf('alice.smith2024!'), 'ok');
    assert.equal(reasonOf('contoso.test'), 'ok');
  });
  it('handles a UPN without @ and surrounding spaces', () => {
    assert.equal(reasonOf('bobbybobby', { userPrincipalName: ' BobbyBobby ' }), 'equalsUsername');
  });
  it('a short local part cannot collide (the length rule runs first)', () => {
    assert.equal(reasonOf('bob', { userPrincipalName: 'bob@x.test' }), 'tooShort');
  });
});

describe('checkPassword result', () => {
  it('returns the normalised form to hash', () => {
    const result = checkPassword('ｘｋ７ｑｐｚｍｗ', ctx);
    assert.deepEqual(result, { ok: true, normalized: 'xk7qpzmw' });
  });
  it('keeps the case of the password (only comparisons fold case)', () => {
    const result = checkPassword('XkQpZmWv', ctx);
    assert.deepEqual(result, { ok: true, normalized: 'XkQpZmWv' });
  });
  it('refuses lone surrogates but accepts proper pairs', () => {
    assert.equal(reasonOf('abcdefgh\ud800'), 'invalidCharacters');
    assert.equal(reasonOf('\udc00abcdefgh'), 'invalidCharacters');
    assert.equal(reasonOf('abcdefgh\ud83d\ude00'), 'ok');
  });
  it('every refusal carries a message', () => {
    const refused = ['', 'q'.repeat(300), 'password', 'alice.smith', 'abcdefgh\ud800'].map((pw) =>
      checkPassword(pw, ctx),
    );
    for (const result of refused) {
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(result.message.length > 10);
    }
  });
});

describe('COMMON_PASSWORDS', () => {
  it('holds about 200 entries', () => {
    assert.ok(COMMON_PASSWORDS.size >= 200, `size ${COMMON_PASSWORDS.size}`);
  });
  it('every entry is reachable: lower-case, NFKC, 8..256 code points', () => {
    for (const entry of COMMON_PASSWORDS) {
      assert.equal(entry, entry.toLowerCase(), entry);
      assert.equal(entry, entry.normalize('NFKC'), entry);
      const length = codePointLength(entry);
      assert.ok(length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH, entry);
      assert.equal(reasonOf(entry, { userPrincipalName: 'nobody@example.test' }), 'common', entry);
    }
  });
  it('is frozen', () => {
    assert.ok(Object.isFrozen(COMMON_PASSWORDS));
  });
});
