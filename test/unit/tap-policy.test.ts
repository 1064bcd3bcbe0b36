// Unit tests for the TAP method policy: Entra's defaults, Graph JSON, PATCH merge and every rule it must keep, targeting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_TAP_POLICY,
  TAP_CONFIGURATION_ODATA_TYPE,
  isTapEnabledFor,
  isUserTargeted,
  toGraphTapConfiguration,
} from '../../src/domain/tap/policy.js';
import type { TapPolicy } from '../../src/domain/tap/policy.js';
import { applyTapPolicyPatch, type TapPolicyPatchResult } from '../../src/domain/tap/policy-patch.js';

const G1 = '11111111-1111-4111-8111-111111111111';
const G2 = '22222222-2222-4222-8222-222222222222';
const G3 = '33333333-3333-4333-8333-333333333333';

function accepted(result: TapPolicyPatchResult): TapPolicy {
  assert.ok(result.ok, result.ok ? '' : `refused: ${result.error.target}: ${result.error.message}`);
  return result.policy;
}

function refusedAt(patch: unknown, target: string, message?: RegExp, current: TapPolicy = DEFAULT_TAP_POLICY): string {
  const result = applyTapPolicyPatch(current, patch);
  assert.equal(result.ok, false, `expected ${JSON.stringify(patch)} to be refused`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.target, target);
  assert.equal(result.error.code, 'badRequest');
  if (message) assert.match(result.error.message, message);
  return result.error.message;
}

const withPolicy = (patch: Record<string, unknown>): TapPolicy =>
  accepted(applyTapPolicyPatch(DEFAULT_TAP_POLICY, patch));

describe('DEFAULT_TAP_POLICY', () => {
  it("holds Entra's defaults, enabled at first start", () => {
    assert.deepEqual(DEFAULT_TAP_POLICY, {
      state: 'enabled',
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
      defaultLifetimeInMinutes: 60,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      defaultLength: 8,
      isUsableOnce: false,
      signInFlow: 'passwordFirst',
      defaultPurpose: 'access',
      retireAfterRegistration: true,
      oneTimeRetry: false,
      registrationWindowInMinutes: 10,
      notifyAccountHolder: true,
    });
  });
  it('is frozen, so no caller can change the defaults for everyone', () => {
    assert.ok(Object.isFrozen(DEFAULT_TAP_POLICY));
    assert.ok(Object.isFrozen(DEFAULT_TAP_POLICY.includeTargets));
    assert.ok(Object.isFrozen(DEFAULT_TAP_POLICY.includeTargets[0]));
  });
});

describe('toGraphTapConfiguration', () => {
  it("is Graph's configuration JSON, with the Gatepass extension last", () => {
    const json = toGraphTapConfiguration(DEFAULT_TAP_POLICY);
    assert.deepEqual(json, {
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass',
      state: 'enabled',
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: false,
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
      gatepassSignInFlow: 'passwordFirst',
      gatepassDefaultPurpose: 'access',
      gatepassRetireAfterRegistration: true,
      gatepassOneTimeRetry: false,
      gatepassRegistrationWindowInMinutes: 10,
      gatepassNotifyAccountHolder: true,
    });
    assert.deepEqual(Object.keys(json).slice(0, 2), ['@odata.type', 'id']);
    assert.deepEqual(Object.keys(json).slice(-6), [
      'gatepassSignInFlow',
      'gatepassDefaultPurpose',
      'gatepassRetireAfterRegistration',
      'gatepassOneTimeRetry',
      'gatepassRegistrationWindowInMinutes',
      'gatepassNotifyAccountHolder',
    ]);
  });
  it('round-trips through PATCH unchanged (GET-modify-PATCH works, annotations included)', () => {
    const policy = withPolicy({ excludeTargets: [{ targetType: 'group', id: G1 }], gatepassSignInFlow: 'tapFirst' });
    const body = {
      '@odata.context': 'https://x/v1.0/$metadata#authenticationMethodConfigurations/$entity',
      'includeTargets@odata.context': 'https://x',
      ...toGraphTapConfiguration(policy),
    };
    const again = applyTapPolicyPatch(policy, body);
    assert.deepEqual(accepted(again), policy);
    assert.ok(again.ok && again.changedProperties.length === 0);
  });
});

