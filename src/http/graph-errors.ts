// Serializes every error a Graph route can raise into Microsoft Graph's envelope:
// {"error":{"code","message","target?","details?","innerError":{"date","request-id","client-request-id"}}}.
// A store outage is a 503 with Retry-After; anything else that is not an AppError is a fault: a 500 with a fixed
// message, the cause going to the log only.

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type GraphErrorEnvelope, graphErrorEnvelope, isAppError } from '../domain/errors.js';
import { storeOutage } from '../services/store-outage.js';

export function graphErrorBody(err: AppError, request: FastifyRequest, now: Date): GraphErrorEnvelope {
  const clientRequestId = request.headers['client-request-id'];
  return graphErrorEnvelope(
    err,
    { requestId: request.id, clientRequestId: typeof clientRequestId === 'string' ? clientRequestId : undefined },
    now,
  );
}

/** Names the field a schema validation error is about, as a dotted path (`passwordProfile.password`). */
function validationTarget(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = first.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  const leaf = params?.missingProperty ?? params?.additionalProperty;
  const joined = [path, leaf].filter(Boolean).join('.');
  return joined || (error.validationContext === 'body' ? 'body' : undefined);
}

/** Turns whatever was thrown into an AppError; `undefined` means a fault. */
export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  const e = error as FastifyError;
  if (e.validation) {
    const target = validationTarget(e);
    const where =
      e.validationContext === 'querystring'
        ? 'query option'
        : e.validationContext === 'params'
          ? 'path segment'
          : 'property';
    const detail = e.validation[0]?.message ?? 'is invalid';
    return target
      ? new AppError('invalidValue', { target, params: { where, target, detail } })
      : new AppError('invalidRequestDetail', { params: { detail } });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupportedMediaType', { target: 'content-type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('emptyBody', { target: 'body' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalidJsonBody', { target: 'body' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('bodyTooLarge', { target: 'body' });
    case 'FST_ERR_BAD_URL':
      return new AppError('malformedUrl');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('urlSegmentTooLong');
  }
  if (
    e instanceof SyntaxError ||
    (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 429)
  ) {
    return new AppError('invalidRequest');
  }
  if (e.statusCode === 429) return new AppError('tooManyRequests', { retryAfter: 60 });
  return storeOutage(error);
}

export function sendGraphError(reply: FastifyReply, request: FastifyRequest, error: unknown, now: Date): FastifyReply {
  const appError = toAppError(error);
  if (!appError) {
    request.log.error({ err: error }, 'unhandled error');
    const fault = new AppError('internal');
    return reply
      .code(500)
      .type('application/json')
      .send(graphErrorBody(fault, request, now));
  }
  if (appError.status >= 500) request.log.error({ err: appError, cause: appError.cause }, appError.message);
  else request.log.info({ errorCode: appError.code, target: appError.target }, 'request refused');
  if (appError.retryAfter !== undefined) reply.header('retry-after', String(appError.retryAfter));
  if (appError.status === 401) reply.header('www-authenticate', 'Bearer realm="", error="invalid_token"');
  return reply
    .code(appError.status)
    .type('application/json')
    .send(graphErrorBody(appError, request, now));
}
