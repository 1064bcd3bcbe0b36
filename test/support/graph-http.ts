// Small helpers for Graph HTTP tests: one request through the real app (injected, or over a listening server's
// socket), and reading the audit log back.

import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/services/deps.js';

export interface GraphResponse {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown> & { value?: Record<string, unknown>[]; error?: GraphErrorBody };
  raw: string;
}

export interface GraphErrorBody {
  code: string;
  message: string;
  target?: string;
  innerError: { date: string; 'request-id': string; 'client-request-id': string };
}

export async function graphRequest(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<GraphResponse> {
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  let payload: string | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody;
  else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await app.inject({ method, url, headers, payload });
  let body: GraphResponse['body'] = {};
  if (res.body) {
    try {
      body = JSON.parse(res.body) as GraphResponse['body'];
    } catch {
      body = {};
    }
  }
  return { status: res.statusCode, headers: res.headers, body, raw: res.body };
}

/** A Graph response received over the network (the listener of a test server), its headers as fetch gives them. */
export interface FetchedGraphResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & {
    value?: Record<string, unknown>[];
    error?: { code: string; message: string; target?: string };
  };
  raw: string;
}

/** One Graph call to `${origin}/v1.0${path}` with an optional bearer token and JSON body; a non-JSON answer reads as {}. */
export async function graphFetch(
  origin: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<FetchedGraphResponse> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${origin}/v1.0${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await res.text();
  let parsed: FetchedGraphResponse['body'] = {};
  try {
    parsed = raw ? (JSON.parse(raw) as FetchedGraphResponse['body']) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, headers: res.headers, body: parsed, raw };
}

/** The status, Graph error code and (when given) target of a fetched refusal. */
export function assertFetchedGraphError(
  res: FetchedGraphResponse,
  status: number,
  code: string,
  target?: string,
): void {
  assert.equal(res.status, status, res.raw);
  assert.equal(res.body.error?.code, code, res.raw);
  if (target !== undefined) assert.equal(res.body.error?.target, target, res.raw);
}

/** Asserts Graph's error envelope: code, a message, innerError with request-id and date, and the target when given. */
export function assertGraphError(res: GraphResponse, status: number, code: string, target?: string): GraphErrorBody {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.raw}`);
  const error = res.body.error;
  assert.ok(error, `no error envelope in ${res.raw}`);
  assert.equal(error.code, code, res.raw);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  assert.match(error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.match(error.innerError['request-id'], /^[0-9a-f-]{36}$/);
  assert.equal(res.headers['request-id'], error.innerError['request-id']);
  if (target !== undefined) assert.equal(error.target, target, res.raw);
  assert.doesNotMatch(res.raw, /at .*\.ts:\d+|stack/i, 'no stack trace reaches the client');
  return error;
}

export interface AuditRow {
  activity: string;
  result: string;
  reason: string;
  correlationId: string;
  targets: {
    id: string;
    displayName: string | null;
    type: string;
    modifiedProperties?: { displayName: string; oldValue: string | null; newValue: string | null }[];
  }[];
  initiatedBy: { user: Record<string, unknown> | null; app: Record<string, unknown> | null };
}

export async function auditRows(
  deps: Deps,
  filter: { activity?: string; correlationId?: string } = {},
): Promise<AuditRow[]> {
  let q = deps.db.selectFrom('audit_events').selectAll().orderBy('activity_date_time').orderBy('id');
  if (filter.activity) q = q.where('activity_display_name', '=', filter.activity);
  if (filter.correlationId) q = q.where('correlation_id', '=', filter.correlationId);
  return (await q.execute()).map((r) => ({
    activity: r.activity_display_name,
    result: r.result,
    reason: r.result_reason,
    correlationId: r.correlation_id,
    targets: JSON.parse(r.target_resources) as AuditRow['targets'],
    initiatedBy: JSON.parse(r.initiated_by) as AuditRow['initiatedBy'],
  }));
}
