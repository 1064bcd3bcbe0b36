// Authorization data: directory actions and the Graph permission → action map (built-in roles: built-in-roles.ts).
//
// Everything here is data so that one test can print what every route requires and who holds it.
// Action strings follow Entra's resource-action format (ENTRA-REFERENCE §5.2); where Entra has
// no documented string (security defaults), we chose one in the same style.

import {
  AU_READ,
  AU_WRITE,
  CA_WRITE,
  GRANTS_READ,
  GRANTS_WRITE,
  GROUP_READ,
  GROUP_WRITE,
  LOGS_READ,
  METHODS_READ,
  METHODS_WRITE,
  POLICY_READ,
  ROLE_READ,
  USER_READ,
  USER_WRITE,
} from './action-sets.js';

const D = 'microsoft.directory';

/** Every action `authorize` can be asked about. A typo in a route is a compile error. */
export const ACTIONS = [
  `${D}/users/standard/read`,
  `${D}/users/create`,
  `${D}/users/delete`,
  `${D}/users/basic/update`,
  `${D}/users/userPrincipalName/update`,
  `${D}/users/password/update`,
  `${D}/users/disable`,
  `${D}/users/enable`,
  `${D}/users/invalidateAllRefreshTokens`,
  `${D}/users/authenticationMethods/create`,
  `${D}/users/authenticationMethods/delete`,
  `${D}/users/authenticationMethods/standard/read`,
  `${D}/users/authenticationMethods/standard/restrictedRead`,
  `${D}/users/authenticationMethods/basic/update`,
  `${D}/groups/standard/read`,
  `${D}/groups/create`,
  `${D}/groups/delete`,
  `${D}/groups/basic/update`,
  `${D}/groups/members/update`,
  `${D}/administrativeUnits/standard/read`,
  `${D}/administrativeUnits/create`,
  `${D}/administrativeUnits/delete`,
  `${D}/administrativeUnits/basic/update`,
  `${D}/administrativeUnits/members/update`,
  `${D}/roleDefinitions/standard/read`,
  `${D}/roleDefinitions/allProperties/allTasks`,
  `${D}/roleAssignments/standard/read`,
  `${D}/roleAssignments/allProperties/allTasks`,
  `${D}/oAuth2PermissionGrants/standard/read`,
  `${D}/oAuth2PermissionGrants/allProperties/allTasks`,
  `${D}/auditLogs/allProperties/read`,
  `${D}/signInReports/allProperties/read`,
  `${D}/policies/standard/read`,
  `${D}/policies/securityDefaults/basic/update`,
  `${D}/userCredentialPolicies/standard/read`,
  `${D}/userCredentialPolicies/basic/update`,
  `${D}/organization/strongAuthentication/allTasks`,
  `${D}/conditionalAccessPolicies/standard/read`,
  `${D}/conditionalAccessPolicies/create`,
  `${D}/conditionalAccessPolicies/basic/update`,
  `${D}/conditionalAccessPolicies/delete`,
] as const;

export type Action = (typeof ACTIONS)[number];

/**
 * Holding the key also grants the listed actions. Entra's restrictedRead is standard/read minus
 * PII, so a route that shows no PII (TAP metadata) asks for restrictedRead and both kinds of
 * reader pass.
 */
export const IMPLIED_ACTIONS: Readonly<Record<string, readonly Action[]>> = {
  [`${D}/users/authenticationMethods/standard/read`]: [`${D}/users/authenticationMethods/standard/restrictedRead`],
  [`${D}/roleDefinitions/allProperties/allTasks`]: [`${D}/roleDefinitions/standard/read`],
  [`${D}/roleAssignments/allProperties/allTasks`]: [`${D}/roleAssignments/standard/read`],
  [`${D}/oAuth2PermissionGrants/allProperties/allTasks`]: [`${D}/oAuth2PermissionGrants/standard/read`],
};

/** Sensitive actions may not be performed by an administrator on their own account (Entra: "except themselves"). */
export const NOT_ON_SELF_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  `${D}/users/authenticationMethods/create`,
  `${D}/users/authenticationMethods/delete`,
  `${D}/users/authenticationMethods/basic/update`,
]);

/**
 * Entra's "sensitive actions" (ENTRA-REFERENCE §5.4): a role takes these only on users its column of the table
 * reaches (RoleDefinition.mayActOn), so a helpdesk cannot take over an administrator.
 */
export const SENSITIVE_USER_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  `${D}/users/delete`,
  `${D}/users/disable`,
  `${D}/users/enable`,
  `${D}/users/password/update`,
  `${D}/users/userPrincipalName/update`,
  `${D}/users/invalidateAllRefreshTokens`,
  `${D}/users/authenticationMethods/create`,
  `${D}/users/authenticationMethods/delete`,
  `${D}/users/authenticationMethods/basic/update`,
  `${D}/users/authenticationMethods/standard/read`,
  `${D}/users/authenticationMethods/standard/restrictedRead`,
]);

export interface GraphPermission {
  readonly actions: readonly Action[];
  /**
   * A delegated-only scope that reaches only the signed-in user's own object (User.Read). Graph has no application
   * permission of that name, so an application can never hold it (APPLICATION_PERMISSION_NAMES).
   */
  readonly selfOnly?: boolean;
  /**
   * Only an administrator may grant it as a delegated permission (Entra's "Admin consent required"): a user's own
   * consent never grants it; a tenant-wide grant (oauth2PermissionGrants, AllPrincipals) does.
   */
  readonly adminConsentRequired?: boolean;
}

