// Who may grant a delegated Graph permission: a user for themself, or only an administrator for everyone
// (GRAPH_PERMISSIONS' `adminConsentRequired`, Entra's documented values). A user's consent never grants an admin-only
// permission; an administrator's tenant-wide grant (oauth2PermissionGrants, consentType AllPrincipals) does.

import { delegatedPermissionsOf, type GraphScopeOptions, graphScopeValues } from './authz/graph-scopes.js';
import { DELEGATED_PERMISSION_NAMES, GRAPH_PERMISSIONS } from './authz/permissions.js';

/**
 * The resource of every grant: Microsoft Graph. Gatepass keeps no service principal for it, so Graph's well-known
 * application id stands for the resource's id.
 */
export const GRAPH_RESOURCE_ID = '00000003-0000-0000-c000-000000000000';

/** The only consent type Gatepass stores: the administrator's, for every user. */
export const ALL_PRINCIPALS = 'AllPrincipals';

/** Whether only an administrator may grant this delegated permission (unknown names: yes, fail closed). */
export function requiresAdminConsent(name: string): boolean {
  const permission = GRAPH_PERMISSIONS[name];
  return permission === undefined || permission.adminConsentRequired === true;
}

/** The delegated permissions only an administrator may grant. */
export const ADMIN_CONSENT_PERMISSION_NAMES: readonly string[] = Object.freeze(
  DELEGATED_PERMISSION_NAMES.filter(requiresAdminConsent),
);

export interface SortedScopes {
  /** Scope values a user may consent to (OpenID scopes pass through elsewhere). */
  readonly userConsentable: string[];
  /** Admin-only scope values that an administrator granted to this app for every user. */
  readonly adminGranted: string[];
  /** Admin-only scope values nobody granted: never in the user's grant, never in a token. */
  readonly needsAdmin: string[];
}

/** Sorts requested Graph scope values by who may grant them, given the app's tenant-wide granted names. */
export function sortByConsent(
  values: Iterable<string>,
  tenantWide: ReadonlySet<string>,
  options: GraphScopeOptions,
): SortedScopes {
  const sorted: SortedScopes = { userConsentable: [], adminGranted: [], needsAdmin: [] };
  for (const value of values) {
    const names = delegatedPermissionsOf([value], options);
    if (names.length === 0) continue;
    if (!names.some(requiresAdminConsent)) sorted.userConsentable.push(value);
    else if (names.every((n) => !requiresAdminConsent(n) || tenantWide.has(n))) sorted.adminGranted.push(value);
    else sorted.needsAdmin.push(value);
  }
  return sorted;
}

/** The permission names a token may carry: admin-only ones only while a tenant-wide grant holds them. */
export function permittedNames(names: readonly string[], tenantWide: ReadonlySet<string>): string[] {
  return names.filter((n) => !requiresAdminConsent(n) || tenantWide.has(n));
}

const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/** Whether a requested scope value (bare or under a Graph alias) names a permission only an administrator may grant. */
export function needsAdminConsent(value: string, graphAliases: readonly string[]): boolean {
  return delegatedPermissionsOf([value], { oidcScopes: OIDC_SCOPES, graphAliases }).some(requiresAdminConsent);
}

/**
 * The Graph scope values a resource server lets a client's tokens carry: every value anyone may grant, and the
 * admin-only ones its tenant-wide grants cover. Graph's values are sorted once here, since only the grants change
 * from one request to the next; the result keeps graphScopeValues' order.
 */
export function graphResourceScope(options: GraphScopeOptions): (tenantWide: ReadonlySet<string>) => string {
  const all = graphScopeValues(options);
  const none: ReadonlySet<string> = new Set();
  const adminOnly: ReadonlySet<string> = new Set(sortByConsent(all, none, options).needsAdmin);
  const withoutGrants = all.filter((v) => !adminOnly.has(v)).join(' ');
  return (tenantWide) =>
    tenantWide.size === 0
      ? withoutGrants
      : all
          .filter((v) => !adminOnly.has(v) || sortByConsent([v], tenantWide, options).needsAdmin.length === 0)
          .join(' ');
}
