// Which strings the edge refuses (domain/control-characters.ts), including where a nested one is reported.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findForbiddenString, hasForbiddenCharacters } from '../../src/domain/control-characters.js';
import { text } from '../../src/services/user-input.js';
import { isAppError } from '../../src/domain/errors.js';

describe('control characters', () => {
  it('refuses every C0 control and DEL in a name, and nothing printable', () => {
    for (let c = 0; c < 0x20; c++) assert.ok(hasForbiddenCharacters(`a${String.fromCharCode(c)}b`), `U+${c}`);
    assert.ok(hasForbiddenCharacters('a\u007fb'));
    for (const ok of ['Ève Müller', '李小龍', 'a b', '😀', 'x\u0080y', "O'Brien-Smith"])
      assert.equal(hasForbiddenCharacters(ok), false, ok);
  });

  it('lets tab and line breaks through in free text, but no other control', () => {
    assert.equal(hasForbiddenCharacters('line one\r\nline two\tend', 'description'), false);
    assert.ok(hasForbiddenCharacters('line one\r\nline two', 'displayName'));
    assert.ok(hasForbiddenCharacters('a\u0000b', 'description'));
    assert.ok(hasForbiddenCharacters('a\u001bb', 'description'));
  });

  it('refuses a surrogate without its pair, and keeps a pair', () => {
    assert.ok(hasForbiddenCharacters('a\ud800'));
    assert.ok(hasForbiddenCharacters('\udc00a'));
    assert.ok(hasForbiddenCharacters('\ud800\ud800\udc00'));
    assert.equal(hasForbiddenCharacters('\ud83d\ude00'), false);
  });

  it('names the nested field, reports a bad key at its parent, and stops at depth', () => {
    assert.deepEqual(findForbiddenString({ a: { b: ['ok', 'x\u0000'] } }, []), { target: 'a.b', reason: 'characters' });
    assert.deepEqual(findForbiddenString({ p: { 'k\u0000': 1 } }), { target: 'p', reason: 'characters' });
    assert.equal(findForbiddenString({ a: 1, b: null, c: true, d: 'fine' }), undefined);
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.equal(findForbiddenString(deep)?.reason, 'depth');
  });

  it('the user-input helpers refuse them too, for callers that bypass the HTTP edge (the CLI)', () => {
    assert.throws(
      () => text('Eve\u0007', 'displayName', 256),
      (e) => isAppError(e) && e.entry === 'forbiddenCharacters' && e.target === 'displayName',
    );
  });
});