describe('applyTapPolicyPatch merge', () => {
  it('keeps absent properties and reports what changed', () => {
    const result = applyTapPolicyPatch(DEFAULT_TAP_POLICY, {
      '@odata.type': TAP_CONFIGURATION_ODATA_TYPE,
      isUsableOnce: true,
    });
    assert.deepEqual(accepted(result), { ...DEFAULT_TAP_POLICY, isUsableOnce: true });
    assert.ok(result.ok);
    assert.deepEqual(result.changedProperties, ['isUsableOnce']);
  });
  it('accepts an empty body (nothing changes) and a body without @odata.type', () => {
    assert.deepEqual(withPolicy({}), DEFAULT_TAP_POLICY);
    assert.equal(withPolicy({ state: 'disabled' }).state, 'disabled');
  });
  it('accepts id TemporaryAccessPass', () => {
    assert.deepEqual(withPolicy({ id: 'TemporaryAccessPass' }), DEFAULT_TAP_POLICY);
  });
  it('sets every property at once', () => {
    const policy = withPolicy({
      state: 'disabled',
      defaultLifetimeInMinutes: 30,
      minimumLifetimeInMinutes: 10,
      maximumLifetimeInMinutes: 43200,
      defaultLength: 48,
      isUsableOnce: true,
      includeTargets: [{ targetType: 'group', id: G1, isRegistrationRequired: true }],
      excludeTargets: [{ targetType: 'group', id: G2 }],
      gatepassSignInFlow: 'tapFirst',
      gatepassDefaultPurpose: 'setup',
      gatepassRetireAfterRegistration: false,
      gatepassOneTimeRetry: true,
      gatepassRegistrationWindowInMinutes: 60,
      gatepassNotifyAccountHolder: false,
    });
    assert.deepEqual(policy, {
      state: 'disabled',
      defaultLifetimeInMinutes: 30,
      minimumLifetimeInMinutes: 10,
      maximumLifetimeInMinutes: 43200,
      defaultLength: 48,
      isUsableOnce: true,
      includeTargets: [{ targetType: 'group', id: G1, isRegistrationRequired: true }],
      excludeTargets: [{ targetType: 'group', id: G2 }],
      signInFlow: 'tapFirst',
      defaultPurpose: 'setup',
      retireAfterRegistration: false,
      oneTimeRetry: true,
      registrationWindowInMinutes: 60,
      notifyAccountHolder: false,
    });
  });
  it('replaces the target lists whole, and allows emptying includeTargets (nobody targeted)', () => {
    const two = withPolicy({
      includeTargets: [
        { targetType: 'group', id: G1 },
        { targetType: 'group', id: G2 },
      ],
    });
    assert.equal(two.includeTargets.length, 2);
    const none = accepted(applyTapPolicyPatch(two, { includeTargets: [] }));
    assert.deepEqual(none.includeTargets, []);
  });
  it('defaults isRegistrationRequired to false and lower-cases group ids', () => {
    const policy = withPolicy({ includeTargets: [{ targetType: 'group', id: G1.toUpperCase() }] });
    assert.deepEqual(policy.includeTargets, [{ targetType: 'group', id: G1, isRegistrationRequired: false }]);
  });
  it('accepts the @odata.type a Graph SDK puts on targets', () => {
    const policy = withPolicy({
      includeTargets: [
        {
          '@odata.type': '#microsoft.graph.authenticationMethodTarget',
          targetType: 'group',
          id: 'all_users',
          isRegistrationRequired: false,
        },
      ],
      excludeTargets: [{ '@odata.type': '#microsoft.graph.excludeTarget', targetType: 'group', id: G1 }],
    });
    assert.deepEqual(policy.excludeTargets, [{ targetType: 'group', id: G1 }]);
  });
  it('returns a frozen policy and leaves the current one untouched', () => {
    const current = { ...DEFAULT_TAP_POLICY };
    const next = accepted(applyTapPolicyPatch(current, { defaultLength: 12 }));
    assert.equal(current.defaultLength, 8);
    assert.ok(Object.isFrozen(next) && Object.isFrozen(next.includeTargets));
  });
});

