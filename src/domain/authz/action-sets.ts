// Named groups of directory actions, shared by the Graph permission map (permissions.ts) and the built-in roles
// (built-in-roles.ts), so that "what reading users means" is written once. Plain string tuples: ACTIONS in
// permissions.ts is the catalogue that types them.

const D = 'microsoft.directory';

export const USER_READ = [`${D}/users/standard/read`] as const;
/** What Entra calls sensitive user actions, short of creating users: the User Administrator's and PAA's own. */
export const USER_SENSITIVE = [
  `${D}/users/delete`,
  `${D}/users/disable`,
  `${D}/users/enable`,
  `${D}/users/invalidateAllRefreshTokens`,
  `${D}/users/basic/update`,
  `${D}/users/password/update`,
  `${D}/users/userPrincipalName/update`,
] as const;
export const USER_WRITE = [...USER_READ, `${D}/users/create`, ...USER_SENSITIVE] as const;

export const GROUP_READ = [`${D}/groups/standard/read`] as const;
export const GROUP_WRITE = [
  ...GROUP_READ,
  `${D}/groups/create`,
  `${D}/groups/delete`,
  `${D}/groups/basic/update`,
  `${D}/groups/members/update`,
] as const;

export const AU_READ = [`${D}/administrativeUnits/standard/read`] as const;
export const AU_WRITE = [
  ...AU_READ,
  `${D}/administrativeUnits/create`,
  `${D}/administrativeUnits/delete`,
  `${D}/administrativeUnits/basic/update`,
  `${D}/administrativeUnits/members/update`,
] as const;

export const ROLE_READ = [`${D}/roleDefinitions/standard/read`, `${D}/roleAssignments/standard/read`] as const;

export const GRANTS_READ = [`${D}/oAuth2PermissionGrants/standard/read`] as const;
export const GRANTS_WRITE = [...GRANTS_READ, `${D}/oAuth2PermissionGrants/allProperties/allTasks`] as const;

export const METHODS_READ = [`${D}/users/authenticationMethods/standard/read`] as const;
export const METHODS_CHANGE = [
  `${D}/users/authenticationMethods/create`,
  `${D}/users/authenticationMethods/delete`,
  `${D}/users/authenticationMethods/basic/update`,
] as const;
export const METHODS_WRITE = [...METHODS_READ, ...METHODS_CHANGE] as const;

export const CA_READ = [`${D}/conditionalAccessPolicies/standard/read`] as const;
export const CA_WRITE = [
  ...CA_READ,
  `${D}/conditionalAccessPolicies/create`,
  `${D}/conditionalAccessPolicies/basic/update`,
  `${D}/conditionalAccessPolicies/delete`,
] as const;

export const POLICY_READ = [
  `${D}/policies/standard/read`,
  `${D}/userCredentialPolicies/standard/read`,
  ...CA_READ,
] as const;
export const LOGS_READ = [`${D}/auditLogs/allProperties/read`, `${D}/signInReports/allProperties/read`] as const;
