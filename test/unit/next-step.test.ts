// Unit tests for the sign-in pipeline nextStep(), its policy sources and the amr/acr helpers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FACTOR_MAX_AGE_SECONDS, SIGN_IN_CHECKS, nextStep } from '../../src/domain/signin/next-step.js';
import { ACR_MFA, ACR_PASSWORD, acrFor, amrFor, isMultiFactor } from '../../src/domain/signin/factors.js';
import { isRequirementMet, securityDefaultsRequirements } from '../../src/domain/signin/requirements.js';
import type {
  AuthenticationStrength,
  AvailableMethod,
  FactorMethod,
  PolicyRequirement,
  SignInFacts,
  SignInStep,
  SignInUser,
  VerifiedFactor,
} from '../../src/domain/signin/types.js';

const now = new Date('2025-06-01T10:00:00.000Z');
const ago = (seconds: number): Date => new Date(now.getTime() - seconds * 1000);
const pwd = (secondsAgo = 30): VerifiedFactor => ({ method: 'password', at: ago(secondsAgo) });
const tapFactor = (secondsAgo = 5): VerifiedFactor => ({ method: 'tap', at: ago(secondsAgo) });
const totpFactor = (secondsAgo = 5): VerifiedFactor => ({ method: 'authenticatorApp', at: ago(secondsAgo) });

const usableTap: AvailableMethod = { kind: 'tap', usable: true, reason: 'EnabledByPolicy' };
const expiredTap: AvailableMethod = { kind: 'tap', usable: false, reason: 'Expired' };
const totp: AvailableMethod = { kind: 'authenticatorApp' };
const passkey: AvailableMethod = { kind: 'passkey' };
const DEFAULTS_ON = securityDefaultsRequirements(true);

interface Overrides {
  user?: Partial<SignInUser>;
  verified?: VerifiedFactor[];
  methods?: AvailableMethod[];
  requirements?: PolicyRequirement[];
  tapFirst?: boolean;
  factorMaxAgeSeconds?: number;
  preferredMethod?: FactorMethod;
}

function facts(o: Overrides = {}): SignInFacts {
  const settings = {
    tapFirst: o.tapFirst ?? false,
    ...(o.factorMaxAgeSeconds === undefined ? {} : { factorMaxAgeSeconds: o.factorMaxAgeSeconds }),
    ...(o.preferredMethod === undefined ? {} : { preferredMethod: o.preferredMethod }),
  };
  return {
    user: { id: 'u1', accountEnabled: true, hasPassword: true, ...o.user },
    verified: o.verified ?? [],
    methods: o.methods ?? [],
    requirements: o.requirements ?? [],
    settings,
    now,
  };
}

const step = (o: Overrides = {}): SignInStep => nextStep(facts(o));
const askFor = (method: string, alternatives: string[] = []) => ({ kind: 'ask', method, alternatives });

function refusal(s: SignInStep): { reason: string; message: string; policyId?: string } {
  assert.equal(s.kind, 'refuse', JSON.stringify(s));
  if (s.kind !== 'refuse') throw new Error('unreachable');
  return s;
}

function done(s: SignInStep) {
  assert.equal(s.kind, 'done', JSON.stringify(s));
  if (s.kind !== 'done') throw new Error('unreachable');
  return s;
}

describe('nextStep: password only', () => {
  it('starts by asking for the password', () => {
    assert.deepEqual(step(), askFor('password'));
  });
  it('with security defaults off, the password completes the sign-in', () => {
    const d = done(step({ verified: [pwd(30)] }));
    assert.deepEqual(d.amr, ['pwd']);
    assert.equal(d.acr, ACR_PASSWORD);
    assert.deepEqual(d.authTime, ago(30));
    assert.deepEqual(d.methods, ['password']);
  });
  it('with security defaults on and no second method, refuses and points to the helpdesk', () => {
    const r = refusal(step({ verified: [pwd()], requirements: DEFAULTS_ON }));
    assert.equal(r.reason, 'mfaRequiredNoMethod');
    assert.match(r.message, /helpdesk/);
    assert.match(r.message, /Temporary Access Pass/);
    assert.equal(r.policyId, undefined);
  });
  it('says why a pass the user holds does not help', () => {
    const r = refusal(step({ verified: [pwd()], requirements: DEFAULTS_ON, methods: [expiredTap] }));
    assert.equal(r.reason, 'mfaRequiredNoMethod');
    assert.match(r.message, /^Your Temporary Access Pass has expired\. /);
  });
  it('security defaults still ask for the password first (nothing is revealed before it)', () => {
    assert.deepEqual(step({ requirements: DEFAULTS_ON }), askFor('password'));
  });
});

