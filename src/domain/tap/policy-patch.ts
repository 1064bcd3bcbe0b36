// PATCH of the TAP method policy: strict reading of Graph's JSON, merge, and the rules a policy must keep — refused whole on any breach.
import { AppError, type AppErrorArgs, type ErrorCode } from '../errors.js';
import { isGuid } from '../ids.js';
import {
  ALL_USERS,
  DEFAULT_PURPOSE_PROPERTY,
  EXCLUDE_TARGET_ODATA_TYPE,
  INCLUDE_TARGET_ODATA_TYPE,
  ONE_TIME_RETRY_PROPERTY,
  REGISTRATION_WINDOW_LIMITS,
  REGISTRATION_WINDOW_PROPERTY,
  RETIRE_PROPERTY,
  NOTIFY_ACCOUNT_HOLDER_PROPERTY,
  SIGN_IN_FLOW_PROPERTY,
  TAP_CONFIGURATION_ID,
  TAP_CONFIGURATION_ODATA_TYPE,
  TAP_LIMITS,
  TAP_PURPOSES,
  TAP_SIGN_IN_FLOWS,
} from './constants.js';
import type { TapPurpose, TapSignInFlow } from './constants.js';
import type { TapExcludeTarget, TapIncludeTarget, TapPolicy } from './policy.js';

/**
 * A refusal naming the offending property (a dotted path such as `includeTargets.0.id`), to throw as is. Entra's text
 * is unknown (§9.9): each is a 400 badRequest of the catalogue (src/domain/errors/tap.ts).
 */
export type TapPolicyError = AppError & { readonly target: string };

export type TapPolicyPatchResult =
  | {
      readonly ok: true;
      readonly policy: TapPolicy /** Graph names of the properties whose value changed, for the audit log. */;
      readonly changedProperties: readonly string[];
    }
  | { readonly ok: false; readonly error: TapPolicyError };

class Refusal {
  constructor(readonly error: TapPolicyError) {}
}

/** Every refusal names its property: `target` is required here. */
function refuse<C extends ErrorCode>(code: C, ...args: AppErrorArgs<C>): never {
  throw new Refusal(new AppError(code, ...args) as TapPolicyError);
}

/**
 * Read-only OData annotations a client echoes when it PATCHes back what it got from GET; they change
 * nothing, so refusing them would only break a GET-modify-PATCH round trip.
 */
const IGNORED_ANNOTATIONS = new Set(['@odata.context', 'includeTargets@odata.context']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownProperty(key: string, type: string, path: string): never {
  return refuse('unknownProperty', { target: path, params: { property: key, type } });
}

function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    refuse('policyInteger', { target: path, params: { path, min, max } });
  }
  return value;
}

function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') refuse('policyBoolean', { target: path, params: { path } });
  return value;
}

function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const match = allowed.find((a) => a === value);
  if (match === undefined) refuse('policyEnum', { target: path, params: { path, allowed } });
  return match;
}

/** Only groups: Entra's portal dropped user targets (azure-docs #110782), and a group of one does the same job. */
function readTargetCommon(item: Record<string, unknown>, path: string, allowAllUsers: boolean): string {
  if (!('targetType' in item)) refuse('policyTargetTypeRequired', { target: `${path}.targetType`, params: { path } });
  if (item.targetType !== 'group')
    refuse('policyTargetTypeNotGroup', { target: `${path}.targetType`, params: { path } });
  const id = item.id;
  if (typeof id !== 'string') refuse('policyTargetIdRequired', { target: `${path}.id`, params: { path } });
  if (id === ALL_USERS) {
    if (!allowAllUsers) refuse('policyAllUsersNotExcludable', { target: `${path}.id` });
    return id;
  }
  if (!isGuid(id)) refuse('policyTargetIdInvalid', { target: `${path}.id`, params: { path, allowAllUsers } });
  return id.toLowerCase();
}

function readTargets<T extends { id: string }>(
  value: unknown,
  name: 'includeTargets' | 'excludeTargets',
  readItem: (item: Record<string, unknown>, path: string) => T,
): T[] {
  if (!Array.isArray(value)) refuse('policyTargetsNotArray', { target: name, params: { path: name } });
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    const path = `${name}.${index}`;
    if (!isPlainObject(item)) refuse('policyTargetNotObject', { target: path, params: { path } });
    const target = readItem(item, path);
    if (seen.has(target.id))
      refuse('policyTargetRepeated', { target: `${path}.id`, params: { path: name, id: target.id } });
    seen.add(target.id);
    return target;
  });
}

