// Refusals of a request's shape, before any resource is looked at: the URL, the content type, the body, a value
// Fastify's schema refused, and the properties a Graph type does not have.

import { defineErrors } from './spec.js';

const invalidRequest = { status: 400, graphCode: 'Request_BadRequest', code: 'invalidRequest' } as const;
const badRequest = { status: 400, graphCode: 'badRequest', code: 'badRequest' } as const;

export const requestErrors = defineErrors({
  segmentNotFound: {
    status: 404,
    graphCode: 'BadRequest',
    code: 'routeNotFound',
    message: (p: { path: string }) => `Resource not found for the segment '${p.path}'.`,
  },
  malformedUrl: { ...invalidRequest, message: 'The request URL is malformed.' },
  unsupportedContentType: {
    status: 415,
    graphCode: 'UnsupportedMediaType',
    code: 'unsupportedMediaType',
    message: (p: { type: string }) => `The content type '${p.type}' is not supported; send application/json.`,
  },
  emptyBody: { ...invalidRequest, message: 'The request body is empty; send a JSON object.' },
  invalidJsonBody: { ...invalidRequest, message: 'The request body is not valid JSON.' },
  // 413 as Graph documents it (Request Entity Too Large), in the same envelope as every refused request.
  bodyTooLarge: { status: 413, graphCode: 'Request_BadRequest', message: 'The request body is too large.' },
  /** A value Fastify's schema refused, named by where it was (query option, path segment, property). */
  invalidValue: {
    ...invalidRequest,
    message: (p: { where: 'query option' | 'path segment' | 'property'; target: string; detail: string }) =>
      `Invalid value for ${p.where} '${p.target}': ${p.detail}.`,
  },
  /**
   * A string with a control character or a lone surrogate (see domain/control-characters.ts), named by where it was;
   * the value itself is never echoed.
   */
  forbiddenCharacters: {
    ...invalidRequest,
    message: (p: { where: 'query option' | 'path segment' | 'property' | 'form field'; target: string }) =>
      `Invalid value for ${p.where} '${p.target}': control characters and unpaired surrogates are not allowed.`,
  },
  nestedTooDeeply: { ...invalidRequest, message: 'The request is nested too deeply.' },
  urlSegmentTooLong: { ...invalidRequest, message: 'A segment of the request URL is too long.' },
  invalidRequestDetail: { ...invalidRequest, message: (p: { detail: string }) => `Invalid request: ${p.detail}.` },
  bodyNotObject: { ...badRequest, message: 'The request body must be a JSON object.' },
  unknownProperty: {
    ...badRequest,
    message: (p: { property: string; type: string }) =>
      `The property '${p.property}' does not exist on type '${p.type}'. Make sure to only use property names that are defined by the type.`,
  },
  readOnlyOnCreate: {
    ...badRequest,
    message: (p: { property: string }) => `The property '${p.property}' is read-only and cannot be set on create.`,
  },
  /** `property` is `@odata.type` or a dotted path ending in it. */
  odataTypeMismatch: {
    ...badRequest,
    message: (p: { property: string; type: string }) => `${p.property} must be '${p.type}'.`,
  },
  invalidODataId: {
    ...invalidRequest,
    message:
      "Invalid value for property '@odata.id': expected https://graph.microsoft.com/v1.0/directoryObjects/{id} with a GUID id.",
  },
} as const);
