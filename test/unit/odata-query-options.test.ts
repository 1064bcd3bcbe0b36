// Unit tests for $orderby, $top and $select parsing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ORDERBY_ITEMS, parseOrderBy, parseSelect, parseTop } from '../../src/domain/odata/query-options.js';
import type { ParseResult } from '../../src/domain/odata/errors.js';

const sortable = {
  createdDateTime: 'created_at',
  displayName: 'display_name',
  'status/errorCode': 'error_code',
} as const;
const selectable = ['id', 'displayName', 'userPrincipalName', 'accountEnabled'] as const;

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) assert.fail(`unexpected error: ${result.error.message}`);
  return result.value;
}

function error<T>(result: ParseResult<T>) {
  if (result.ok) assert.fail(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseOrderBy', () => {
  it('defaults to ascending and reads desc/asc in any case', () => {
    assert.deepEqual(value(parseOrderBy('createdDateTime', sortable)), [{ key: 'created_at', direction: 'asc' }]);
    assert.deepEqual(value(parseOrderBy('CreatedDateTime DESC', sortable)), [{ key: 'created_at', direction: 'desc' }]);
    assert.deepEqual(value(parseOrderBy('displayName   asc', sortable)), [{ key: 'display_name', direction: 'asc' }]);
  });
  it('accepts paths and two properties', () => {
    assert.deepEqual(value(parseOrderBy('status/errorCode desc, displayName', sortable)), [
      { key: 'error_code', direction: 'desc' },
      { key: 'display_name', direction: 'asc' },
    ]);
  });
  it(`refuses more than ${MAX_ORDERBY_ITEMS} properties, at the first extra`, () => {
    const e = error(parseOrderBy('createdDateTime,displayName,status/errorCode', sortable));
    assert.match(e.message, /at most 2/);
    assert.equal(e.position, 28);
    assert.equal(e.parameter, '$orderby');
  });
  it('names unknown properties and bad directions', () => {
    const unknown = error(parseOrderBy('displayName, mail desc', sortable));
    assert.equal(unknown.message, "Sorting by property 'mail' is not supported.");
    assert.equal(unknown.position, 13);
    const direction = error(parseOrderBy('displayName down', sortable));
    assert.equal(direction.message, "Sort direction 'down' is not asc or desc.");
    assert.equal(direction.position, 12);
  });
  it('refuses duplicates, empty items and junk', () => {
    assert.match(error(parseOrderBy('displayName, DisplayName desc', sortable)).message, /appears twice/);
    assert.match(error(parseOrderBy('', sortable)).message, /empty item/);
    assert.match(error(parseOrderBy('displayName,', sortable)).message, /empty item/);
    assert.match(error(parseOrderBy('displayName; drop table x', sortable)).message, /is not a property/);
    assert.match(error(parseOrderBy('displayName desc asc', sortable)).message, /is not a property/);
    assert.match(error(parseOrderBy('__proto__', sortable)).message, /'__proto__' is not supported/);
  });
  it('refuses over-long input', () => {
    assert.match(error(parseOrderBy('a'.repeat(2001), sortable)).message, /longer than 2000/);
  });
});

describe('parseTop', () => {
  it('accepts 1..max', () => {
    assert.equal(value(parseTop('1', { max: 999 })), 1);
    assert.equal(value(parseTop('999', { max: 999 })), 999);
    assert.equal(value(parseTop('0010', { max: 999 })), 10);
  });
  it('refuses 0, max+1 and anything but digits', () => {
    for (const bad of ['0', '1000', '-1', '+5', '1.5', ' 5', '5 ', '', '1e2', 'ten', '99999999999999999999999']) {
      const e = error(parseTop(bad, { max: 999 }));
      assert.equal(e.message, '$top must be an integer from 1 to 999.', bad);
      assert.equal(e.parameter, '$top');
    }
  });
});

describe('parseSelect', () => {
  it('returns the allowed names as the route spells them, once each, in order', () => {
    assert.deepEqual(value(parseSelect('id,displayName', selectable)), ['id', 'displayName']);
    assert.deepEqual(value(parseSelect(' DISPLAYNAME , id ,displayname', selectable)), ['displayName', 'id']);
  });
  it('names a property that cannot be selected', () => {
    const e = error(parseSelect('id,passwordHash', selectable));
    assert.equal(e.message, "Property 'passwordHash' cannot be selected.");
    assert.equal(e.position, 3);
    assert.equal(e.parameter, '$select');
  });
  it('refuses *, paths, empty items and over-long input', () => {
    assert.match(error(parseSelect('*', selectable)).message, /not a property name/);
    assert.match(error(parseSelect('manager/id', selectable)).message, /not a property name/);
    assert.match(error(parseSelect('id,,displayName', selectable)).message, /empty item/);
    assert.equal(error(parseSelect('id,,displayName', selectable)).position, 3);
    assert.match(error(parseSelect('', selectable)).message, /empty item/);
    assert.match(error(parseSelect(`id,${'x'.repeat(2000)}`, selectable)).message, /longer than 2000/);
  });
});
