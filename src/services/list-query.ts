// Turns the list options a caller gave ($filter, $top, $skiptoken) into one keyset page of a directory table,
// refusing anything outside the allow-lists with a 400 that names the option.

import { AppError } from '../domain/errors.js';
import { parseFilter, type FieldAllowList } from '../domain/odata/filter.js';
import {
  ADMINISTRATIVE_UNIT_FILTER_COLUMNS,
  type AdministrativeUnitFilterKey,
} from '../store/repos/administrative-units.js';
import { GROUP_FILTER_COLUMNS, type GroupFilterKey } from '../store/repos/groups.js';
import { decodeSkipToken, encodeSkipToken, filterToWhere, type TableWhere } from '../store/repos/query.js';
import { USER_FILTER_COLUMNS, type UserFilterKey } from '../store/repos/users.js';

export interface ListQuery {
  /** OData $filter text. */
  filter?: string;
  top?: number;
  skipToken?: string;
}

/**
 * A list's options, or how to read them once the caller may list: a caller without the permission is refused (403)
 * before any option of theirs is read.
 */
export type ListOptions<Q extends ListQuery> = Q | (() => Q);

export function optionsOf<Q extends ListQuery>(options: ListOptions<Q>): Q {
  return typeof options === 'function' ? options() : options;
}

export const DEFAULT_TOP = 100;
export const MAX_TOP = 999;

const text = ['eq', 'ne', 'startswith'] as const;
const exact = ['eq', 'ne'] as const;

export const USER_FILTER: FieldAllowList<UserFilterKey> = {
  id: { type: 'guid', key: 'id', operators: exact },
  userPrincipalName: { type: 'string', key: 'userPrincipalName', operators: text },
  displayName: { type: 'string', key: 'displayName', operators: text },
  givenName: { type: 'string', key: 'givenName', operators: text, nullable: true },
  surname: { type: 'string', key: 'surname', operators: text, nullable: true },
  mail: { type: 'string', key: 'mail', operators: text, nullable: true },
  mailNickname: { type: 'string', key: 'mailNickname', operators: text },
  accountEnabled: { type: 'boolean', key: 'accountEnabled', operators: exact },
  userType: { type: 'enum', key: 'userType', operators: exact, enumValues: ['Member', 'Guest'] },
  createdDateTime: { type: 'datetime', key: 'createdDateTime', operators: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] },
};

export const GROUP_FILTER: FieldAllowList<GroupFilterKey> = {
  id: { type: 'guid', key: 'id', operators: exact },
  displayName: { type: 'string', key: 'displayName', operators: text },
  mailNickname: { type: 'string', key: 'mailNickname', operators: text },
  description: { type: 'string', key: 'description', operators: text, nullable: true },
  securityEnabled: { type: 'boolean', key: 'securityEnabled', operators: exact },
  mailEnabled: { type: 'boolean', key: 'mailEnabled', operators: exact },
  createdDateTime: { type: 'datetime', key: 'createdDateTime', operators: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] },
};

export const ADMINISTRATIVE_UNIT_FILTER: FieldAllowList<AdministrativeUnitFilterKey> = {
  id: { type: 'guid', key: 'id', operators: exact },
  displayName: { type: 'string', key: 'displayName', operators: text },
  description: { type: 'string', key: 'description', operators: text, nullable: true },
  createdDateTime: { type: 'datetime', key: 'createdDateTime', operators: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] },
};

const TABLES = {
  users: { allow: USER_FILTER, columns: USER_FILTER_COLUMNS },
  groups: { allow: GROUP_FILTER, columns: GROUP_FILTER_COLUMNS },
  administrative_units: { allow: ADMINISTRATIVE_UNIT_FILTER, columns: ADMINISTRATIVE_UNIT_FILTER_COLUMNS },
} as const;

export interface PagePlan<T extends keyof typeof TABLES> {
  where?: TableWhere<T>;
  afterId?: string;
  limit: number;
  skipTokenAfter(lastId: string): string;
}

export function checkTop(top: number | undefined): number {
  if (top === undefined) return DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
    throw new AppError('topOutOfRange', { target: '$top', params: { max: MAX_TOP } });
  return top;
}

export function checkSkipToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const afterId = decodeSkipToken(token);
  if (afterId === undefined) throw new AppError('skipTokenForeign', { target: '$skiptoken' });
  return afterId;
}

export function listPageOf<T extends keyof typeof TABLES>(table: T, query: ListQuery): PagePlan<T> {
  const limit = checkTop(query.top);
  const afterId = checkSkipToken(query.skipToken);
  let where: TableWhere<T> | undefined;
  if (query.filter !== undefined) {
    const { allow, columns } = TABLES[table] as {
      allow: FieldAllowList<string>;
      columns: Record<
        string,
        | (typeof USER_FILTER_COLUMNS)[UserFilterKey]
        | (typeof GROUP_FILTER_COLUMNS)[GroupFilterKey]
        | (typeof ADMINISTRATIVE_UNIT_FILTER_COLUMNS)[AdministrativeUnitFilterKey]
      >;
    };
    const parsed = parseFilter(query.filter, allow);
    if (!parsed.ok)
      throw new AppError('invalidFilterClause', { target: '$filter', params: { detail: parsed.error.message } });
    where = filterToWhere<T, string>(parsed.value, columns);
  }
  return { where, afterId, limit, skipTokenAfter: encodeSkipToken };
}
