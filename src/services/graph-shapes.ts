// The JSON Microsoft Graph returns for directory objects; one place, so the API and the CLI's --json agree.
// A password hash never appears: only the listed properties are ever copied out of a record.

import type { GroupRecord } from '../store/repos/groups.js';
import type { UserRecord } from '../store/repos/users.js';

/** Properties of Graph's `user` that Gatepass serves (and that `$select` may name). */
export const USER_PROPERTIES = [
  'id',
  'userPrincipalName',
  'displayName',
  'mailNickname',
  'givenName',
  'surname',
  'jobTitle',
  'mail',
  'accountEnabled',
  'userType',
  'createdDateTime',
  'signInSessionsValidFromDateTime',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
] as const;
export type UserProperty = (typeof USER_PROPERTIES)[number];

/** What Graph returns without $select (its default set plus the properties Gatepass stores). */
export const DEFAULT_USER_PROPERTIES: readonly UserProperty[] = USER_PROPERTIES;

export const GROUP_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'mailNickname',
  'securityEnabled',
  'mailEnabled',
  'groupTypes',
  'createdDateTime',
  'visibility',
] as const;
export type GroupProperty = (typeof GROUP_PROPERTIES)[number];

function pick<K extends string>(
  all: Record<K, unknown>,
  select: readonly string[] | undefined,
  order: readonly K[],
): Record<string, unknown> {
  const wanted = select && select.length > 0 ? new Set(select) : undefined;
  const out: Record<string, unknown> = {};
  for (const key of order) if (!wanted || wanted.has(key)) out[key] = all[key];
  return out;
}

export function toGraphUser(user: UserRecord, select?: string[]): Record<string, unknown> {
  const all: Record<UserProperty, unknown> = {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    mailNickname: user.mailNickname,
    givenName: user.givenName,
    surname: user.surname,
    jobTitle: user.jobTitle,
    mail: user.mail,
    accountEnabled: user.accountEnabled,
    userType: user.userType,
    createdDateTime: user.createdAt.toISOString(),
    signInSessionsValidFromDateTime: user.sessionsValidFrom.toISOString(),
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
  };
  return pick(all, select, USER_PROPERTIES);
}

export function toGraphGroup(group: GroupRecord, select?: string[]): Record<string, unknown> {
  const all: Record<GroupProperty, unknown> = {
    id: group.id,
    displayName: group.displayName,
    description: group.description,
    mailNickname: group.mailNickname,
    securityEnabled: group.securityEnabled,
    mailEnabled: group.mailEnabled,
    groupTypes: [],
    createdDateTime: group.createdAt.toISOString(),
    visibility: null,
  };
  return pick(all, select, GROUP_PROPERTIES);
}

export const ADMINISTRATIVE_UNIT_PROPERTIES = ['id', 'displayName', 'description', 'visibility'] as const;
export type AdministrativeUnitProperty = (typeof ADMINISTRATIVE_UNIT_PROPERTIES)[number];

/** Graph's `administrativeUnit` (v1.0 has no createdDateTime on it). */
export function toGraphAdministrativeUnit(
  unit: { id: string; displayName: string; description: string | null; visibility: string | null },
  select?: string[],
): Record<string, unknown> {
  const all: Record<AdministrativeUnitProperty, unknown> = {
    id: unit.id,
    displayName: unit.displayName,
    description: unit.description,
    visibility: unit.visibility,
  };
  return pick(all, select, ADMINISTRATIVE_UNIT_PROPERTIES);
}
