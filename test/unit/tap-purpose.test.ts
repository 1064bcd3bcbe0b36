// The set-up pass rule (src/domain/tap/purpose.ts): which sign-ins it limits, and the one app they may reach; and the
// retirement rule (src/domain/tap/retire.ts): when a registration makes a pass unneeded, and what the session becomes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIRST_PARTY_APPS } from '../../src/domain/first-party-apps.js';
import { methodOfAmr } from '../../src/domain/signin/factors.js';
import type { FactorMethod } from '../../src/domain/signin/types.js';
import { isSetupOnlySignIn, setupSignInMayReach } from '../../src/domain/tap/purpose.js';
import { amrAfterRetirement, passNoLongerNeeded } from '../../src/domain/tap/retire.js';

describe('a set-up pass limits its sign-ins', () => {
  it('limits a sign-in that used a set-up pass, with or without a password beside it', () => {
    assert.equal(isSetupOnlySignIn(['tap', 'mfa'], 'setup'), true);
    assert.equal(isSetupOnlySignIn(['pwd', 'tap', 'mfa'], 'setup'), true);
  });
  it('leaves alone an access pass, a sign-in without a pass, and a session without amr', () => {
    assert.equal(isSetupOnlySignIn(['tap', 'mfa'], 'access'), false);
    assert.equal(isSetupOnlySignIn(['pwd', 'swk', 'mfa'], 'setup'), false, 'the user holds a set-up pass unused');
    assert.equal(isSetupOnlySignIn(['tap', 'mfa'], undefined), false, 'no pass any more: other rules end it');
    assert.equal(isSetupOnlySignIn(undefined, 'setup'), false);
  });
  it('reaches Gatepass My Account (Security info) only', () => {
    assert.equal(setupSignInMayReach(FIRST_PARTY_APPS.my.clientId), true);
    assert.equal(setupSignInMayReach(FIRST_PARTY_APPS.admin.clientId), false);
    assert.equal(setupSignInMayReach('00000000-0000-0000-0000-000000000000'), false);
    assert.equal(setupSignInMayReach(''), false);
  });
});

describe('methodOfAmr', () => {
  it('reads our amr values back as methods, and nothing else', () => {
    assert.deepEqual(['pwd', 'tap', 'otp', 'hwk', 'swk', 'mfa', 'toString', 'face'].map(methodOfAmr), [
      'password',
      'tap',
      'authenticatorApp',
      'passkey',
      'passkey',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('retiring a pass after a registration', () => {
  const on = (methods: FactorMethod[]) => passNoLongerNeeded({ enabled: true, methodsWithoutPass: new Set(methods) });
  it('retires once the methods left complete a multi-factor sign-in', () => {
    assert.equal(on(['passkey']), true);
    assert.equal(on(['password', 'authenticatorApp']), true);
    assert.equal(on(['password', 'passkey']), true);
  });
  it('keeps the pass while it is still needed, or when the policy says so', () => {
    assert.equal(on(['authenticatorApp']), false, 'a code cannot open a sign-in');
    assert.equal(on(['password']), false);
    assert.equal(on([]), false);
    assert.equal(passNoLongerNeeded({ enabled: false, methodsWithoutPass: new Set(['passkey']) }), false);
  });
  it("rests the registering session on the new method: the pass's amr replaced, mfa only if still multi-factor", () => {
    assert.deepEqual(amrAfterRetirement(['tap', 'mfa'], 'swk'), ['swk', 'mfa']);
    assert.deepEqual(amrAfterRetirement(['pwd', 'tap', 'mfa'], 'otp'), ['pwd', 'otp', 'mfa']);
    assert.deepEqual(amrAfterRetirement(['tap', 'mfa'], 'otp'), ['otp'], 'a code alone is not multi-factor');
    assert.deepEqual(amrAfterRetirement(['pwd', 'tap', 'mfa'], 'hwk'), ['pwd', 'hwk', 'mfa']);
  });
});