/** A target may carry its own `@odata.type` (Graph SDKs write it); only the right one. */
function checkTargetType(item: Record<string, unknown>, path: string, odataType: string): void {
  if ('@odata.type' in item && item['@odata.type'] !== odataType)
    refuse('odataTypeMismatch', {
      target: `${path}.@odata.type`,
      params: { property: `${path}.@odata.type`, type: odataType },
    });
}

function readIncludeTarget(item: Record<string, unknown>, path: string): TapIncludeTarget {
  checkTargetType(item, path, INCLUDE_TARGET_ODATA_TYPE);
  for (const key of Object.keys(item)) {
    if (key === '@odata.type') continue;
    if (!['targetType', 'id', 'isRegistrationRequired'].includes(key))
      unknownProperty(key, 'microsoft.graph.authenticationMethodTarget', `${path}.${key}`);
  }
  const id = readTargetCommon(item, path, true);
  // Non-nullable in Graph, but clients building a target by hand often leave it out: false is the documented default.
  const required = item.isRegistrationRequired;
  const isRegistrationRequired =
    required === undefined ? false : readBoolean(required, `${path}.isRegistrationRequired`);
  return { targetType: 'group', id, isRegistrationRequired };
}

function readExcludeTarget(item: Record<string, unknown>, path: string): TapExcludeTarget {
  checkTargetType(item, path, EXCLUDE_TARGET_ODATA_TYPE);
  for (const key of Object.keys(item)) {
    if (key === '@odata.type') continue;
    if (!['targetType', 'id'].includes(key)) unknownProperty(key, 'microsoft.graph.excludeTarget', `${path}.${key}`);
  }
  return { targetType: 'group', id: readTargetCommon(item, path, false) };
}

const LIFETIME_PROPERTIES = [
  'defaultLifetimeInMinutes',
  'minimumLifetimeInMinutes',
  'maximumLifetimeInMinutes',
] as const;

/** Applies one property of the body to the draft, or refuses it. */
function applyProperty(draft: Mutable<TapPolicy>, key: string, value: unknown): void {
  switch (key) {
    case '@odata.type':
      // Graph requires it on this PATCH (§2.2); Gatepass accepts it absent since the URL already names the type.
      if (value !== TAP_CONFIGURATION_ODATA_TYPE)
        refuse('odataTypeMismatch', { target: key, params: { property: key, type: TAP_CONFIGURATION_ODATA_TYPE } });
      return;
    case 'id':
      if (value !== TAP_CONFIGURATION_ID) refuse('policyConfigurationId', { target: key });
      return;
    case 'state':
      draft.state = readEnum(value, key, ['enabled', 'disabled'] as const);
      return;
    case 'defaultLifetimeInMinutes':
    case 'minimumLifetimeInMinutes':
    case 'maximumLifetimeInMinutes':
      draft[key] = readInteger(value, key, TAP_LIMITS.minLifetimeMinutes, TAP_LIMITS.maxLifetimeMinutes);
      return;
    case 'defaultLength':
      draft.defaultLength = readInteger(value, key, TAP_LIMITS.minLength, TAP_LIMITS.maxLength);
      return;
    case 'isUsableOnce':
      draft.isUsableOnce = readBoolean(value, key);
      return;
    case 'includeTargets':
      draft.includeTargets = readTargets(value, key, readIncludeTarget);
      return;
    case 'excludeTargets':
      draft.excludeTargets = readTargets(value, key, readExcludeTarget);
      return;
    case SIGN_IN_FLOW_PROPERTY:
      draft.signInFlow = readEnum<TapSignInFlow>(value, key, TAP_SIGN_IN_FLOWS);
      return;
    case DEFAULT_PURPOSE_PROPERTY:
      draft.defaultPurpose = readEnum<TapPurpose>(value, key, TAP_PURPOSES);
      return;
    case RETIRE_PROPERTY:
      draft.retireAfterRegistration = readBoolean(value, key);
      return;
    case ONE_TIME_RETRY_PROPERTY:
      draft.oneTimeRetry = readBoolean(value, key);
      return;
    case REGISTRATION_WINDOW_PROPERTY:
      draft.registrationWindowInMinutes = readInteger(
        value,
        key,
        REGISTRATION_WINDOW_LIMITS.min,
        REGISTRATION_WINDOW_LIMITS.max,
      );
      return;
    case NOTIFY_ACCOUNT_HOLDER_PROPERTY:
      draft.notifyAccountHolder = readBoolean(value, key);
      return;
    default:
      if (IGNORED_ANNOTATIONS.has(key)) return;
      unknownProperty(key, TAP_CONFIGURATION_ODATA_TYPE.slice(1), key);
  }
}

