// The error catalogue: every refusal Gatepass can give, defined once — its HTTP status, Graph error code, message
// and, for a sign-in, the sign-in log's error code. The entries live in ./errors/, one file per area.

import { accessErrors } from './errors/access.js';
import { applicationErrors } from './errors/applications.js';
import { directoryErrors } from './errors/directory.js';
import { generalErrors } from './errors/general.js';
import { methodErrors } from './errors/methods.js';
import { noticeErrors } from './errors/notices.js';
import { queryErrors } from './errors/query.js';
import { registrationErrors } from './errors/registration.js';
import { requestErrors } from './errors/request.js';
import { roleErrors } from './errors/roles.js';
import { signInErrors } from './errors/sign-in.js';
import type { ErrorSpec } from './errors/spec.js';
import { tapErrors } from './errors/tap.js';
import { unitErrors } from './errors/units.js';

export type { ErrorSpec } from './errors/spec.js';

export const errorCatalogue = {
  ...generalErrors,
  ...requestErrors,
  ...queryErrors,
  ...accessErrors,
  ...directoryErrors,
  ...unitErrors,
  ...roleErrors,
  ...applicationErrors,
  ...methodErrors,
  ...tapErrors,
  ...noticeErrors,
  ...registrationErrors,
  ...signInErrors,
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

/** The values an entry's message is built from, or `never` for an entry with fixed words. */
export type ErrorParams<C extends ErrorCode> = (typeof errorCatalogue)[C]['message'] extends (params: infer P) => string
  ? P
  : never;

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface AppErrorOptions {
  /** The offending field or parameter, e.g. `userPrincipalName` or `$filter`. */
  target?: string;
  details?: ErrorDetail[];
  /** Seconds a client should wait before retrying (429/503). */
  retryAfter?: number;
  /** For the logs only. */
  cause?: unknown;
}

/** The options of one entry: `params` is required exactly when the entry's message is built from values. */
export type AppErrorArgs<C extends ErrorCode> = [ErrorParams<C>] extends [never]
  ? [options?: AppErrorOptions]
  : [options: AppErrorOptions & { params: ErrorParams<C> }];

function messageOf(spec: ErrorSpec, options: (AppErrorOptions & { params?: unknown }) | undefined): string {
  return typeof spec.message === 'string' ? spec.message : (spec.message as (p: unknown) => string)(options?.params);
}

class AppErrorClass extends Error {
  override name = 'AppError';
  /** The code callers match on: the entry's family where it has one (see ErrorSpec.code), else the entry. */
  readonly code: ErrorCode;
  /** The catalogue entry the refusal was built from. */
  readonly entry: ErrorCode;
  readonly status: number;
  readonly graphCode: string;
  readonly signInErrorCode: number | undefined;
  readonly title: string | undefined;
  readonly target: string | undefined;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, options?: AppErrorOptions & { params?: unknown }) {
    const spec: ErrorSpec = errorCatalogue[code];
    super(messageOf(spec, options), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = (spec.code ?? code) as ErrorCode;
    this.entry = code;
    this.status = spec.status;
    this.graphCode = spec.graphCode;
    this.signInErrorCode = spec.signInErrorCode;
    this.title = spec.title;
    this.target = options?.target;
    this.details = options?.details;
    this.retryAfter = options?.retryAfter;
  }
}

/** A refusal: `new AppError('notFound', { target: 'id' })`, or with values `{ params: { … } }` when its words need them. */
export type AppError = AppErrorClass;
export const AppError = AppErrorClass as unknown as {
  new <C extends ErrorCode>(code: C, ...args: AppErrorArgs<C>): AppError;
  prototype: AppError;
};

/** Throw-or-narrow guard: `ensure(user, 'notFound', { target: 'id' })`. */
export function ensure<C extends ErrorCode>(condition: unknown, code: C, ...args: AppErrorArgs<C>): asserts condition {
  if (!condition) throw new AppError(code, ...args);
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppErrorClass;

/** Graph's innerError date: no fractional seconds, no zone designator. */
const graphDate = (d: Date) => d.toISOString().slice(0, 19);

export interface GraphErrorEnvelope {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: ErrorDetail[];
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

/**
 * Microsoft Graph's error envelope, built here only: the API, the sign-in options endpoints and the CLI's `--json`
 * all answer with it.
 */
export function graphErrorEnvelope(
  error: { graphCode: string; message: string; target?: string | undefined; details?: ErrorDetail[] | undefined },
  ids: { requestId: string; clientRequestId?: string | undefined },
  now: Date,
): GraphErrorEnvelope {
  return {
    error: {
      code: error.graphCode,
      message: error.message,
      ...(error.target ? { target: error.target } : {}),
      ...(error.details ? { details: error.details } : {}),
      innerError: {
        date: graphDate(now),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId ?? ids.requestId,
      },
    },
  };
}
