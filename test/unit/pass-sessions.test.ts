// The rule for sessions and tokens that began with a Temporary Access Pass: they hold only while that pass does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { passSignInHolds } from '../../src/domain/tap/pass-sessions.js';
import { TAP_T0 as T0, tapRecord } from '../support/tap-record.js';

const MIN = 60_000;
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const PASS = tapRecord({ id: 'p1' });
const withPass = { amr: ['pwd', 'tap', 'mfa'], authTime: seconds(at(5 * MIN)), passId: 'p1' };

describe('passSignInHolds', () => {
  it('leaves sign-ins without a pass alone, whatever the pass', () => {
    assert.equal(passSignInHolds({ amr: ['pwd', 'otp', 'mfa'], authTime: 0 }, undefined, at(0)), true);
  });

  it('holds while the pass used exists and has not ended', () => {
    assert.equal(passSignInHolds(withPass, PASS, at(59 * MIN)), true);
  });

  it('ends with the pass: at its end, once deleted, once replaced by another pass', () => {
    assert.equal(passSignInHolds(withPass, PASS, at(60 * MIN)), false);
    assert.equal(passSignInHolds(withPass, undefined, at(6 * MIN)), false);
    assert.equal(passSignInHolds(withPass, { ...PASS, id: 'p2', createdAt: at(6 * MIN) }, at(7 * MIN)), false);
  });

  it('ends once the holder disputes the pass ("This wasn\'t me"), although the pass stays listed', () => {
    assert.equal(passSignInHolds(withPass, { ...PASS, disputedAt: at(6 * MIN) }, at(7 * MIN)), false);
  });

  it('knows a replacement within the same second by the pass id', () => {
    const replaced = { ...PASS, id: 'p2', createdAt: new Date(seconds(at(5 * MIN)) * 1000 + 999) };
    assert.equal(passSignInHolds(withPass, replaced, at(6 * MIN)), false);
    assert.equal(passSignInHolds({ ...withPass, passId: 'p2' }, replaced, at(6 * MIN)), true);
  });

  it('without a recorded pass id, a pass issued after the sign-in second is another pass', () => {
    const { passId: _omit, ...noId } = withPass;
    assert.equal(passSignInHolds(noId, { ...PASS, createdAt: at(5 * MIN + 1000) }, at(6 * MIN)), false);
    assert.equal(passSignInHolds(noId, { ...PASS, createdAt: at(5 * MIN) }, at(6 * MIN)), true);
  });
});
