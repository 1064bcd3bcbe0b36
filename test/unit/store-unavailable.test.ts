// Which driver errors are a store outage (a 503 with Retry-After) and which stay faults (a 500).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStoreUnavailable } from '../../src/store/unavailable.js';
import { storeOutage } from '../../src/services/store-outage.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('store outage classification', () => {
  it('counts lost PostgreSQL connections and unavailable servers', () => {
    for (const e of [
      coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      coded('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P03', 'the database system is starting up'),
      coded('53300', 'sorry, too many clients already'),
      coded('53100', 'could not extend file: No space left on device'),
      coded('08006'),
      coded('25006', 'cannot execute UPDATE in a read-only transaction'),
      new AggregateError([coded('ECONNREFUSED')], 'connect failed'),
    ])
      assert.ok(isStoreUnavailable(e), e.message);
  });

  it('counts SQLite locks, read-only files, full disks and I/O errors', () => {
    for (const code of [
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_READONLY',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_FULL',
      'SQLITE_IOERR_WRITE',
      'SQLITE_CANTOPEN',
    ])
      assert.ok(isStoreUnavailable(coded(code)), code);
    assert.ok(isStoreUnavailable(new TypeError('The database connection is not open')));
  });

  it('leaves bugs and refused data alone', () => {
    for (const e of [
      coded('23505', 'duplicate key'),
      coded('22P05', 'unsupported Unicode escape sequence'),
      coded('42601', 'syntax error'),
      coded('SQLITE_CONSTRAINT_UNIQUE'),
      coded('SQLITE_ERROR'),
      new TypeError('x is undefined'),
      'a string',
      null,
    ])
      assert.equal(isStoreUnavailable(e), false, String(e));
  });

  it('finds an outage wrapped as a cause, and makes it a 503 with Retry-After', () => {
    const wrapped = new Error('insert failed', { cause: coded('SQLITE_FULL') });
    const refusal = storeOutage(wrapped);
    assert.equal(refusal?.status, 503);
    assert.equal(refusal?.graphCode, 'serviceNotAvailable');
    assert.ok((refusal?.retryAfter ?? 0) > 0);
    assert.equal(storeOutage(new Error('bug')), undefined);
  });
});
