// The rotation schedule every process computes from the stored times: next keys are published without signing,
// the latest activated key signs, retired keys verify for the retention and are then removable.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scheduleKeys, type KeyTimes } from '../../src/domain/signing-keys.js';

const RETENTION = 1000;
const key = (kid: string, createdAt: number, activatesAt: number | null, retiredAt: number | null): KeyTimes => ({
  kid,
  createdAt,
  activatesAt,
  retiredAt,
});

describe('signing-key schedule', () => {
  const old = key('old', 0, null, 500);
  const next = key('new', 100, 500, null);
  const kids = (keys: KeyTimes[]) => keys.map((k) => k.kid);

  it('publishes a next key after the current one and does not sign with it before its activation', () => {
    const s = scheduleKeys([next, old], 499, RETENTION);
    assert.equal(s.current?.kid, 'old');
    assert.deepEqual(kids(s.published), ['old', 'new']);
    assert.equal(s.nextChangeAt, 500);
  });

  it('signs with the new key from its activation and keeps the retired one for the retention', () => {
    const s = scheduleKeys([old, next], 500, RETENTION);
    assert.equal(s.current?.kid, 'new');
    assert.deepEqual(kids(s.published), ['new', 'old']);
    assert.deepEqual(s.removable, []);
    assert.equal(s.nextChangeAt, 1500);
  });

  it('makes a retired key removable once every token it signed has expired', () => {
    const s = scheduleKeys([old, next], 1500, RETENTION);
    assert.deepEqual(kids(s.published), ['new']);
    assert.deepEqual(kids(s.removable), ['old']);
  });

  it('treats a key from before rotation existed as active from its creation', () => {
    const s = scheduleKeys([key('first', 10, null, null)], 10, RETENTION);
    assert.equal(s.current?.kid, 'first');
  });
});
