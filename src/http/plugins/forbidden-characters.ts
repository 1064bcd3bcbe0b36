// The one check at the edge for every string a request carries (path segments, query options, JSON properties, form
// fields): a control character or a lone surrogate is a 400 naming the field, before any route's schema or handler and
// so before the store, on the Graph API and on the pages alike (domain/control-characters.ts says which strings).
// Headers need no check here: Node refuses control characters in them before Fastify sees the request.

import type { FastifyRequest } from 'fastify';
import { findForbiddenString } from '../../domain/control-characters.js';
import { AppError } from '../../domain/errors.js';

type Where = 'query option' | 'path segment' | 'property' | 'form field';

function refuse(where: Where, found: { target: string; reason: 'characters' | 'depth' }, fallback: string): never {
  if (found.reason === 'depth') throw new AppError('nestedTooDeeply', { target: found.target || fallback });
  const target = found.target || fallback;
  throw new AppError('forbiddenCharacters', { target, params: { where, target } });
}

function isForm(request: FastifyRequest): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
}

/** A preValidation hook: runs after the body is parsed and before schema validation, for every route. */
export async function refuseForbiddenCharacters(request: FastifyRequest): Promise<void> {
  // An unknown route stays a 404, whatever it was sent.
  if (request.is404) return;
  const params = findForbiddenString(request.params);
  if (params) refuse('path segment', params, 'id');
  const query = findForbiddenString(request.query);
  if (query) refuse('query option', query, 'query');
  const body = findForbiddenString(request.body);
  if (body) refuse(isForm(request) ? 'form field' : 'property', body, 'body');
}