/**
 * 10 ≤ minimum ≤ default ≤ maximum ≤ 43200, checked on the merged policy. The target is the property of
 * this PATCH that broke the rule, so the admin sees what they typed, not what they left alone.
 */
function checkLifetimeOrder(policy: TapPolicy, patched: ReadonlySet<string>): void {
  const { minimumLifetimeInMinutes: min, defaultLifetimeInMinutes: def, maximumLifetimeInMinutes: max } = policy;
  const pick = (...candidates: (typeof LIFETIME_PROPERTIES)[number][]) =>
    candidates.find((c) => patched.has(c)) ?? candidates[0]!;
  if (min > max) {
    refuse('policyLifetimeOrder', {
      target: pick('minimumLifetimeInMinutes', 'maximumLifetimeInMinutes'),
      params: { min, max },
    });
  }
  if (def < min || def > max) {
    refuse('policyDefaultLifetimeOutside', {
      target: pick('defaultLifetimeInMinutes', def < min ? 'minimumLifetimeInMinutes' : 'maximumLifetimeInMinutes'),
      params: { def, min, max },
    });
  }
}

const GRAPH_NAMES: readonly (readonly [keyof TapPolicy, string])[] = [
  ['state', 'state'],
  ['defaultLifetimeInMinutes', 'defaultLifetimeInMinutes'],
  ['defaultLength', 'defaultLength'],
  ['minimumLifetimeInMinutes', 'minimumLifetimeInMinutes'],
  ['maximumLifetimeInMinutes', 'maximumLifetimeInMinutes'],
  ['isUsableOnce', 'isUsableOnce'],
  ['includeTargets', 'includeTargets'],
  ['excludeTargets', 'excludeTargets'],
  ['signInFlow', SIGN_IN_FLOW_PROPERTY],
  ['defaultPurpose', DEFAULT_PURPOSE_PROPERTY],
  ['retireAfterRegistration', RETIRE_PROPERTY],
  ['oneTimeRetry', ONE_TIME_RETRY_PROPERTY],
  ['registrationWindowInMinutes', REGISTRATION_WINDOW_PROPERTY],
  ['notifyAccountHolder', NOTIFY_ACCOUNT_HOLDER_PROPERTY],
];

function freeze(policy: TapPolicy): TapPolicy {
  return Object.freeze({
    ...policy,
    includeTargets: Object.freeze(policy.includeTargets.map((t) => Object.freeze({ ...t }))),
    excludeTargets: Object.freeze(policy.excludeTargets.map((t) => Object.freeze({ ...t }))),
  });
}

/**
 * Merges a Graph PATCH body into the current policy: absent properties keep their value, present ones
 * are validated strictly (wrong type, unknown property, bad target → refused), then the merged policy
 * must keep every rule. Any breach refuses the whole PATCH; nothing is partly applied.
 */
export function applyTapPolicyPatch(current: TapPolicy, patch: unknown): TapPolicyPatchResult {
  try {
    if (!isPlainObject(patch)) refuse('bodyNotObject', { target: 'body' });
    const draft: Mutable<TapPolicy> = { ...current };
    for (const [key, value] of Object.entries(patch)) applyProperty(draft, key, value);
    checkLifetimeOrder(draft, new Set(Object.keys(patch)));
    const policy = freeze(draft);
    const changedProperties = GRAPH_NAMES.filter(
      ([field]) => JSON.stringify(current[field]) !== JSON.stringify(policy[field]),
    ).map(([, name]) => name);
    return { ok: true, policy, changedProperties };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.error };
    throw e;
  }
}
