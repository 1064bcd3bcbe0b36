// Refusals of the Graph API and the CLI that any resource can give: request shape, query options, authentication,
// authorization, and the directory's own rules.

import { defineErrors } from './spec.js';

export const generalErrors = defineErrors({
  // Generic request problems
  invalidRequest: { status: 400, graphCode: 'Request_BadRequest', message: 'The request is invalid.' },
  badRequest: { status: 400, graphCode: 'badRequest', message: 'The request is invalid.' },
  invalidFilter: { status: 400, graphCode: 'BadRequest', message: 'Invalid filter clause.' },
  invalidQuery: { status: 400, graphCode: 'BadRequest', message: 'Invalid query option.' },
  unsupportedMediaType: {
    status: 415,
    graphCode: 'UnsupportedMediaType',
    message: 'The content type is not supported; send application/json.',
  },
  notFound: {
    status: 404,
    graphCode: 'Request_ResourceNotFound',
    message: 'Resource does not exist or one of its queried reference-property objects are not present.',
  },
  routeNotFound: { status: 404, graphCode: 'BadRequest', message: 'Resource not found for the segment.' },
  meRequiresDelegated: {
    status: 400,
    graphCode: 'BadRequest',
    message: '/me request is only valid with delegated authentication flow.',
  },
  methodNotAllowed: {
    status: 405,
    graphCode: 'Request_BadRequest',
    message: 'The HTTP method is not allowed on this resource.',
  },
  conflict: {
    status: 409,
    graphCode: 'Request_BadRequest',
    message: 'Another object with the same value for property already exists.',
  },
  tooManyRequests: { status: 429, graphCode: 'TooManyRequests', message: 'Too many requests; retry later.' },
  busy: { status: 503, graphCode: 'serviceNotAvailable', message: 'The service is busy; retry shortly.' },
  /** The store refused or could not be reached (see store/unavailable.ts): worth retrying, never a 500. */
  storeUnavailable: {
    status: 503,
    graphCode: 'serviceNotAvailable',
    message: 'The service is temporarily unavailable; retry shortly.',
  },
  internal: { status: 500, graphCode: 'generalException', message: 'An internal error occurred.' },

  // Authentication and authorization of API callers
  unauthenticated: { status: 401, graphCode: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
  invalidToken: {
    status: 401,
    graphCode: 'InvalidAuthenticationToken',
    message: 'Access token validation failure. Invalid audience, issuer, signature or lifetime.',
  },
  forbidden: {
    status: 403,
    graphCode: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  },

  // Directory
  domainNotVerified: {
    status: 400,
    graphCode: 'Request_BadRequest',
    message:
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
  },
  passwordPolicy: {
    status: 400,
    graphCode: 'Request_BadRequest',
    message: 'The specified password does not comply with password complexity requirements.',
  },
  upnTaken: {
    status: 400,
    graphCode: 'Request_BadRequest',
    message: 'Another object with the same value for property userPrincipalName already exists.',
  },
  memberAlreadyExists: {
    status: 400,
    graphCode: 'Request_BadRequest',
    message: "One or more added object references already exist for the following modified properties: 'members'.",
  },
  lastGlobalAdmin: {
    status: 400,
    graphCode: 'Request_BadRequest',
    message:
      'The last enabled Global Administrator cannot be deleted, disabled or removed from the Global Administrator role.',
  },
  keyMismatch: {
    status: 500,
    graphCode: 'generalException',
    message:
      'The server key does not match this store: it was set up with another GATEPASS_SECRET_KEY. Restore the original key (or list it in GATEPASS_PREVIOUS_SECRET_KEYS while rotating).',
  },
} as const);
