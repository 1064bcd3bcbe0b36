// Refusals of who is calling: a bearer token that does not hold, and a caller that may not do what it asked
// (in plain words for an application, which an operator can fix by assigning a role, and for a stale sign-in).

import { defineErrors } from './spec.js';

const invalidToken = { status: 401, graphCode: 'InvalidAuthenticationToken', code: 'invalidToken' } as const;
const forbidden = { status: 403, graphCode: 'Authorization_RequestDenied', code: 'forbidden' } as const;

const FAILURE = 'Access token validation failure:';
const INSUFFICIENT = 'Insufficient privileges to complete the operation.';

export const accessErrors = defineErrors({
  tokenNotBearer: {
    ...invalidToken,
    message: `${FAILURE} the Authorization header is not a bearer token.`,
  },
  tokenExpired: { ...invalidToken, message: 'Lifetime validation failed, the token is expired.' },
  tokenNotYetValid: { ...invalidToken, message: 'Lifetime validation failed, the token is not yet valid.' },
  tokenInvalidAudience: { ...invalidToken, message: 'Invalid audience.' },
  tokenInvalidIssuer: { ...invalidToken, message: 'Invalid issuer.' },
  tokenInvalidClaim: {
    ...invalidToken,
    message: (p: { claim: string }) => `${FAILURE} claim '${p.claim}' is invalid.`,
  },
  tokenUnknownKey: { ...invalidToken, message: `${FAILURE} unknown signing key.` },
  tokenNamesNoApplication: { ...invalidToken, message: `${FAILURE} the token names no application.` },
  tokenApplicationGone: { ...invalidToken, message: `${FAILURE} the application no longer exists.` },
  tokenNamesNoUser: { ...invalidToken, message: `${FAILURE} the token names no user.` },
  tokenUserGone: { ...invalidToken, message: `${FAILURE} the user is disabled or no longer exists.` },
  tokenSessionsRevoked: {
    ...invalidToken,
    message: `${FAILURE} the token was issued before the user's sessions were revoked.`,
  },
  tokenClientGone: {
    ...invalidToken,
    message: `${FAILURE} the application the token was issued to no longer exists.`,
  },
  tokenPassEnded: {
    ...invalidToken,
    message: `${FAILURE} the Temporary Access Pass this token was signed in with was deleted, replaced or has ended. Sign in again.`,
  },
  tokenWithoutPermissions: {
    ...invalidToken,
    message: `${FAILURE} the token carries neither application roles nor delegated scopes.`,
  },

  // Why authorize() refused, one entry per rule (ENTRA-REFERENCE §5.4, §5.5): Graph's message, then the rule.
  deniedPermissionMissing: {
    ...forbidden,
    message: `${INSUFFICIENT} Missing permission: the token carries no Graph permission or scope that allows this action.`,
  },
  deniedRoleMissing: {
    ...forbidden,
    message: `${INSUFFICIENT} Missing role: the signed-in user holds no directory role that allows this action.`,
  },
  deniedOutsideUnit: {
    ...forbidden,
    message: `${INSUFFICIENT} Target outside the assignment's unit: the role that allows this action is assigned only in administrative units the target is not a member of.`,
  },
  deniedTargetRole: {
    ...forbidden,
    message: `${INSUFFICIENT} Target holds a role this role may not act on: the user holds a directory role outside the reach of the caller's role (at administrative-unit scope, any directory role).`,
  },
  deniedSelf: {
    ...forbidden,
    message: `${INSUFFICIENT} Not on self: administrators may not manage their own authentication methods.`,
  },
  deniedNoMultiFactor: {
    ...forbidden,
    message: `${INSUFFICIENT} No multi-factor sign-in: administrative actions require one. Sign in again with multi-factor authentication and retry with the new token.`,
  },

  appLacksRoleForPrivilegedUser: {
    ...forbidden,
    message: `${INSUFFICIENT} The user holds a privileged directory role, and the application's service principal holds no role that may act on them (such as Privileged Authentication Administrator or Global Administrator).`,
  },
  appLacksRoleForPassword: {
    ...forbidden,
    message: `${INSUFFICIENT} Managing a user's password (a reset, or clearing their sign-in failures) in an app-only call also needs a directory role on the application's service principal (User Administrator or Helpdesk Administrator; Privileged Authentication Administrator for privileged users).`,
  },
  methodChangeNeedsMultiFactor: {
    ...forbidden,
    message:
      'Changing your sign-in methods requires a multi-factor sign-in. Sign in again with multi-factor authentication and retry with the new token.',
  },
  methodChangeSignInTooOld: {
    ...forbidden,
    message:
      'Your multi-factor sign-in is too old to change sign-in methods. Sign in again with multi-factor authentication and retry with the new token.',
  },
} as const);
