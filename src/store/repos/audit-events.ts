// The audit log: append-only rows in Graph's directoryAudit shape, with targets indexed for `any(t: t/id eq …)`.

import type { Selectable } from 'kysely';
import { initiatorOf, type AuditEvent } from '../../domain/audit.js';
import type { DbOrTx } from '../db.js';
import type { AuditEventsTable } from '../schema.js';
import { rowLimit } from '../prepared.js';

export interface DirectoryAuditJson {
  id: string;
  activityDateTime: string;
  activityDisplayName: string;
  category: string;
  correlationId: string;
  loggedByService: string;
  operationType: string;
  result: string;
  resultReason: string;
  initiatedBy: unknown;
  targetResources: unknown[];
  additionalDetails: unknown[];
}

export function toDirectoryAudit(r: Selectable<AuditEventsTable>): DirectoryAuditJson {
  return {
    id: r.id,
    category: r.category,
    correlationId: r.correlation_id,
    result: r.result,
    resultReason: r.result_reason,
    activityDisplayName: r.activity_display_name,
    activityDateTime: new Date(r.activity_date_time).toISOString(),
    loggedByService: r.logged_by_service,
    operationType: r.operation_type,
    initiatedBy: JSON.parse(r.initiated_by),
    targetResources: JSON.parse(r.target_resources) as unknown[],
    additionalDetails: JSON.parse(r.additional_details) as unknown[],
  };
}

export function createAuditEventsRepo(db: DbOrTx) {
  return {
    async insertAuditEvent(e: AuditEvent): Promise<void> {
      const initiatedBy = initiatorOf(e.initiatedBy);
      await db
        .insertInto('audit_events')
        .values({
          id: e.id,
          activity_date_time: e.activityDateTime.getTime(),
          activity_display_name: e.activityDisplayName,
          category: e.category,
          correlation_id: e.correlationId,
          logged_by_service: e.loggedByService,
          operation_type: e.operationType,
          result: e.result,
          result_reason: e.resultReason,
          initiated_by: JSON.stringify(initiatedBy),
          initiated_by_user_id: e.initiatedBy.kind === 'user' ? e.initiatedBy.id : null,
          initiated_by_user_upn: e.initiatedBy.kind === 'user' ? e.initiatedBy.userPrincipalName : null,
          initiated_by_app_id: e.initiatedBy.kind === 'app' ? e.initiatedBy.appId : null,
          target_resources: JSON.stringify(
            e.targetResources.map((t) => ({ groupType: null, userPrincipalName: null, modifiedProperties: [], ...t })),
          ),
          additional_details: JSON.stringify(e.additionalDetails),
        })
        .execute();
      if (e.targetResources.length > 0)
        await db
          .insertInto('audit_event_targets')
          .values(
            e.targetResources.map((t, position) => ({
              event_id: e.id,
              position,
              target_id: t.id,
              target_type: t.type,
              display_name: t.displayName,
            })),
          )
          .execute();
    },

    async hasEventWithCorrelationId(correlationId: string): Promise<boolean> {
      const r = await db
        .selectFrom('audit_events')
        .select('id')
        .where('correlation_id', '=', correlationId)
        .limit(rowLimit(1))
        .executeTakeFirst();
      return r !== undefined;
    },

    async findAuditEvent(id: string): Promise<DirectoryAuditJson | undefined> {
      const r = await db.selectFrom('audit_events').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toDirectoryAudit(r);
    },

    /** Newest first; a simple listing for the CLI and tests (the Graph endpoint adds $filter and paging). */
    async listRecentAuditEvents(limit: number): Promise<DirectoryAuditJson[]> {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('activity_date_time', 'desc')
        .orderBy('id', 'desc')
        .limit(rowLimit(limit))
        .execute();
      return rows.map(toDirectoryAudit);
    },
  };
}
