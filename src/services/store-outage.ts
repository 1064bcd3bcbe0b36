// A store outage as a refusal the edges can send: 503 with Retry-After on the API and in the browser, instead of the
// 500 that an unknown error becomes. The store decides what counts as an outage (store/unavailable.ts).

import { AppError } from '../domain/errors.js';
import { isStoreUnavailable } from '../store/unavailable.js';

/** Long enough for a PostgreSQL restart or a lock holder to finish, short enough that a client does not give up. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The 503 for `error` when it is a store outage (the driver's error kept as the cause, for the log); else undefined. */
export function storeOutage(error: unknown): AppError | undefined {
  if (!isStoreUnavailable(error)) return undefined;
  return new AppError('storeUnavailable', { retryAfter: STORE_RETRY_AFTER_SECONDS, cause: error });
}
