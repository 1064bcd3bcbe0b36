// Small helpers for Graph HTTP tests: one request through the real app, and reading the audit log back.

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
  const headers: Record<string, string> = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
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
  targets: { id: string; displayName: string | null; type: string; modifiedProperties?: { displayName: string; oldValue: string | null; newValue: string | null }[] }[];
  initiatedBy: { user: Record<string, unknown> | null; app: Record<string, unknown> | null };
}

export async function auditRows(deps: Deps, filter: { activity?: string; correlationId?: string } = {}): Promise<AuditRow[]> {
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
