// Reading the audit and sign-in logs through Graph's options: $filter against an allow-list, $orderby on the time,
// $top, and an opaque $skiptoken carrying the last row's (time, id) and the order it was taken in.

import { AppError } from '../domain/errors.js';
import { parseFilter, type FieldAllowList, type FilterNode } from '../domain/odata/filter.js';
import { parseOrderBy } from '../domain/odata/query-options.js';
import {
  createAuditQueryRepo,
  type AuditFilterKey,
  type LogCursor,
  type SignInFilterKey,
} from '../store/repos/audit-query.js';
import type { DirectoryAuditJson } from '../store/repos/audit-events.js';
import { createAuditEventsRepo } from '../store/repos/audit-events.js';
import type { SignInRecord } from '../store/repos/sign-ins.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';
import { checkTop } from './list-query.js';

export { toGraphSignIn } from '../store/repos/sign-ins.js';
export type { DirectoryAuditJson, SignInRecord };

const AUDIT_READ = 'microsoft.directory/auditLogs/allProperties/read';
const SIGN_IN_READ = 'microsoft.directory/signInReports/allProperties/read';

const TIME_OPERATORS = ['eq', 'ge', 'le', 'gt', 'lt'] as const;

export const AUDIT_FILTER: FieldAllowList<AuditFilterKey> = {
  id: { type: 'string', key: 'id', operators: ['eq'] },
  activityDateTime: { type: 'datetime', key: 'activityDateTime', operators: TIME_OPERATORS },
  activityDisplayName: { type: 'string', key: 'activityDisplayName', operators: ['eq', 'startswith'] },
  category: { type: 'string', key: 'category', operators: ['eq'] },
  result: {
    type: 'enum',
    key: 'result',
    operators: ['eq'],
    enumValues: ['success', 'failure', 'timeout', 'unknownFutureValue'],
  },
  correlationId: { type: 'guid', key: 'correlationId', operators: ['eq'] },
  loggedByService: { type: 'string', key: 'loggedByService', operators: ['eq'] },
  operationType: { type: 'string', key: 'operationType', operators: ['eq'] },
  'initiatedBy/user/id': { type: 'guid', key: 'initiatedByUserId', operators: ['eq'] },
  'initiatedBy/user/userPrincipalName': {
    type: 'string',
    key: 'initiatedByUserPrincipalName',
    operators: ['eq', 'startswith'],
  },
  'initiatedBy/app/appId': { type: 'guid', key: 'initiatedByAppId', operators: ['eq'] },
  targetResources: {
    type: 'collection',
    key: 'targetResources',
    fields: {
      id: { type: 'string', key: 'targetId', operators: ['eq'] },
      displayName: { type: 'string', key: 'targetDisplayName', operators: ['eq', 'startswith'] },
      type: { type: 'string', key: 'targetType', operators: ['eq'] },
    },
  },
};

export const SIGN_IN_FILTER: FieldAllowList<SignInFilterKey> = {
  id: { type: 'guid', key: 'id', operators: ['eq'] },
  createdDateTime: { type: 'datetime', key: 'createdDateTime', operators: TIME_OPERATORS },
  userId: { type: 'guid', key: 'userId', operators: ['eq'] },
  userPrincipalName: { type: 'string', key: 'userPrincipalName', operators: ['eq', 'startswith'] },
  userDisplayName: { type: 'string', key: 'userDisplayName', operators: ['eq', 'startswith'] },
  appId: { type: 'guid', key: 'appId', operators: ['eq'] },
  appDisplayName: { type: 'string', key: 'appDisplayName', operators: ['eq', 'startswith'] },
  correlationId: { type: 'string', key: 'correlationId', operators: ['eq'] },
  'status/errorCode': { type: 'number', key: 'errorCode', operators: ['eq'] },
  ipAddress: { type: 'string', key: 'ipAddress', operators: ['eq'] },
};

export interface LogQuery {
  filter?: string;
  top?: number;
  orderBy?: string;
  skipToken?: string;
}

export interface LogPage<T> {
  items: T[];
  nextSkipToken?: string;
}

interface Token extends LogCursor {
  o: 'asc' | 'desc';
}

