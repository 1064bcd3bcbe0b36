// Filtered, keyset-paged reads of the audit and sign-in logs: the allow-listed $filter AST becomes bound SQL
// (targetResources/any(…) an EXISTS on audit_event_targets), pages continue after (time, id) in either order.

import { sql, type SqlBool } from 'kysely';
import type { FilterNode } from '../../domain/odata/filter.js';
import type { DbOrTx } from '../db.js';
import { filterToWhere, type CollectionMap, type ColumnMap } from './query.js';
import { toDirectoryAudit, type DirectoryAuditJson } from './audit-events.js';
import { toSignInRecord, type SignInRecord } from './sign-ins.js';
import { rowLimit } from '../prepared.js';

export type AuditFilterKey =
  | 'id'
  | 'activityDateTime'
  | 'activityDisplayName'
  | 'category'
  | 'result'
  | 'correlationId'
  | 'loggedByService'
  | 'operationType'
  | 'initiatedByUserId'
  | 'initiatedByUserPrincipalName'
  | 'initiatedByAppId'
  | 'targetResources'
  | 'targetId'
  | 'targetDisplayName'
  | 'targetType';

export type SignInFilterKey =
  | 'id'
  | 'createdDateTime'
  | 'userId'
  | 'userPrincipalName'
  | 'userDisplayName'
  | 'appId'
  | 'appDisplayName'
  | 'correlationId'
  | 'errorCode'
  | 'ipAddress';

/** Ids are stored lower-case; a caller may write a GUID in capitals. */
const lowerCase = (v: string) => v.toLowerCase();
const upn = (v: string) => v.normalize('NFC').toLowerCase();

export const AUDIT_FILTER_COLUMNS: ColumnMap<AuditFilterKey> = {
  id: { column: 'audit_events.id', kind: 'text' },
  activityDateTime: { column: 'audit_events.activity_date_time', kind: 'time' },
  activityDisplayName: { column: 'audit_events.activity_display_name', kind: 'text' },
  category: { column: 'audit_events.category', kind: 'text' },
  result: { column: 'audit_events.result', kind: 'text' },
  correlationId: { column: 'audit_events.correlation_id', kind: 'text', normalize: lowerCase },
  loggedByService: { column: 'audit_events.logged_by_service', kind: 'text' },
  operationType: { column: 'audit_events.operation_type', kind: 'text' },
  initiatedByUserId: { column: 'audit_events.initiated_by_user_id', kind: 'text', normalize: lowerCase },
  initiatedByUserPrincipalName: { column: 'audit_events.initiated_by_user_upn', kind: 'text', normalize: upn },
  initiatedByAppId: { column: 'audit_events.initiated_by_app_id', kind: 'text', normalize: lowerCase },
  // The collection itself has no column: any() goes through AUDIT_COLLECTIONS.
  targetResources: { column: 'audit_events.id', kind: 'text' },
  targetId: {
    column: 'audit_event_targets.target_id',
    kind: 'text',
    normalize: (v) => (/^[0-9a-f-]{36}$/i.test(v) ? v.toLowerCase() : v),
  },
  targetDisplayName: { column: 'audit_event_targets.display_name', kind: 'text' },
  targetType: { column: 'audit_event_targets.target_type', kind: 'text' },
};

export const AUDIT_COLLECTIONS: CollectionMap<AuditFilterKey> = {
  targetResources: {
    table: 'audit_event_targets',
    foreignKey: 'audit_event_targets.event_id',
    parentKey: 'audit_events.id',
  },
};

export const SIGN_IN_FILTER_COLUMNS: ColumnMap<SignInFilterKey> = {
  id: { column: 'sign_ins.id', kind: 'text', normalize: lowerCase },
  createdDateTime: { column: 'sign_ins.created_at', kind: 'time' },
  userId: { column: 'sign_ins.user_id', kind: 'text', normalize: lowerCase },
  userPrincipalName: { column: 'sign_ins.user_principal_name', kind: 'text', normalize: upn },
  userDisplayName: { column: 'sign_ins.user_display_name', kind: 'text' },
  appId: { column: 'sign_ins.app_id', kind: 'text', normalize: lowerCase },
  appDisplayName: { column: 'sign_ins.app_display_name', kind: 'text' },
  correlationId: { column: 'sign_ins.correlation_id', kind: 'text' },
  errorCode: { column: 'sign_ins.error_code', kind: 'number' },
  ipAddress: { column: 'sign_ins.ip_address', kind: 'text' },
};

/** Where a page continues: after the last row's (time, id) in the page's order. */
export interface LogCursor {
  time: number;
  id: string;
}

export interface LogPageRequest<K extends string> {
  filter?: FilterNode<K>;
  direction: 'asc' | 'desc';
  after?: LogCursor;
  limit: number;
}

/** Rows strictly beyond the cursor in the listing's order; ties on time are broken by id, so no row repeats or is lost. */
function beyond(timeColumn: string, idColumn: string, direction: 'asc' | 'desc', after: LogCursor) {
  const t = sql.ref(timeColumn);
  const i = sql.ref(idColumn);
  return direction === 'asc'
    ? sql<SqlBool>`(${t} > ${after.time} or (${t} = ${after.time} and ${i} > ${after.id}))`
    : sql<SqlBool>`(${t} < ${after.time} or (${t} = ${after.time} and ${i} < ${after.id}))`;
}

export function createAuditQueryRepo(db: DbOrTx) {
  return {
    /** One page (up to `limit` rows) and whether more follow. */
    async listAuditEvents(
      page: LogPageRequest<AuditFilterKey>,
    ): Promise<{ rows: (DirectoryAuditJson & { time: number })[]; more: boolean }> {
      let q = db.selectFrom('audit_events').selectAll('audit_events');
      if (page.filter)
        q = q.where(
          filterToWhere<'audit_events', AuditFilterKey>(page.filter, AUDIT_FILTER_COLUMNS, AUDIT_COLLECTIONS),
        );
      if (page.after) {
        const condition = beyond('audit_events.activity_date_time', 'audit_events.id', page.direction, page.after);
        q = q.where(() => condition);
      }
      const rows = await q
        .orderBy('audit_events.activity_date_time', page.direction)
        .orderBy('audit_events.id', page.direction)
        .limit(rowLimit(page.limit + 1))
        .execute();
      return {
        rows: rows.slice(0, page.limit).map((r) => ({ ...toDirectoryAudit(r), time: r.activity_date_time })),
        more: rows.length > page.limit,
      };
    },

    async listSignIns(page: LogPageRequest<SignInFilterKey>): Promise<{ rows: SignInRecord[]; more: boolean }> {
      let q = db.selectFrom('sign_ins').selectAll('sign_ins');
      if (page.filter) q = q.where(filterToWhere<'sign_ins', SignInFilterKey>(page.filter, SIGN_IN_FILTER_COLUMNS));
      if (page.after) {
        const condition = beyond('sign_ins.created_at', 'sign_ins.id', page.direction, page.after);
        q = q.where(() => condition);
      }
      const rows = await q
        .orderBy('sign_ins.created_at', page.direction)
        .orderBy('sign_ins.id', page.direction)
        .limit(rowLimit(page.limit + 1))
        .execute();
      return { rows: rows.slice(0, page.limit).map(toSignInRecord), more: rows.length > page.limit };
    },

    async findSignIn(id: string): Promise<SignInRecord | undefined> {
      const r = await db.selectFrom('sign_ins').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toSignInRecord(r);
    },
  };
}
