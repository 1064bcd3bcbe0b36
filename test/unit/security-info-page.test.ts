// Security info after a pass sign-in: the reminder to add a method the user keeps goes once they have one, and a
// change confirmed by the redirect's `done` is announced in words (anything else in `done` is ignored).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthenticationMethods } from '../../src/services/authentication-methods.js';
import { securityInfoOutcomeOf, securityInfoPage, type SecurityInfoView } from '../../src/web/views/my-pages.js';

const now = new Date('2026-12-04T10:00:00Z');
const methods = (apps: number): AuthenticationMethods =>
  ({
    user: { displayName: 'Erin' },
    password: null,
    pass: undefined,
    apps: Array.from({ length: apps }, (_, i) => ({
      id: `00000000-0000-4000-8000-00000000000${i}`,
      displayName: 'Work phone',
      createdAt: now,
      lastUsedAt: null,
    })),
    passkeys: [],
  }) as unknown as AuthenticationMethods;
const view = (over: Partial<SecurityInfoView>): SecurityInfoView => ({
  displayName: 'Erin',
  methods: methods(0),
  signedInWithPass: true,
  registerUntil: undefined,
  canChangeUntil: undefined,
  now,
  csrf: 'token',
  ...over,
});

describe('Security info page', () => {
  it('reminds a pass user to add a method they keep, until they have one', () => {
    assert.match(securityInfoPage(view({})), /id="registration-window"[\s\S]*Add a sign-in method you keep/);
    assert.doesNotMatch(securityInfoPage(view({ methods: methods(1) })), /registration-window/);
    assert.doesNotMatch(securityInfoPage(view({ signedInWithPass: false })), /registration-window/);
  });

  it('announces the change the redirect names, and only a known one', () => {
    const added = securityInfoPage(
      view({ methods: methods(1), outcome: securityInfoOutcomeOf('authenticator-app-added') }),
    );
    assert.match(added, /<div class="success" role="status" id="security-info-outcome"><p>Authenticator app added\./);
    assert.equal(securityInfoOutcomeOf('<script>'), undefined);
    assert.equal(securityInfoOutcomeOf('toString'), undefined, 'only the table’s own keys');
    assert.doesNotMatch(securityInfoPage(view({ outcome: securityInfoOutcomeOf('nope') })), /security-info-outcome/);
  });
});
