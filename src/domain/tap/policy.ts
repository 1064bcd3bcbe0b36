// The Temporary Access Pass method policy (Graph temporaryAccessPassAuthenticationMethodConfiguration): shape, defaults, targeting, Graph JSON.
import {
  ALL_USERS,
  DEFAULT_PURPOSE_PROPERTY,
  ONE_TIME_RETRY_PROPERTY,
  REGISTRATION_WINDOW_LIMITS,
  REGISTRATION_WINDOW_PROPERTY,
  RETIRE_PROPERTY,
  NOTIFY_ACCOUNT_HOLDER_PROPERTY,
  SIGN_IN_FLOW_PROPERTY,
  TAP_CONFIGURATION_ID,
  TAP_CONFIGURATION_ODATA_TYPE,
  TAP_LIMITS,
} from './constants.js';
import type { TapPurpose, TapSignInFlow } from './constants.js';

export {
  ALL_USERS,
  DEFAULT_PURPOSE_PROPERTY,
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
export type { TapPurpose, TapSignInFlow } from './constants.js';

export interface TapIncludeTarget {
  readonly targetType: 'group';
  /** `all_users`, or a group's object id (lower-case GUID). */
  readonly id: string;
  readonly isRegistrationRequired: boolean;
}

export interface TapExcludeTarget {
  readonly targetType: 'group';
  /** A group's object id (lower-case GUID); `all_users` cannot be excluded. */
  readonly id: string;
}

export interface TapPolicy {
  readonly state: 'enabled' | 'disabled';
  readonly includeTargets: readonly TapIncludeTarget[];
  readonly excludeTargets: readonly TapExcludeTarget[];
  /** Invariant (kept by applyTapPolicyPatch): 10 ≤ minimum ≤ default ≤ maximum ≤ 43200. */
  readonly defaultLifetimeInMinutes: number;
  readonly minimumLifetimeInMinutes: number;
  readonly maximumLifetimeInMinutes: number;
  /** Characters of a new pass, 8..48. */
  readonly defaultLength: number;
  /** When true every pass is one-time; multi-use passes can neither be issued nor used. */
  readonly isUsableOnce: boolean;
  readonly signInFlow: TapSignInFlow;
  /** The purpose of a pass issued without one to a user who has a password (without one: always 'setup'). */
  readonly defaultPurpose: TapPurpose;
  /**
   * Remove the user's pass as soon as they register a method that, with what they already hold, completes a
   * multi-factor sign-in without it (domain/tap/retire.ts). On by default.
   */
  readonly retireAfterRegistration: boolean;
  /**
   * Off by default, because it relaxes Entra's rule: a one-time pass is used up by a completed registration or at the
   * end of its registration window, so a closed browser or a failed passkey prompt does not burn it.
   */
  readonly oneTimeRetry: boolean;
  /** The registration window of a retry-tolerant one-time pass (5..60 minutes; Entra's 10 by default). */
  readonly registrationWindowInMinutes: number;
  /** "This wasn't me" notices to the account holder (always on for holders of an admin role). */
  readonly notifyAccountHolder: boolean;
}

/**
 * Entra's documented defaults (ENTRA-REFERENCE §2.1: 60/60/480 minutes, length 8, multi-use, all users),
 * except `state`: a Gatepass choice, 'enabled' from the first start, because the first Global
 * Administrator has no password and onboards with a pass, exactly as every user does.
 */
export const DEFAULT_TAP_POLICY: TapPolicy = Object.freeze({
  state: 'enabled',
  includeTargets: Object.freeze([
    Object.freeze({ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false } as const),
  ]),
  excludeTargets: Object.freeze([]),
  defaultLifetimeInMinutes: 60,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  defaultLength: TAP_LIMITS.minLength,
  isUsableOnce: false,
  signInFlow: 'passwordFirst',
  defaultPurpose: 'access',
  retireAfterRegistration: true,
  oneTimeRetry: false,
  registrationWindowInMinutes: REGISTRATION_WINDOW_LIMITS.default,
  notifyAccountHolder: true,
});

/** The Graph JSON of a TAP configuration, as GET returns it (the HTTP layer adds `@odata.context`). */
export interface GraphTapConfiguration {
  '@odata.type': typeof TAP_CONFIGURATION_ODATA_TYPE;
  id: typeof TAP_CONFIGURATION_ID;
  state: 'enabled' | 'disabled';
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
  includeTargets: { targetType: 'group'; id: string; isRegistrationRequired: boolean }[];
  excludeTargets: { targetType: 'group'; id: string }[];
  /** Gatepass extensions (see SIGN_IN_FLOW_PROPERTY and the properties after it in ./constants.ts). */
  gatepassSignInFlow: TapSignInFlow;
  gatepassDefaultPurpose: TapPurpose;
  gatepassRetireAfterRegistration: boolean;
  gatepassOneTimeRetry: boolean;
  gatepassRegistrationWindowInMinutes: number;
  /** Gatepass extension (see NOTIFY_ACCOUNT_HOLDER_PROPERTY). */
  gatepassNotifyAccountHolder: boolean;
}

/** Property order follows the Graph documentation's example; the extensions come last. */
export function toGraphTapConfiguration(policy: TapPolicy): GraphTapConfiguration {
  return {
    '@odata.type': TAP_CONFIGURATION_ODATA_TYPE,
    id: TAP_CONFIGURATION_ID,
    state: policy.state,
    defaultLifetimeInMinutes: policy.defaultLifetimeInMinutes,
    defaultLength: policy.defaultLength,
    minimumLifetimeInMinutes: policy.minimumLifetimeInMinutes,
    maximumLifetimeInMinutes: policy.maximumLifetimeInMinutes,
    isUsableOnce: policy.isUsableOnce,
    includeTargets: policy.includeTargets.map((t) => ({
      targetType: t.targetType,
      id: t.id,
      isRegistrationRequired: t.isRegistrationRequired,
    })),
    excludeTargets: policy.excludeTargets.map((t) => ({ targetType: t.targetType, id: t.id })),
    [SIGN_IN_FLOW_PROPERTY]: policy.signInFlow,
    [DEFAULT_PURPOSE_PROPERTY]: policy.defaultPurpose,
    [RETIRE_PROPERTY]: policy.retireAfterRegistration,
    [ONE_TIME_RETRY_PROPERTY]: policy.oneTimeRetry,
    [REGISTRATION_WINDOW_PROPERTY]: policy.registrationWindowInMinutes,
    [NOTIFY_ACCOUNT_HOLDER_PROPERTY]: policy.notifyAccountHolder,
  };
}

/** Whether an include target covers the user: `all_users`, or one of their groups. */
export function isUserIncluded(policy: TapPolicy, userGroupIds: ReadonlySet<string>): boolean {
  const groups = lowerCased(userGroupIds);
  return policy.includeTargets.some((t) => t.id === ALL_USERS || groups.has(t.id));
}

/** Whether one of the user's groups is an exclude target. */
export function isUserExcluded(policy: TapPolicy, userGroupIds: ReadonlySet<string>): boolean {
  const groups = lowerCased(userGroupIds);
  return policy.excludeTargets.some((t) => groups.has(t.id));
}

const lowerCased = (ids: ReadonlySet<string>) => new Set([...ids].map((id) => id.toLowerCase()));

/**
 * Whether the policy's targets cover a user, whatever its state: included through `all_users` or one
 * of their groups, and in no excluded group (an exclusion wins over any inclusion, as in Entra).
 * `userGroupIds` are the ids of every group the user belongs to.
 */
export function isUserTargeted(policy: TapPolicy, userGroupIds: ReadonlySet<string>): boolean {
  return isUserIncluded(policy, userGroupIds) && !isUserExcluded(policy, userGroupIds);
}

/** Enabled and targeting the user: a pass may be issued to them, and used by them. */
export function isTapEnabledFor(policy: TapPolicy, userGroupIds: ReadonlySet<string>): boolean {
  return policy.state === 'enabled' && isUserTargeted(policy, userGroupIds);
}
