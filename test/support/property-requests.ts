// A generated HTTP request for the property tests: sent with inject(), printed short when fast-check reports it (a
// 400,000-character body would otherwise flood the log), and checked for the two properties: no 5xx, and a refusal
// leaves the store as it was.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/services/deps.js';
import { propertySeed } from './arbitraries.js';
import { changedTables, storeSnapshot } from './store-snapshot.js';

export interface GeneratedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** Gives the request a readable form in fast-check's counterexample (JSON escapes make control characters visible). */
export function printable(request: GeneratedRequest): GeneratedRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [
      k,
      k === 'authorization' && v.length > 60 ? `${v.slice(0, 20)}…` : short(v),
    ]),
  );
  const text = JSON.stringify({
    method: request.method,
    url: short(request.url, 300),
    headers,
    ...(request.payload === undefined ? {} : { payload: short(request.payload, 300) }),
  });
  return Object.assign(request, { [fc.toStringMethod]: () => text });
}

export interface Outcome {
  status: number;
  body: string;
}

/**
 * Sends the request and asserts the properties: the status is one of `allowed` classes (never 5xx), and a 4xx
 * changed none of the snapshot tables.
 */
export async function sendAndCheck(
  app: FastifyInstance,
  deps: Deps,
  request: GeneratedRequest,
  allowed: readonly number[] = [2, 4],
): Promise<Outcome> {
  const before = await storeSnapshot(deps);
  const res = await app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: request.headers,
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  const klass = Math.floor(res.statusCode / 100);
  assert.ok(
    allowed.includes(klass),
    `${request.method} ${short(request.url)} answered ${res.statusCode}: ${short(res.body, 400)}`,
  );
  if (klass === 4 && /^\/(v1\.0|beta)(\/|$)/.test(request.url)) {
    // Every refusal under the Graph prefixes, the framework's own included, wears Graph's error envelope.
    const body = (() => {
      try {
        return JSON.parse(res.body) as { error?: { code?: unknown; innerError?: Record<string, unknown> } };
      } catch {
        return {};
      }
    })();
    assert.ok(
      typeof body.error?.code === 'string' && typeof body.error.innerError?.['request-id'] === 'string',
      `${request.method} ${short(request.url)} answered ${res.statusCode} outside Graph's envelope: ${short(res.body, 300)}`,
    );
  }
  if (klass === 4) {
    const changed = changedTables(before, await storeSnapshot(deps));
    assert.deepEqual(
      changed,
      [],
      `${request.method} ${short(request.url)} was refused (${res.statusCode}) yet changed ${changed.join(', ')}: ${short(res.body, 300)}`,
    );
  }
  return { status: res.statusCode, body: res.body };
}

/** Long enough for one generated request even on saturated cores. */
const MIN_TIME_PER_PROPERTY_MS = 1_500;

/**
 * fast-check's parameters for one property: few runs, a time limit, the seed from GATEPASS_PROPERTY_SEED, and no
 * shrinking unless GATEPASS_PROPERTY_SHRINK=1 (each shrink step is another request against a store that changed).
 */
export function propertyParameters(numRuns: number, timeLimitMs: number): fc.Parameters<unknown> {
  const seed = propertySeed();
  return {
    numRuns,
    // fast-check fails a property interrupted before its first run ended ("interrupted after 0 tests"): on saturated
    // cores one request can take longer than a route's share of the budget, so every route gets at least this long.
    interruptAfterTimeLimit: Math.max(timeLimitMs, MIN_TIME_PER_PROPERTY_MS),
    endOnFailure: process.env.GATEPASS_PROPERTY_SHRINK !== '1',
    // The failed assertion's own message (status, body, changed tables) in the report, not only the counterexample.
    includeErrorInReport: true,
    ...(seed === undefined ? {} : { seed }),
  };
}
