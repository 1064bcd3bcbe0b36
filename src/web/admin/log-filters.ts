// The log blades' filter forms, read from the query string and turned into the OData $filter the log services already
// understand (AUDIT_FILTER / SIGN_IN_FILTER): the pages narrow nothing themselves. A value that cannot be a filter is
// reported with the label of its field, for a 400 page.

import { AUDIT_ACTIVITIES } from '../../domain/audit.js';
import { isGuid } from '../../domain/ids.js';
import type { LogFormValues as LogForm } from '../views/admin/logs.js';
import { localInstant } from './local-time.js';

export type { LogForm };

export type LogQueryString = Partial<Record<keyof LogForm | 'page', unknown>>;

export type ParsedLogForm =
  | { ok: true; form: LogForm; page?: string; clauses: string[] }
  | { ok: false; form: LogForm; key: keyof LogForm; field: string; message: string };

export const RESULTS = ['success', 'failure'] as const;

const text = (v: unknown, max = 256) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** An OData string literal: quotes doubled, as the filter grammar escapes them. */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Reads the fields both blades share, and the time range as clauses on `timeProperty`. */
function readCommon(q: LogQueryString, timeProperty: string): ParsedLogForm {
  const form: LogForm = {
    from: text(q.from, 10),
    to: text(q.to, 10),
    user: text(q.user),
    result: text(q.result, 16),
    correlationId: text(q.correlationId, 64),
    tzOffset: text(q.tzOffset, 8),
    activity: text(q.activity),
    app: text(q.app),
  };
  const refuse = (key: keyof LogForm, field: string, message: string): ParsedLogForm => ({
    ok: false,
    form,
    key,
    field,
    message,
  });
  const clauses: string[] = [];
  // The From date counts from its first minute and the To date up to its last, both in the viewer's zone.
  const from = form.from ? localInstant(form.from, '00:00', form.tzOffset) : undefined;
  if (form.from && !from) return refuse('from', 'From date', 'not a date; use the form YYYY-MM-DD.');
  const toStart = form.to ? localInstant(form.to, '00:00', form.tzOffset) : undefined;
  if (form.to && !toStart) return refuse('to', 'To date', 'not a date; use the form YYYY-MM-DD.');
  const to = toStart && new Date(toStart.getTime() + 24 * 60 * 60_000);
  if (from && to && to <= from) return refuse('to', 'To date', 'it is before the From date.');
  if (from) clauses.push(`${timeProperty} ge ${from.toISOString()}`);
  if (to) clauses.push(`${timeProperty} lt ${to.toISOString()}`);
  if (form.result && !(RESULTS as readonly string[]).includes(form.result))
    return refuse('result', 'Result', 'choose Success or Failure.');
  if (form.correlationId && !isGuid(form.correlationId))
    return refuse(
      'correlationId',
      'Correlation ID',
      'not a correlation ID; it has the form 00000000-0000-0000-0000-000000000000.',
    );
  const page = text(q.page, 2048);
  return { ok: true, form, clauses, ...(page ? { page } : {}) };
}

/**
 * The audit blade's filter, but for the user: an initiator is matched by user principal name and a target by id, so
 * the route resolves the name to `targetUserId` (a user since deleted is still found as the initiator).
 */
export function readAuditForm(q: LogQueryString): ParsedLogForm {
  const read = readCommon(q, 'activityDateTime');
  if (!read.ok) return read;
  const { form, clauses } = read;
  if (form.activity && !(AUDIT_ACTIVITIES as readonly string[]).includes(form.activity))
    return { ok: false, form, key: 'activity', field: 'Activity', message: 'choose one of the listed activities.' };
  if (form.activity) clauses.push(`activityDisplayName eq ${literal(form.activity)}`);
  if (form.result) clauses.push(`result eq '${form.result}'`);
  if (form.correlationId) clauses.push(`correlationId eq '${form.correlationId.toLowerCase()}'`);
  return read;
}

export function auditUserClause(upn: string, targetUserId: string | undefined): string {
  const initiator = `initiatedBy/user/userPrincipalName eq ${literal(upn)}`;
  return targetUserId ? `(${initiator} or targetResources/any(t: t/id eq '${targetUserId}'))` : initiator;
}

export function readSignInForm(q: LogQueryString): ParsedLogForm {
  const read = readCommon(q, 'createdDateTime');
  if (!read.ok) return read;
  const { form, clauses } = read;
  if (form.user) clauses.push(`userPrincipalName eq ${literal(form.user)}`);
  if (form.app) clauses.push(`startswith(appDisplayName,${literal(form.app)})`);
  // The sign-in log's code is 0 for a completed sign-in and an AADSTS-style code for every refusal.
  if (form.result === 'success') clauses.push('status/errorCode eq 0');
  if (form.result === 'failure') clauses.push('not (status/errorCode eq 0)');
  if (form.correlationId) clauses.push(`correlationId eq '${form.correlationId.toLowerCase()}'`);
  return read;
}

/** The query string of a listing's form, for its "Next page" link. */
export function formQuery(form: LogForm, page: string, fields: readonly (keyof LogForm)[]): string {
  const params = new URLSearchParams();
  for (const f of fields) if (form[f]) params.set(f, form[f]);
  params.set('page', page);
  return params.toString();
}
