// Runs one use case in one transaction with its audit events; a refusal is recorded in its own committed write
// after the refused change rolled back, so nothing is half-written and the refusal itself is never lost.

import { newId } from '../domain/ids.js';
import { isAppError } from '../domain/errors.js';
import type { AuditEntry, AuditEvent } from '../domain/audit.js';
import type { Db, DbOrTx, Tx } from '../store/db.js';
import { createAuditEventsRepo } from '../store/repos/audit-events.js';
import type { Deps, RequestContext } from './deps.js';

export type RecordAudit = (entry: AuditEntry) => Promise<void>;

export function auditEventOf(
  entry: AuditEntry,
  ctx: RequestContext,
  at: Date,
  result: 'success' | 'failure',
  reason: string,
): AuditEvent {
  return {
    id: newId(),
    activityDateTime: at,
    correlationId: ctx.correlationId,
    initiatedBy: ctx.actor,
    result,
    resultReason: reason,
    activityDisplayName: entry.activityDisplayName,
    category: entry.category,
    loggedByService: entry.loggedByService,
    operationType: entry.operationType,
    targetResources: entry.targetResources,
    additionalDetails: entry.additionalDetails ?? [],
  };
}

export async function recordAuditEvent(
  db: DbOrTx,
  deps: Pick<Deps, 'clock'>,
  ctx: RequestContext,
  entry: AuditEntry,
  result: 'success' | 'failure',
  reason?: string,
): Promise<void> {
  await createAuditEventsRepo(db).insertAuditEvent(
    auditEventOf(entry, ctx, deps.clock.now(), result, reason ?? entry.resultReason ?? ''),
  );
}

/**
 * `onRefusal` describes the audit entry for a refusal (a function, so it can snapshot state after the rollback).
 * Only AppErrors are refusals; an unexpected error is a fault, logged by the caller, not an audited decision.
 */
export async function audited<T>(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: RequestContext,
  onRefusal: AuditEntry | (() => AuditEntry | Promise<AuditEntry>),
  work: (tx: Tx, record: RecordAudit) => Promise<T>,
): Promise<T> {
  try {
    return await deps.db
      .transaction()
      .execute((tx) => work(tx, (entry) => recordAuditEvent(tx, deps, ctx, entry, 'success')));
  } catch (e) {
    if (isAppError(e)) {
      const entry = typeof onRefusal === 'function' ? await onRefusal() : onRefusal;
      await recordAuditEvent(deps.db as Db, deps, ctx, entry, 'failure', e.message);
    }
    throw e;
  }
}