describe('applyTapPolicyPatch boundaries', () => {
  for (const name of ['minimumLifetimeInMinutes', 'defaultLifetimeInMinutes', 'maximumLifetimeInMinutes']) {
    it(`${name}: 10 and 43200 are accepted, 9 and 43201 refused`, () => {
      const all = (v: number) => ({
        minimumLifetimeInMinutes: v,
        defaultLifetimeInMinutes: v,
        maximumLifetimeInMinutes: v,
      });
      assert.equal(withPolicy(all(10))[name as 'minimumLifetimeInMinutes'], 10);
      assert.equal(withPolicy(all(43200))[name as 'minimumLifetimeInMinutes'], 43200);
      refusedAt({ ...all(10), [name]: 9 }, name, new RegExp(`^${name} must be an integer between 10 and 43200\\.$`));
      refusedAt({ ...all(43200), [name]: 43201 }, name);
    });
    it(`${name}: non-integers and wrong types refused`, () => {
      for (const bad of [60.5, '60', null, true, Number.NaN, Number.POSITIVE_INFINITY, [60], { v: 60 }])
        refusedAt({ [name]: bad }, name);
    });
  }
  it('defaultLength: 8 and 48 accepted, 7, 49, 8.5 and "8" refused', () => {
    assert.equal(withPolicy({ defaultLength: 8 }).defaultLength, 8);
    assert.equal(withPolicy({ defaultLength: 48 }).defaultLength, 48);
    for (const bad of [7, 49, 8.5, '8', null, 0, -8])
      refusedAt({ defaultLength: bad }, 'defaultLength', /between 8 and 48/);
  });
});

describe('applyTapPolicyPatch lifetime order (min ≤ default ≤ max), checked on the merged policy', () => {
  it('allows min = default = max', () => {
    assert.equal(
      withPolicy({ minimumLifetimeInMinutes: 60, defaultLifetimeInMinutes: 60, maximumLifetimeInMinutes: 60 })
        .maximumLifetimeInMinutes,
      60,
    );
  });
  it('refuses a default below the (unchanged) minimum, naming the rule', () => {
    const message = refusedAt({ defaultLifetimeInMinutes: 30 }, 'defaultLifetimeInMinutes');
    assert.match(
      message,
      /^defaultLifetimeInMinutes must be between minimumLifetimeInMinutes and maximumLifetimeInMinutes/,
    );
    assert.match(message, /30 is outside 60\.\.480/);
  });
  it('refuses a default above the (unchanged) maximum', () => {
    refusedAt(
      { defaultLifetimeInMinutes: 481 },
      'defaultLifetimeInMinutes',
      /between minimumLifetimeInMinutes and maximumLifetimeInMinutes/,
    );
  });
  it('refuses a minimum raised above the (unchanged) default, naming the minimum', () => {
    refusedAt(
      { minimumLifetimeInMinutes: 120 },
      'minimumLifetimeInMinutes',
      /defaultLifetimeInMinutes must be between/,
    );
  });
  it('refuses a maximum lowered below the (unchanged) default, naming the maximum', () => {
    refusedAt(
      { maximumLifetimeInMinutes: 30, minimumLifetimeInMinutes: 10 },
      'maximumLifetimeInMinutes',
      /defaultLifetimeInMinutes must be between/,
    );
  });
  it('refuses min > max, naming the patched property', () => {
    refusedAt(
      { minimumLifetimeInMinutes: 500 },
      'minimumLifetimeInMinutes',
      /^minimumLifetimeInMinutes must not be greater than maximumLifetimeInMinutes/,
    );
    refusedAt({ maximumLifetimeInMinutes: 50 }, 'maximumLifetimeInMinutes', /must not be greater than/);
    refusedAt(
      { minimumLifetimeInMinutes: 500, maximumLifetimeInMinutes: 400 },
      'minimumLifetimeInMinutes',
      /must not be greater than/,
    );
  });
  it('accepts a move of the whole range when default moves with it', () => {
    const p = withPolicy({
      minimumLifetimeInMinutes: 600,
      defaultLifetimeInMinutes: 720,
      maximumLifetimeInMinutes: 1440,
    });
    assert.deepEqual(
      [p.minimumLifetimeInMinutes, p.defaultLifetimeInMinutes, p.maximumLifetimeInMinutes],
      [600, 720, 1440],
    );
  });
  it('refuses the whole PATCH: a valid property next to a broken rule is not applied', () => {
    const result = applyTapPolicyPatch(DEFAULT_TAP_POLICY, { state: 'disabled', defaultLifetimeInMinutes: 5000 });
    assert.equal(result.ok, false);
  });
});