function encodeToken(t: Token): string {
  return Buffer.from(JSON.stringify({ v: 1, o: t.o, t: t.time, id: t.id }), 'utf8').toString('base64url');
}

const badToken = () => new AppError('skipTokenForeign', { target: '$skiptoken' });

function decodeToken(text: string, direction: 'asc' | 'desc'): LogCursor {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(text)) throw badToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badToken();
  }
  if (typeof parsed !== 'object' || parsed === null) throw badToken();
  const { v, o, t, id } = parsed as Record<string, unknown>;
  if (
    v !== 1 ||
    (o !== 'asc' && o !== 'desc') ||
    typeof t !== 'number' ||
    !Number.isSafeInteger(t) ||
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > 300
  )
    throw badToken();
  // A token continues the listing it came from; under another order it would skip or repeat rows.
  if (o !== direction) throw new AppError('skipTokenOtherDirection', { target: '$skiptoken' });
  return { time: t, id };
}

function filterOf<K extends string>(text: string | undefined, allow: FieldAllowList<K>): FilterNode<K> | undefined {
  if (text === undefined) return undefined;
  const parsed = parseFilter(text, allow);
  if (!parsed.ok)
    throw new AppError('invalidFilterClause', { target: '$filter', params: { detail: parsed.error.message } });
  return parsed.value;
}

/** Only the time orders a log (newest first by default); `id` breaks ties in the same direction. */
function directionOf(text: string | undefined, property: string): 'asc' | 'desc' {
  if (text === undefined) return 'desc';
  const parsed = parseOrderBy(text, { [property]: 'time' });
  if (!parsed.ok)
    throw new AppError('invalidQueryOption', {
      target: '$orderby',
      params: { option: '$orderby', detail: parsed.error.message },
    });
  if (parsed.value.length !== 1) throw new AppError('orderByOnly', { target: '$orderby', params: { property } });
  return parsed.value[0]!.direction;
}

export async function listDirectoryAudits(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  q: LogQuery,
): Promise<LogPage<DirectoryAuditJson>> {
  check(ctx, AUDIT_READ, TENANT_TARGET);
  const limit = checkTop(q.top);
  const direction = directionOf(q.orderBy, 'activityDateTime');
  const filter = filterOf(q.filter, AUDIT_FILTER);
  const after = q.skipToken === undefined ? undefined : decodeToken(q.skipToken, direction);
  const { rows, more } = await createAuditQueryRepo(deps.db).listAuditEvents({ filter, direction, after, limit });
  const last = rows[rows.length - 1];
  return {
    items: rows.map(({ time: _time, ...audit }) => audit),
    ...(more && last ? { nextSkipToken: encodeToken({ o: direction, time: last.time, id: last.id }) } : {}),
  };
}

export async function getDirectoryAudit(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  id: string,
): Promise<DirectoryAuditJson> {
  check(ctx, AUDIT_READ, TENANT_TARGET);
  const found = await createAuditEventsRepo(deps.db).findAuditEvent(id);
  if (!found) throw new AppError('resourceNotFound', { target: 'id', params: { id } });
  return found;
}

export async function listSignIns(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  q: LogQuery,
): Promise<LogPage<SignInRecord>> {
  check(ctx, SIGN_IN_READ, TENANT_TARGET);
  const limit = checkTop(q.top);
  const direction = directionOf(q.orderBy, 'createdDateTime');
  const filter = filterOf(q.filter, SIGN_IN_FILTER);
  const after = q.skipToken === undefined ? undefined : decodeToken(q.skipToken, direction);
  const { rows, more } = await createAuditQueryRepo(deps.db).listSignIns({ filter, direction, after, limit });
  const last = rows[rows.length - 1];
  return {
    items: rows,
    ...(more && last
      ? { nextSkipToken: encodeToken({ o: direction, time: last.createdAt.getTime(), id: last.id }) }
      : {}),
  };
}

export async function getSignIn(deps: Pick<Deps, 'db'>, ctx: GuardedContext, id: string): Promise<SignInRecord> {
  check(ctx, SIGN_IN_READ, TENANT_TARGET);
  const found = await createAuditQueryRepo(deps.db).findSignIn(id.toLowerCase());
  if (!found) throw new AppError('resourceNotFound', { target: 'id', params: { id } });
  return found;
}
