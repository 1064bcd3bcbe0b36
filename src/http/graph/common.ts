// What every Graph route shares: strict TypeBox validation, the caller's context and guard, OData query options
// and the absolute URLs Graph puts in @odata.context and @odata.nextLink.

import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { AppError } from '../../domain/errors.js';
import { parseSelect, parseTop } from '../../domain/odata/query-options.js';
import type { Deps } from '../../services/deps.js';
import { guardedContext } from '../../services/caller-guard.js';
import type { GuardedContext } from '../../services/guard.js';
import { MAX_TOP } from '../../services/list-query.js';
import type { GraphCaller } from '../plugins/authn.js';

export const GRAPH_METADATA = 'https://graph.microsoft.com/v1.0/$metadata';

declare module 'fastify' {
  interface FastifyRequest {
    graphCaller?: GraphCaller;
  }
}

/**
 * Validation with TypeBox's compiler instead of Fastify's default Ajv, which silently strips unknown properties:
 * Graph answers 400 naming an unknown property, and so do we. Errors keep Ajv's shape for the error handler.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  // Compiled at the route's first request rather than at start-up: each compiled check is generated code that stays
  // in memory, and a server idles with most routes never called (issue 13's idle memory).
  let compiled: TypeCheck<TSchema> | undefined;
  return (data: unknown) => {
    compiled ??= TypeCompiler.Compile(schema);
    if (compiled.Check(data)) return { value: data };
    const first = compiled.Errors(data).First();
    return {
      error: [
        {
          instancePath: first?.path ?? '',
          message: first?.message ?? 'is invalid',
          params: {},
          keyword: 'typebox',
          schemaPath: '',
        },
      ],
    } as never;
  };
};

export function callerOf(request: FastifyRequest): GraphCaller {
  if (!request.graphCaller) throw new AppError('unauthenticated');
  return request.graphCaller;
}

/**
 * The context a use case runs with: who, from where, the correlation id, and the guard bound to the caller
 * (services/caller-guard.ts); a refusal's rule goes to the log too. Routes do not call the guard: the services do.
 */
export function contextOf(request: FastifyRequest): GuardedContext {
  const caller = callerOf(request);
  const userAgent = request.headers['user-agent'];
  return guardedContext(
    {
      actor: caller.actor,
      correlationId: request.id,
      ipAddress: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
    },
    caller,
    (action, reason) => request.log.info({ action, reason }, 'authorization denied'),
  );
}

const SUPPORTED_OPTIONS = new Set(['$top', '$select', '$filter', '$skiptoken', '$count', '$expand']);

/** Graph answers 400 for an OData option a resource does not support, rather than ignoring it. */
export function refuseUnsupportedOptions(query: Record<string, unknown>, supported: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!key.startsWith('$')) continue;
    if (!SUPPORTED_OPTIONS.has(key.toLowerCase()) || !supported.includes(key.toLowerCase()))
      throw new AppError('queryOptionNotSupported', { target: key, params: { option: key } });
  }
}

export function topOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseTop(text, { max: MAX_TOP });
  if (!parsed.ok)
    throw new AppError('invalidQueryOption', {
      target: '$top',
      params: { option: '$top', detail: parsed.error.message },
    });
  return parsed.value;
}

export function selectOption<F extends string>(text: string | undefined, allowed: readonly F[]): F[] | undefined {
  if (text === undefined) return undefined;
  const parsed = parseSelect(text, allowed);
  if (!parsed.ok)
    throw new AppError('invalidQueryOption', {
      target: '$select',
      params: { option: '$select', detail: parsed.error.message },
    });
  return parsed.value;
}

export function countOption(text: string | undefined): boolean {
  if (text === undefined) return false;
  const v = text.toLowerCase();
  if (v !== 'true' && v !== 'false') throw new AppError('countNotBoolean', { target: '$count' });
  return v === 'true';
}

/** `…$metadata#users` or, with $select, `…$metadata#users(id,displayName)`. */
export function contextUrl(entitySet: string, select?: readonly string[], suffix = ''): string {
  return `${GRAPH_METADATA}#${entitySet}${select && select.length > 0 ? `(${select.join(',')})` : ''}${suffix}`;
}

/** The absolute next-page URL: the request's own URL on our public origin with the new $skiptoken. */
export function nextLink(deps: Deps, request: FastifyRequest, skipToken: string): string {
  const url = new URL(request.url, deps.config.issuer);
  const pairs = [...url.searchParams].filter(([key]) => key.toLowerCase() !== '$skiptoken');
  pairs.push(['$skiptoken', skipToken]);
  // Graph writes the option names with a literal '$' (URLSearchParams would turn it into %24).
  const query = pairs
    .map(([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`)
    .join('&');
  return `${new URL(url.pathname, deps.config.issuer).toString()}?${query}`;
}

/** Graph's collection envelope: context, the count when asked for, the next page's absolute link, and the items. */
export function collectionBody(
  deps: Deps,
  request: FastifyRequest,
  context: string,
  page: { count?: number; nextSkipToken?: string },
  value: unknown[],
): Record<string, unknown> {
  return {
    '@odata.context': context,
    ...(page.count !== undefined ? { '@odata.count': page.count } : {}),
    ...(page.nextSkipToken ? { '@odata.nextLink': nextLink(deps, request, page.nextSkipToken) } : {}),
    value,
  };
}