describe('nextStep: account state', () => {
  it('a disabled user with a password is asked for it like anyone else', () => {
    assert.deepEqual(step({ user: { accountEnabled: false } }), askFor('password'));
  });
  it('a disabled user is refused once the password is proved', () => {
    const r = refusal(step({ user: { accountEnabled: false }, verified: [pwd()] }));
    assert.equal(r.reason, 'accountDisabled');
    assert.doesNotMatch(r.message, /Temporary Access Pass/);
  });
  it('a disabled user without a password is refused at once', () => {
    assert.equal(
      refusal(step({ user: { accountEnabled: false, hasPassword: false }, methods: [usableTap] })).reason,
      'accountDisabled',
    );
  });
  it('no password and no method: refused with noUsableMethod', () => {
    const r = refusal(step({ user: { hasPassword: false } }));
    assert.equal(r.reason, 'noUsableMethod');
    assert.match(r.message, /Temporary Access Pass/);
  });
  it('no password and only a TOTP app (not a first factor): noUsableMethod', () => {
    assert.equal(refusal(step({ user: { hasPassword: false }, methods: [totp] })).reason, 'noUsableMethod');
  });
  it('no password and a used one-time pass: noUsableMethod that names the cause', () => {
    const r = refusal(
      step({ user: { hasPassword: false }, methods: [{ kind: 'tap', usable: false, reason: 'OneTimeUsed' }] }),
    );
    assert.equal(r.reason, 'noUsableMethod');
    assert.match(r.message, /already been used/);
  });
});

describe('nextStep: Temporary Access Pass', () => {
  it('a user without a password is asked for the pass', () => {
    assert.deepEqual(step({ user: { hasPassword: false }, methods: [usableTap] }), askFor('tap'));
  });
  it('the pass alone satisfies security defaults (it is MFA)', () => {
    const d = done(
      step({ user: { hasPassword: false }, methods: [usableTap], verified: [tapFactor()], requirements: DEFAULTS_ON }),
    );
    assert.deepEqual(d.amr, ['tap', 'mfa']);
    assert.equal(d.acr, ACR_MFA);
  });
  it('default flow: password first, then the pass appears by itself', () => {
    assert.deepEqual(step({ methods: [usableTap], requirements: DEFAULTS_ON }), askFor('password'));
    assert.deepEqual(step({ methods: [usableTap], requirements: DEFAULTS_ON, verified: [pwd()] }), askFor('tap'));
    const d = done(step({ methods: [usableTap], requirements: DEFAULTS_ON, verified: [pwd(20), tapFactor(3)] }));
    assert.deepEqual(d.amr, ['pwd', 'tap', 'mfa']);
    assert.deepEqual(d.authTime, ago(3));
    assert.deepEqual(d.methods, ['password', 'tap']);
  });
  it('without a second-factor requirement, the password alone is enough even with a pass', () => {
    assert.deepEqual(done(step({ methods: [usableTap], verified: [pwd()] })).amr, ['pwd']);
  });
  it('pass-first setting: the pass right after the username, password as the alternative', () => {
    assert.deepEqual(step({ tapFirst: true, methods: [usableTap] }), askFor('tap', ['password']));
    assert.deepEqual(step({ tapFirst: true, methods: [usableTap, passkey] }), askFor('tap', ['passkey', 'password']));
  });
  it('pass-first setting with an unusable pass falls back to the password', () => {
    assert.deepEqual(step({ tapFirst: true, methods: [expiredTap] }), askFor('password'));
  });
  it('pass-first: choosing the password instead still needs the pass for MFA', () => {
    assert.deepEqual(
      step({ tapFirst: true, methods: [usableTap], verified: [pwd()], requirements: DEFAULTS_ON }),
      askFor('tap'),
    );
  });
});

