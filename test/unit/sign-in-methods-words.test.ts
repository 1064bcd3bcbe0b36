// /my says how the user signed in with words, not amr codes ("pwd, tap, mfa").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInMethodsInWords } from '../../src/web/views/my-pages.js';

describe('signInMethodsInWords', () => {
  it('names each method once, in plain words, and says when the sign-in was multi-factor', () => {
    assert.equal(signInMethodsInWords(['pwd']), 'password');
    assert.equal(signInMethodsInWords(['pwd', 'tap', 'mfa']), 'password and Temporary Access Pass (multi-factor)');
    assert.equal(signInMethodsInWords(['fido', 'hwk', 'mfa']), 'passkey (multi-factor)');
    assert.equal(signInMethodsInWords(['pwd', 'otp', 'mfa']), 'password and authenticator app code (multi-factor)');
    assert.equal(signInMethodsInWords([]), 'unknown');
  });
});
