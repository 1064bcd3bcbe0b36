// Where /my may send the browser after a sign-in, and what /my/callback says about an authorization error: pure rules.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callbackErrorText } from '../../src/web/my-callback-errors.js';
import { safeMyReturnTo } from '../../src/web/my-return-to.js';

describe('safeMyReturnTo', () => {
  it('keeps plain /my paths', () => {
    for (const path of [
      '/my',
      '/my/security-info',
      '/my/security-info/password',
      '/my/security-info/passkey/0f8fad5b-d9cb-469f-a165-70867728950e/rename',
    ])
      assert.equal(safeMyReturnTo(path), path);
  });

  it('refuses other origins, protocol-relative and backslash tricks, encodings, dots, queries and non-strings', () => {
    const hostile: unknown[] = [
      'https://evil.example/my',
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '/my/\\evil.example',
      '\\\\evil.example',
      '/my//evil.example',
      '/my//evil',
      '/my/',
      '/my/../evil',
      '/my/%2e%2e/evil',
      '/%2F%2Fevil.example',
      '/my%2f%2fevil.example',
      '/my?next=//evil',
      '/my#//evil',
      ' /my',
      '/my ',
      '/mystery',
      '/my/\tx',
      'javascript:alert(1)',
      `/my/${'a'.repeat(300)}`,
      undefined,
      null,
      42,
      ['/my'],
    ];
    for (const raw of hostile) assert.equal(safeMyReturnTo(raw), undefined, JSON.stringify(raw));
  });
});

describe('callbackErrorText', () => {
  it('has our own words for known OAuth and OpenID Connect codes, and one generic message otherwise', () => {
    assert.deepEqual(callbackErrorText('access_denied'), {
      code: 'access_denied',
      message: 'The sign-in was cancelled or refused. Open /my to try again.',
    });
    assert.equal(callbackErrorText('login_required').code, 'login_required');
    for (const unknown of ['<script>', 'toString', '__proto__', 'constructor', ''])
      assert.deepEqual(
        callbackErrorText(unknown),
        { code: 'unknown_error', message: 'The sign-in did not complete. Open /my to try again.' },
        unknown,
      );
  });
});