describe('applyTapPolicyPatch refusals name the property', () => {
  it('refuses a body that is not an object', () => {
    for (const bad of [null, [], 'x', 1, undefined]) refusedAt(bad, 'body', /JSON object/);
  });
  it('refuses an unknown property, by name', () => {
    refusedAt(
      { lifetimeInMinutes: 60 },
      'lifetimeInMinutes',
      /The property 'lifetimeInMinutes' does not exist on type 'microsoft\.graph\.temporaryAccessPassAuthenticationMethodConfiguration'/,
    );
    refusedAt({ signInFlow: 'tapFirst' }, 'signInFlow');
    refusedAt(JSON.parse('{"__proto__": {"state": "disabled"}}'), '__proto__');
    refusedAt({ '@odata.etag': 'x' }, '@odata.etag');
  });
  it('refuses another @odata.type', () => {
    refusedAt(
      { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration' },
      '@odata.type',
      /must be '#microsoft\.graph\.temporaryAccessPassAuthenticationMethodConfiguration'/,
    );
    refusedAt({ '@odata.type': 'microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration' }, '@odata.type');
  });
  it('refuses another id', () => {
    for (const bad of ['Fido2', 'temporaryAccessPass', '', null]) refusedAt({ id: bad }, 'id', /read-only/);
  });
  it('refuses a state outside the enum', () => {
    for (const bad of ['Enabled', 'on', true, null]) refusedAt({ state: bad }, 'state', /'enabled', 'disabled'/);
  });
  it('refuses a non-boolean isUsableOnce', () => {
    for (const bad of ['true', 1, null]) refusedAt({ isUsableOnce: bad }, 'isUsableOnce', /true or false/);
  });
  it('refuses an unknown sign-in flow', () => {
    for (const bad of ['passwordfirst', 'tap', null])
      refusedAt({ gatepassSignInFlow: bad }, 'gatepassSignInFlow', /'passwordFirst', 'tapFirst'/);
  });
  it('refuses a registration window outside 5..60 minutes, and a retry switch that is not a boolean', () => {
    for (const bad of [4, 61, 10.5, '10', null])
      refusedAt({ gatepassRegistrationWindowInMinutes: bad }, 'gatepassRegistrationWindowInMinutes', /5 and 60|5\b/);
    for (const bad of ['yes', 0, null])
      refusedAt({ gatepassOneTimeRetry: bad }, 'gatepassOneTimeRetry', /true or false/);
  });
  it('refuses a retirement switch that is not a boolean', () => {
    for (const bad of ['true', 1, null])
      refusedAt({ gatepassRetireAfterRegistration: bad }, 'gatepassRetireAfterRegistration', /true or false/);
  });
  it('refuses a default purpose other than setup or access', () => {
    for (const bad of ['Setup', 'all', true, null])
      refusedAt({ gatepassDefaultPurpose: bad }, 'gatepassDefaultPurpose', /'setup', 'access'/);
  });
  it('refuses a non-boolean gatepassNotifyAccountHolder, and accepts false', () => {
    for (const bad of ['false', 0, null])
      refusedAt({ gatepassNotifyAccountHolder: bad }, 'gatepassNotifyAccountHolder', /true or false/);
    assert.equal(withPolicy({ gatepassNotifyAccountHolder: false }).notifyAccountHolder, false);
  });
});

describe('applyTapPolicyPatch targets', () => {
  const include = (id: unknown, extra: Record<string, unknown> = {}) => ({
    includeTargets: [{ targetType: 'group', id, ...extra }],
  });
  it('refuses target lists that are not arrays, and items that are not objects', () => {
    refusedAt({ includeTargets: null }, 'includeTargets', /array/);
    refusedAt({ excludeTargets: { id: G1 } }, 'excludeTargets', /array/);
    refusedAt({ includeTargets: ['all_users'] }, 'includeTargets.0');
  });
  it('refuses user targets and unknown target types', () => {
    refusedAt({ includeTargets: [{ targetType: 'user', id: G1 }] }, 'includeTargets.0.targetType', /only groups/);
    refusedAt({ excludeTargets: [{ targetType: 'unknownFutureValue', id: G1 }] }, 'excludeTargets.0.targetType');
    refusedAt({ includeTargets: [{ id: G1 }] }, 'includeTargets.0.targetType', /required/);
  });
  it('refuses ids that are neither all_users nor a GUID', () => {
    for (const bad of ['All_Users', 'everyone', '', `${G1}x`, 42, null, undefined])
      refusedAt(include(bad), 'includeTargets.0.id');
  });
  it('refuses duplicates, also when they differ only in case', () => {
    refusedAt(
      {
        includeTargets: [
          { targetType: 'group', id: 'all_users' },
          { targetType: 'group', id: 'all_users' },
        ],
      },
      'includeTargets.1.id',
      /more than once/,
    );
    refusedAt(
      {
        excludeTargets: [
          { targetType: 'group', id: G1 },
          { targetType: 'group', id: G1.toUpperCase() },
        ],
      },
      'excludeTargets.1.id',
      /more than once/,
    );
  });
  it('refuses all_users in excludeTargets', () => {
    refusedAt(
      { excludeTargets: [{ targetType: 'group', id: 'all_users' }] },
      'excludeTargets.0.id',
      /cannot be excluded/,
    );
  });
  it('refuses unknown properties on targets, and isRegistrationRequired on an exclude target', () => {
    refusedAt(
      include(G1, { displayName: 'x' }),
      'includeTargets.0.displayName',
      /does not exist on type 'microsoft\.graph\.authenticationMethodTarget'/,
    );
    refusedAt(
      { excludeTargets: [{ targetType: 'group', id: G1, isRegistrationRequired: false }] },
      'excludeTargets.0.isRegistrationRequired',
      /excludeTarget/,
    );
    refusedAt(
      include(G1, { '@odata.type': '#microsoft.graph.excludeTarget' }),
      'includeTargets.0.@odata.type',
      /must be '#microsoft\.graph\.authenticationMethodTarget'/,
    );
    refusedAt(
      {
        excludeTargets: [{ '@odata.type': '#microsoft.graph.authenticationMethodTarget', targetType: 'group', id: G1 }],
      },
      'excludeTargets.0.@odata.type',
      /excludeTarget/,
    );
  });
  it('refuses a non-boolean isRegistrationRequired', () => {
    refusedAt(
      include(G1, { isRegistrationRequired: 'no' }),
      'includeTargets.0.isRegistrationRequired',
      /true or false/,
    );
  });
  it('allows a group both included and excluded (the exclusion wins)', () => {
    const p = withPolicy({
      includeTargets: [{ targetType: 'group', id: G1 }],
      excludeTargets: [{ targetType: 'group', id: G1 }],
    });
    assert.equal(isUserTargeted(p, new Set([G1])), false);
  });
});

describe('isUserTargeted / isTapEnabledFor', () => {
  const groups = withPolicy({
    includeTargets: [
      { targetType: 'group', id: G1 },
      { targetType: 'group', id: G2 },
    ],
    excludeTargets: [{ targetType: 'group', id: G3 }],
  });
  it('all_users targets everyone, even a user in no group', () => {
    assert.equal(isUserTargeted(DEFAULT_TAP_POLICY, new Set()), true);
  });
  it('all_users minus an excluded group', () => {
    const p = withPolicy({ excludeTargets: [{ targetType: 'group', id: G3 }] });
    assert.equal(isUserTargeted(p, new Set([G1])), true);
    assert.equal(isUserTargeted(p, new Set([G1, G3])), false);
  });
  it('group targets include members of any of them only', () => {
    assert.equal(isUserTargeted(groups, new Set([G1])), true);
    assert.equal(isUserTargeted(groups, new Set([G2])), true);
    assert.equal(isUserTargeted(groups, new Set()), false);
    assert.equal(isUserTargeted(groups, new Set(['44444444-4444-4444-8444-444444444444'])), false);
  });
  it('exclusion wins over inclusion', () => {
    assert.equal(isUserTargeted(groups, new Set([G1, G3])), false);
  });
  it('compares group ids without regard to case', () => {
    assert.equal(isUserTargeted(groups, new Set([G1.toUpperCase()])), true);
    assert.equal(isUserTargeted(groups, new Set([G1, G3.toUpperCase()])), false);
  });
  it('an empty includeTargets targets nobody', () => {
    assert.equal(isUserTargeted(withPolicy({ includeTargets: [] }), new Set([G1])), false);
  });
  it('isTapEnabledFor also needs the state enabled', () => {
    assert.equal(isTapEnabledFor(DEFAULT_TAP_POLICY, new Set()), true);
    assert.equal(isTapEnabledFor(withPolicy({ state: 'disabled' }), new Set()), false);
    assert.equal(isUserTargeted(withPolicy({ state: 'disabled' }), new Set()), true);
    assert.equal(isTapEnabledFor(groups, new Set([G1, G3])), false);
  });
});
