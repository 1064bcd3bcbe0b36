// Unit tests for the strict DateTimeOffset parser behind a pass's startDateTime.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDateTimeOffset } from '../../src/domain/tap/date-time.js';

const iso = (text: string) => parseDateTimeOffset(text)?.toISOString();

describe('parseDateTimeOffset', () => {
  it('reads UTC with and without seconds and fractions', () => {
    assert.equal(iso('2026-06-05T08:00Z'), '2026-06-05T08:00:00.000Z');
    assert.equal(iso('2026-06-05T08:00:01Z'), '2026-06-05T08:00:01.000Z');
    assert.equal(iso('2026-06-05T08:00:01.5Z'), '2026-06-05T08:00:01.500Z');
    assert.equal(iso('2026-06-05T08:00:01.123Z'), '2026-06-05T08:00:01.123Z');
  });
  it("truncates Graph's 7 (and up to 9) fractional digits to milliseconds", () => {
    assert.equal(iso('2022-06-02T16:21:09.7651739Z'), '2022-06-02T16:21:09.765Z');
    assert.equal(iso('2022-06-02T16:21:09.999999999Z'), '2022-06-02T16:21:09.999Z');
    assert.equal(parseDateTimeOffset('2022-06-02T16:21:09.1234567890Z'), undefined);
  });
  it('applies numeric offsets, across midnight and month ends', () => {
    assert.equal(iso('2026-06-05T10:00:00+02:00'), '2026-06-05T08:00:00.000Z');
    assert.equal(iso('2026-06-30T20:30:00-05:30'), '2026-07-01T02:00:00.000Z');
    assert.equal(iso('2026-01-01T00:00:00+00:00'), '2026-01-01T00:00:00.000Z');
  });
  it('accepts lower-case t and z (RFC 3339)', () => {
    assert.equal(iso('2026-06-05t08:00:00z'), '2026-06-05T08:00:00.000Z');
  });
  it('knows leap years', () => {
    assert.equal(iso('2028-02-29T00:00:00Z'), '2028-02-29T00:00:00.000Z');
    assert.equal(parseDateTimeOffset('2026-02-29T00:00:00Z'), undefined);
    assert.equal(parseDateTimeOffset('2100-02-29T00:00:00Z'), undefined);
    assert.equal(iso('2000-02-29T00:00:00Z'), '2000-02-29T00:00:00.000Z');
  });
  it('refuses text without a time zone, impossible dates and times, and Date.parse leniencies', () => {
    for (const bad of [
      '2026-06-05T08:00:00',
      '2026-06-05',
      '08:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-06-00T00:00:00Z',
      '2026-06-05T24:00:00Z',
      '2026-06-05T23:60:00Z',
      '2026-06-05T23:59:60Z',
      '2026-06-05T08:00:00+24:00',
      '2026-06-05T08:00:00+02:60',
      '2026-06-05T08:00:00+0200',
      ' 2026-06-05T08:00:00Z',
      '2026-06-05T08:00:00Z ',
      '2026-6-5T8:00:00Z',
      'Fri, 05 Jun 2026 08:00:00 GMT',
      '+002026-06-05T08:00:00Z',
      '2026-06-05T08:00:00.Z',
      '',
    ]) {
      assert.equal(parseDateTimeOffset(bad), undefined, bad);
    }
  });
  it('keeps years below 100 as they are (no 19xx mapping)', () => {
    assert.equal(parseDateTimeOffset('0099-01-01T00:00:00Z')?.getUTCFullYear(), 99);
  });
});