/**
 * Microsoft Graph permission names → actions. The same names serve as application permissions
 * (token `roles`) and delegated scopes (`scp`). Directory.ReadWrite.All leaves out deleting users
 * and resetting passwords, as Graph's own description of it says.
 */
export const GRAPH_PERMISSIONS: Readonly<Record<string, GraphPermission>> = {
  'User.Read': { actions: USER_READ, selfOnly: true },
  'User.Read.All': { actions: USER_READ, adminConsentRequired: true },
  'User.ReadWrite.All': { actions: USER_WRITE, adminConsentRequired: true },
  'User.EnableDisableAccount.All': { actions: [`${D}/users/disable`, `${D}/users/enable`], adminConsentRequired: true },
  'User.RevokeSessions.All': { actions: [`${D}/users/invalidateAllRefreshTokens`], adminConsentRequired: true },
  'Group.Read.All': { actions: GROUP_READ, adminConsentRequired: true },
  'Group.ReadWrite.All': { actions: GROUP_WRITE, adminConsentRequired: true },
  'GroupMember.Read.All': { actions: GROUP_READ, adminConsentRequired: true },
  'GroupMember.ReadWrite.All': { actions: [...GROUP_READ, `${D}/groups/members/update`], adminConsentRequired: true },
  'AdministrativeUnit.Read.All': { actions: AU_READ, adminConsentRequired: true },
  'AdministrativeUnit.ReadWrite.All': { actions: AU_WRITE, adminConsentRequired: true },
  'Directory.Read.All': {
    actions: [...USER_READ, ...GROUP_READ, ...AU_READ, ...ROLE_READ, ...GRANTS_READ],
    adminConsentRequired: true,
  },
  'Directory.ReadWrite.All': {
    actions: [
      ...USER_WRITE.filter((a) => a !== `${D}/users/delete` && a !== `${D}/users/password/update`),
      ...GROUP_WRITE,
      ...AU_WRITE,
      ...ROLE_READ,
      // Graph lists it as the higher-privileged permission for managing oauth2PermissionGrants.
      ...GRANTS_WRITE,
    ],
    adminConsentRequired: true,
  },
  'UserAuthenticationMethod.Read': { actions: METHODS_READ, selfOnly: true },
  // Delegated self-service write (Security info's Graph form): reading one's own methods goes through authorize; the
  // delete of one's own method is decided on the /me path by this scope (selfContext in the /me method routes),
  // because the shared rules refuse credential changes "on self" to administrators (NOT_ON_SELF_ACTIONS).
  'UserAuthenticationMethod.ReadWrite': { actions: METHODS_READ, selfOnly: true },
  'UserAuthenticationMethod.Read.All': { actions: METHODS_READ, adminConsentRequired: true },
  'UserAuthenticationMethod.ReadWrite.All': { actions: METHODS_WRITE, adminConsentRequired: true },
  'Policy.Read.All': { actions: POLICY_READ, adminConsentRequired: true },
  'Policy.ReadWrite.AuthenticationMethod': {
    actions: [
      `${D}/userCredentialPolicies/standard/read`,
      `${D}/userCredentialPolicies/basic/update`,
      `${D}/organization/strongAuthentication/allTasks`,
    ],
    adminConsentRequired: true,
  },
  'Policy.ReadWrite.SecurityDefaults': {
    actions: [`${D}/policies/standard/read`, `${D}/policies/securityDefaults/basic/update`],
    adminConsentRequired: true,
  },
  // Graph's v1.0 reference lists it as a higher-privileged permission for updating security defaults too.
  'Policy.ReadWrite.ConditionalAccess': {
    actions: [...CA_WRITE, `${D}/policies/standard/read`, `${D}/policies/securityDefaults/basic/update`],
    adminConsentRequired: true,
  },
  'AuditLog.Read.All': { actions: LOGS_READ, adminConsentRequired: true },
  // Consenting to a permission for every user: Graph's least-privileged permission for oauth2PermissionGrants.
  'DelegatedPermissionGrant.ReadWrite.All': { actions: GRANTS_WRITE, adminConsentRequired: true },
  'RoleManagement.Read.Directory': { actions: ROLE_READ, adminConsentRequired: true },
  'RoleManagement.ReadWrite.Directory': {
    actions: [
      `${D}/roleDefinitions/allProperties/allTasks`,
      `${D}/roleAssignments/allProperties/allTasks`,
      ...ROLE_READ,
    ],
    adminConsentRequired: true,
  },
};

/** Every name a delegated token (`scp`) may carry: the whole catalogue. */
export const DELEGATED_PERMISSION_NAMES: readonly string[] = Object.freeze(Object.keys(GRAPH_PERMISSIONS));

/** Names an application may hold as application permissions (`roles`): the catalogue minus the self-only scopes. */
export const APPLICATION_PERMISSION_NAMES: readonly string[] = Object.freeze(
  Object.entries(GRAPH_PERMISSIONS)
    .filter(([, p]) => p.selfOnly !== true)
    .map(([name]) => name),
);

export {
  BUILT_IN_ROLES,
  LIMITED_ROLE_TEMPLATE_IDS,
  MAY_ACT_ON,
  ROLE_TEMPLATE_IDS,
  type MayActOn,
  type RoleDefinition,
} from './built-in-roles.js';