describe('nextStep: other second factors', () => {
  it('offers the pass first, then passkey and TOTP as alternatives', () => {
    const s = step({ methods: [totp, passkey, usableTap], verified: [pwd()], requirements: DEFAULTS_ON });
    assert.deepEqual(s, askFor('tap', ['passkey', 'authenticatorApp']));
  });
  it('password + TOTP is multi-factor', () => {
    assert.deepEqual(
      step({ methods: [totp], verified: [pwd()], requirements: DEFAULTS_ON }),
      askFor('authenticatorApp'),
    );
    const d = done(step({ methods: [totp], verified: [pwd(), totpFactor()], requirements: DEFAULTS_ON }));
    assert.deepEqual(d.amr, ['pwd', 'otp', 'mfa']);
  });
  it('a TOTP code alone never completes a sign-in', () => {
    assert.deepEqual(step({ methods: [totp], verified: [totpFactor()] }), askFor('password'));
  });
  it('a passkey alone is multi-factor: hwk or swk', () => {
    const hw = done(
      step({
        user: { hasPassword: false },
        methods: [passkey],
        verified: [{ method: 'passkey', at: ago(1), hardwareBound: true }],
        requirements: DEFAULTS_ON,
      }),
    );
    assert.deepEqual(hw.amr, ['hwk', 'mfa']);
    const sw = done(
      step({
        methods: [passkey],
        verified: [{ method: 'passkey', at: ago(1), hardwareBound: false }],
        requirements: DEFAULTS_ON,
      }),
    );
    assert.deepEqual(sw.amr, ['swk', 'mfa']);
  });
  it('"Sign in another way" puts the chosen method first and keeps the others as alternatives', () => {
    const s = step({
      methods: [totp, passkey, usableTap],
      verified: [pwd()],
      requirements: DEFAULTS_ON,
      preferredMethod: 'authenticatorApp',
    });
    assert.deepEqual(s, askFor('authenticatorApp', ['tap', 'passkey']));
  });
  it('a chosen method that would not do changes nothing', () => {
    // TOTP cannot open a sign-in, and a user without a passkey cannot be asked for one.
    assert.deepEqual(
      step({ user: { hasPassword: false }, methods: [totp, usableTap], preferredMethod: 'authenticatorApp' }),
      askFor('tap'),
    );
    assert.deepEqual(
      step({ methods: [totp], verified: [pwd()], requirements: DEFAULTS_ON, preferredMethod: 'passkey' }),
      askFor('authenticatorApp'),
    );
  });
  it('a passwordless user with a passkey is asked for it', () => {
    assert.deepEqual(step({ user: { hasPassword: false }, methods: [passkey, totp] }), askFor('passkey'));
  });
});

describe('nextStep: Conditional Access requirements', () => {
  const phishingResistant: AuthenticationStrength = {
    id: 's1',
    displayName: 'Phishing-resistant',
    combinations: [['passkey']],
  };
  const pwdPlusTotp: AuthenticationStrength = {
    id: 's2',
    displayName: 'Password + app',
    combinations: [['password', 'authenticatorApp']],
  };
  const ca = (
    policyId: string,
    require: Extract<PolicyRequirement, { source: 'conditionalAccess' }>['require'],
  ): PolicyRequirement => ({ source: 'conditionalAccess', policyId, require });

  it('block: refused after the first factor, naming the policy', () => {
    assert.deepEqual(step({ requirements: [ca('p-block', 'block')] }), askFor('password'));
    const r = refusal(step({ requirements: [ca('p-block', 'block')], verified: [pwd()] }));
    assert.equal(r.reason, 'blockedByPolicy');
    assert.equal(r.policyId, 'p-block');
  });
  it('block wins over requirements that are already met', () => {
    const r = refusal(
      step({
        requirements: [ca('p-mfa', 'mfa'), ca('p-block', 'block')],
        verified: [tapFactor()],
        methods: [usableTap],
      }),
    );
    assert.equal(r.reason, 'blockedByPolicy');
  });
  it('mfa from CA behaves like security defaults and names the policy when unmet', () => {
    const r = refusal(step({ requirements: [...DEFAULTS_ON, ca('p-mfa', 'mfa')], verified: [pwd()] }));
    assert.equal(r.reason, 'mfaRequiredNoMethod');
    assert.equal(r.policyId, 'p-mfa');
  });
  it('strength: asks for the method that meets it, even after an MFA-grade pass', () => {
    const requirements = [ca('p-strong', { strength: phishingResistant })];
    assert.deepEqual(step({ requirements, methods: [passkey, totp, usableTap], verified: [pwd()] }), askFor('passkey'));
    assert.deepEqual(step({ requirements, methods: [passkey, usableTap], verified: [tapFactor()] }), askFor('passkey'));
  });
  it('strength the user cannot meet: strengthRequiredNoMethod with the policy id', () => {
    const r = refusal(
      step({ requirements: [ca('p-strong', { strength: phishingResistant })], methods: [totp], verified: [pwd()] }),
    );
    assert.equal(r.reason, 'strengthRequiredNoMethod');
    assert.equal(r.policyId, 'p-strong');
  });
  it('strength needing two more methods asks for them one at a time', () => {
    const requirements = [ca('p-two', { strength: pwdPlusTotp })];
    const base = { requirements, methods: [usableTap, totp] };
    assert.deepEqual(step({ ...base, verified: [tapFactor()] }), askFor('password'));
    assert.deepEqual(step({ ...base, verified: [tapFactor(), pwd()] }), askFor('authenticatorApp'));
    assert.deepEqual(done(step({ ...base, verified: [tapFactor(), pwd(), totpFactor()] })).amr, [
      'tap',
      'pwd',
      'otp',
      'mfa',
    ]);
  });
});

