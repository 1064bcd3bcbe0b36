// Which actions a custom role may hold (issue 10): Entra's user and group actions, plus authentication methods as a
// Gatepass extension; the first unknown or non-assignable action is named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CUSTOM_ROLE_ACTIONS, validateCustomRoleActions } from '../../src/domain/authz/custom-roles.js';

const D = 'microsoft.directory';

describe('validateCustomRoleActions', () => {
  it('accepts the Tier 1 TAP issuer (authentication-method create and read)', () => {
    assert.equal(
      validateCustomRoleActions([
        `${D}/users/authenticationMethods/create`,
        `${D}/users/authenticationMethods/standard/restrictedRead`,
      ]),
      undefined,
    );
  });
  it('names the first unknown action', () => {
    assert.deepEqual(validateCustomRoleActions([`${D}/users/create`, `${D}/users/fly`, 'x']), {
      action: `${D}/users/fly`,
      problem: 'unknown',
    });
    assert.deepEqual(validateCustomRoleActions([`${D}/*`]), { action: `${D}/*`, problem: 'unknown' });
  });
  it('names the first known but non-assignable action', () => {
    assert.deepEqual(validateCustomRoleActions([`${D}/roleAssignments/allProperties/allTasks`]), {
      action: `${D}/roleAssignments/allProperties/allTasks`,
      problem: 'notAssignable',
    });
    assert.deepEqual(validateCustomRoleActions([`${D}/userCredentialPolicies/basic/update`]), {
      action: `${D}/userCredentialPolicies/basic/update`,
      problem: 'notAssignable',
    });
  });
  it('lists user, group and authentication-method actions only', () => {
    assert.ok(CUSTOM_ROLE_ACTIONS.includes(`${D}/users/authenticationMethods/create`));
    assert.ok(CUSTOM_ROLE_ACTIONS.includes(`${D}/groups/members/update`));
    for (const action of CUSTOM_ROLE_ACTIONS) assert.match(action, /^microsoft\.directory\/(users|groups)\//);
  });
});
