// Refusals of Temporary Access Passes: issuing one (Entra's order: for whom, the policy, then the request), and
// PATCHing the pass method policy. Every one is a 400 badRequest naming the offending property.

import { ALL_USERS, TAP_CONFIGURATION_ID } from '../tap/constants.js';
import { defineErrors } from './spec.js';

const badRequest = { status: 400, graphCode: 'badRequest', code: 'badRequest' } as const;

const START_FORMAT_HINT = 'Use an ISO 8601 date and time with a time zone, e.g. 2026-06-05T08:00:00Z.';

export const tapErrors = defineErrors({
  externalGuestNoPass: {
    ...badRequest,
    message: 'Temporary Access Pass cannot be added to an external guest user.',
  },
  /** Entra's text when the policy is off or does not target the user (§1.6; status unconfirmed). */
  passPolicyRefusal: {
    ...badRequest,
    message:
      'Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].',
  },

  // The create request under the policy (planIssue); the entries are named by the plan's refusal reasons.
  lifetimeOutOfRange: {
    ...badRequest,
    // Entra's text, word for word (graph-docs PR #12187), also for a value that is not an integer.
    message: (p: { min: number; max: number }) =>
      `Invalid LifetimeInMinutes specified. The valid range between ${p.min} and ${p.max}.`,
  },
  invalidStartDateTime: { ...badRequest, message: `Invalid StartDateTime specified. ${START_FORMAT_HINT}` },
  startDateTimeInPast: {
    ...badRequest,
    message: 'Invalid StartDateTime specified. The start time cannot be more than 5 minutes in the past.',
  },
  startDateTimeTooFarAhead: {
    ...badRequest,
    message: 'Invalid StartDateTime specified. The start time cannot be more than 30 days in the future.',
  },
  invalidIsUsableOnce: { ...badRequest, message: 'Invalid IsUsableOnce specified. It must be true or false.' },
  invalidPurpose: {
    ...badRequest,
    message: "Invalid gatepassPurpose specified. It must be 'setup' or 'access'.",
  },
  multiUseNotAllowed: {
    ...badRequest,
    message: 'Invalid IsUsableOnce specified. The Temporary Access Pass policy allows only one-time passes.',
  },

  /** `gatepass tap delete` for a user without a pass. */
  userHoldsNoPass: {
    status: 404,
    graphCode: 'Request_ResourceNotFound',
    code: 'notFound',
    message: (p: { user: string }) => `${p.user} holds no Temporary Access Pass.`,
  },

  // PATCH of the pass method policy (applyTapPolicyPatch); `path` is the offending property, e.g. includeTargets.0.id.
  policyInteger: {
    ...badRequest,
    message: (p: { path: string; min: number; max: number }) =>
      `${p.path} must be an integer between ${p.min} and ${p.max}.`,
  },
  policyBoolean: { ...badRequest, message: (p: { path: string }) => `${p.path} must be true or false.` },
  policyEnum: {
    ...badRequest,
    message: (p: { path: string; allowed: readonly string[] }) =>
      `${p.path} must be one of ${p.allowed.map((a) => `'${a}'`).join(', ')}.`,
  },
  policyConfigurationId: { ...badRequest, message: `id is read-only and must be '${TAP_CONFIGURATION_ID}'.` },
  policyTargetsNotArray: { ...badRequest, message: (p: { path: string }) => `${p.path} must be an array of targets.` },
  policyTargetNotObject: {
    ...badRequest,
    message: (p: { path: string }) => `${p.path} must be an object with targetType and id.`,
  },
  policyTargetTypeRequired: { ...badRequest, message: (p: { path: string }) => `${p.path}.targetType is required.` },
  policyTargetTypeNotGroup: {
    ...badRequest,
    message: (p: { path: string }) => `${p.path}.targetType must be 'group': only groups can be targeted.`,
  },
  policyTargetIdRequired: {
    ...badRequest,
    message: (p: { path: string }) => `${p.path}.id is required: '${ALL_USERS}' or a group id.`,
  },
  policyAllUsersNotExcludable: {
    ...badRequest,
    message: `'${ALL_USERS}' cannot be excluded; set state to 'disabled' to turn the method off for everyone.`,
  },
  policyTargetIdInvalid: {
    ...badRequest,
    message: (p: { path: string; allowAllUsers: boolean }) =>
      `${p.path}.id must be ${p.allowAllUsers ? `'${ALL_USERS}' or ` : ''}a group id (a GUID).`,
  },
  policyTargetRepeated: {
    ...badRequest,
    message: (p: { path: string; id: string }) => `${p.path} lists '${p.id}' more than once.`,
  },
  policyLifetimeOrder: {
    ...badRequest,
    message: (p: { min: number; max: number }) =>
      `minimumLifetimeInMinutes must not be greater than maximumLifetimeInMinutes (here ${p.min} > ${p.max}).`,
  },
  policyDefaultLifetimeOutside: {
    ...badRequest,
    message: (p: { def: number; min: number; max: number }) =>
      `defaultLifetimeInMinutes must be between minimumLifetimeInMinutes and maximumLifetimeInMinutes (here ${p.def} is outside ${p.min}..${p.max}).`,
  },
} as const);
