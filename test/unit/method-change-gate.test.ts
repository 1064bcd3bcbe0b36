// Who may add or delete sign-in methods, and which methods still allow a multi-factor sign-in.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canCompleteMultiFactor } from '../../src/domain/signin/factors.js';
import type { FactorMethod } from '../../src/domain/signin/types.js';
import type { TapView } from '../../src/services/temporary-access-passes.js';
import { methodChangeGate } from '../../src/services/method-change-gate.js';

const authTime = 1_800_000_000;
const at = (secondsAfterSignIn: number) => (authTime + secondsAfterSignIn) * 1000;
const passView = (isUsableOnce: boolean) => ({ pass: { isUsableOnce } }) as unknown as TapView;

describe('methodChangeGate', () => {
  it('refuses a session without multi-factor, however fresh', () => {
    assert.deepEqual(methodChangeGate({ amr: ['pwd'], authTime }, undefined, at(0), 10), {
      allowed: false,
      reason: 'notMultiFactor',
    });
  });
  it('allows a multi-factor session until the window ends, then asks to sign in again', () => {
    assert.deepEqual(methodChangeGate({ amr: ['pwd', 'otp', 'mfa'], authTime }, undefined, at(599), 10), {
      allowed: true,
      until: new Date(at(600)),
    });
    assert.deepEqual(methodChangeGate({ amr: ['pwd', 'otp', 'mfa'], authTime }, undefined, at(600), 10), {
      allowed: false,
      reason: 'stale',
    });
  });
  it('takes the configured window', () => {
    assert.equal(methodChangeGate({ amr: ['swk', 'mfa'], authTime }, undefined, at(25 * 60), 30).allowed, true);
    assert.equal(methodChangeGate({ amr: ['swk', 'mfa'], authTime }, undefined, at(31 * 60), 30).allowed, false);
  });
  it('a one-time pass sign-in keeps Entra’s 10 minutes even with a longer window; a multi-use pass does not cut it', () => {
    assert.equal(methodChangeGate({ amr: ['tap', 'mfa'], authTime }, passView(true), at(11 * 60), 30).allowed, false);
    assert.equal(methodChangeGate({ amr: ['tap', 'mfa'], authTime }, passView(false), at(11 * 60), 30).allowed, true);
  });
});

describe('canCompleteMultiFactor', () => {
  const can = (...methods: FactorMethod[]) => canCompleteMultiFactor(new Set(methods));
  it('a pass or a passkey alone suffices; a password needs an authenticator app', () => {
    assert.equal(can('tap'), true);
    assert.equal(can('passkey'), true);
    assert.equal(can('password', 'authenticatorApp'), true);
    assert.equal(can('password'), false);
    assert.equal(can('authenticatorApp'), false, 'a code alone cannot open a sign-in');
    assert.equal(can(), false);
  });
});