describe('nextStep: password change and freshness', () => {
  it('a forced password change comes after every factor', () => {
    assert.deepEqual(step({ user: { forceChangePassword: true }, verified: [pwd()] }), { kind: 'changePassword' });
    const r = refusal(step({ user: { forceChangePassword: true }, verified: [pwd()], requirements: DEFAULTS_ON }));
    assert.equal(r.reason, 'mfaRequiredNoMethod');
  });
  it('a sign-in that did not use the password is not forced to change it', () => {
    const d = done(
      step({ user: { forceChangePassword: true }, methods: [usableTap], tapFirst: true, verified: [tapFactor()] }),
    );
    assert.deepEqual(d.amr, ['tap', 'mfa']);
  });
  it('factors older than the limit stop counting; exactly at the limit they count', () => {
    assert.equal(DEFAULT_FACTOR_MAX_AGE_SECONDS, 900);
    assert.equal(step({ verified: [pwd(900)] }).kind, 'done');
    assert.deepEqual(step({ verified: [pwd(901)] }), askFor('password'));
  });
  it('a stale first factor is asked for again even when the second is fresh', () => {
    const s = step({ methods: [totp], requirements: DEFAULTS_ON, verified: [pwd(1000), totpFactor(1)] });
    assert.deepEqual(s, askFor('password'));
  });
  it('the limit is a setting', () => {
    assert.deepEqual(step({ verified: [pwd(61)], factorMaxAgeSeconds: 60 }), askFor('password'));
    assert.equal(step({ verified: [pwd(60)], factorMaxAgeSeconds: 60 }).kind, 'done');
  });
  it('a factor proved twice appears once in amr and methods', () => {
    const d = done(step({ verified: [pwd(50), pwd(10)] }));
    assert.deepEqual(d.amr, ['pwd']);
    assert.deepEqual(d.methods, ['password']);
    assert.deepEqual(d.authTime, ago(10));
  });
});

describe('pipeline shape', () => {
  it('reads as a list of named steps', () => {
    assert.deepEqual(
      SIGN_IN_CHECKS.map((c) => c.name),
      [
        'askPasswordFirst',
        'checkAccountEnabled',
        'checkNotBlocked',
        'askFirstFactor',
        'meetRequirements',
        'askPasswordChange',
        'complete',
      ],
    );
  });
});

describe('policy sources and helpers', () => {
  it('securityDefaultsRequirements', () => {
    assert.deepEqual(securityDefaultsRequirements(true), [{ source: 'securityDefaults', require: 'mfa' }]);
    assert.deepEqual(securityDefaultsRequirements(false), []);
  });
  it('isRequirementMet: empty combinations never match, block never met', () => {
    const empty: PolicyRequirement = {
      source: 'conditionalAccess',
      policyId: 'p',
      require: { strength: { id: 'x', displayName: 'x', combinations: [[]] } },
    };
    assert.equal(isRequirementMet(empty, new Set(['password'])), false);
    assert.equal(
      isRequirementMet({ source: 'conditionalAccess', policyId: 'p', require: 'block' }, new Set(['passkey'])),
      false,
    );
  });
  it('isMultiFactor', () => {
    assert.equal(isMultiFactor([]), false);
    assert.equal(isMultiFactor(['password']), false);
    assert.equal(isMultiFactor(['authenticatorApp']), false);
    assert.equal(isMultiFactor(['password', 'authenticatorApp']), true);
    assert.equal(isMultiFactor(['tap']), true);
    assert.equal(isMultiFactor(['passkey']), true);
  });
  it('amrFor and acrFor', () => {
    assert.deepEqual(amrFor([]), []);
    assert.deepEqual(amrFor([pwd()]), ['pwd']);
    assert.deepEqual(amrFor([totpFactor(), pwd()]), ['otp', 'pwd', 'mfa']);
    assert.equal(acrFor(['pwd']), ACR_PASSWORD);
    assert.equal(acrFor(['tap', 'mfa']), ACR_MFA);
    assert.equal(ACR_MFA, 'urn:gatepass:acr:mfa');
    assert.equal(ACR_PASSWORD, 'urn:gatepass:acr:pwd');
  });
});
