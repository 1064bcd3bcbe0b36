// Refusals of application registrations: their kind, permissions, redirect URIs and client secrets.

import { defineErrors } from './spec.js';

const invalidRequest = { status: 400, graphCode: 'Request_BadRequest', code: 'invalidRequest' } as const;
const notFound = { status: 404, graphCode: 'Request_ResourceNotFound', code: 'notFound' } as const;

/** The application permission a delegated one stands for, e.g. User.Read → User.Read.All. */
const applicationPermissionFor = (permission: string) =>
  permission.replace(/^(User\.Read|UserAuthenticationMethod\.Read(Write)?)$/, '$1.All');

export const applicationErrors = defineErrors({
  applicationNameLength: { ...invalidRequest, message: 'displayName must be 1 to 120 characters.' },
  applicationKindInvalid: { ...invalidRequest, message: "kind must be 'daemon' or 'web'." },
  permissionDelegated: {
    ...invalidRequest,
    message: (p: { permission: string }) =>
      `'${p.permission}' is a delegated permission (a user acting on their own account); an application permission is needed, such as '${applicationPermissionFor(p.permission)}'.`,
  },
  permissionUnknown: {
    ...invalidRequest,
    message: (p: { permission: string; known: readonly string[] }) =>
      `Unknown Graph application permission '${p.permission}'. Known: ${p.known.join(', ')}.`,
  },
  daemonNeedsPermission: {
    ...invalidRequest,
    message: 'A daemon application needs at least one Graph application permission.',
  },
  webNeedsRedirectUri: { ...invalidRequest, message: 'A web application needs at least one redirect URI.' },
  redirectUriNotAbsolute: {
    ...invalidRequest,
    message: (p: { uri: string }) => `Redirect URI '${p.uri}' is not an absolute URL.`,
  },
  redirectUriNotHttps: {
    ...invalidRequest,
    message: (p: { uri: string }) =>
      `Redirect URI '${p.uri}' must use https (http is allowed only for localhost and 127.0.0.1).`,
  },
  redirectUriHasFragment: {
    ...invalidRequest,
    message: (p: { uri: string }) => `Redirect URI '${p.uri}' must not contain a fragment.`,
  },
  lifetimeDaysRange: {
    ...invalidRequest,
    message: (p: { property: string; max: number }) =>
      `${p.property} must be a whole number of days between 1 and ${p.max}.`,
  },
  applicationNameAmbiguous: {
    ...invalidRequest,
    message: (p: { name: string }) => `Several applications are named '${p.name}'; use the appId.`,
  },
  applicationNotFound: { ...notFound, message: (p: { name: string }) => `Application '${p.name}' does not exist.` },
  builtInApplicationNotDeletable: {
    ...invalidRequest,
    message: 'A built-in Gatepass application cannot be deleted.',
  },
  builtInApplicationHasNoSecrets: { ...invalidRequest, message: 'A built-in Gatepass application has no secrets.' },
  secretNameLength: { ...invalidRequest, message: 'displayName must be at most 120 characters.' },
  delegatedPermissionUnknown: {
    ...invalidRequest,
    message: (p: { permission: string; known: readonly string[] }) =>
      `Unknown Graph delegated permission '${p.permission}'. Known: ${p.known.join(', ')}.`,
  },
  delegatedPermissionNeeded: { ...invalidRequest, message: 'A grant needs at least one delegated permission.' },
  permissionGrantClientNotFound: {
    ...invalidRequest,
    message: (p: { clientId: string }) => `No application has the service principal id '${p.clientId}'.`,
  },
  permissionGrantResourceUnknown: {
    ...invalidRequest,
    message: (p: { resourceId: string; graph: string }) =>
      `resourceId '${p.resourceId}' is not a resource Gatepass serves; Microsoft Graph is '${p.graph}'.`,
  },
  permissionGrantExists: {
    status: 409,
    graphCode: 'Request_MultipleObjectsWithSameKeyValue',
    message: 'Permission entry already exists.',
  },
  permissionGrantNotFound: {
    ...notFound,
    message: (p: { id: string }) => `No delegated permission grant has the id '${p.id}'.`,
  },
  secretNotFound: {
    ...notFound,
    message: (p: { keyId: string }) => `The application has no secret with keyId '${p.keyId}'.`,
  },
} as const);
