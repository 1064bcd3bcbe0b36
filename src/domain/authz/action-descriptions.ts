// What each directory action lets its holder do, in the words Entra's role pages use, so that the role picker and a
// role's permission list read as sentences rather than resource strings. A Record over Action: a new action does not
// compile until it is described.

import type { Action } from './permissions.js';

const D = 'microsoft.directory';

export const ACTION_DESCRIPTIONS: Readonly<Record<Action, string>> = {
  [`${D}/users/standard/read`]: 'Read basic properties on users',
  [`${D}/users/create`]: 'Create users',
  [`${D}/users/delete`]: 'Delete users',
  [`${D}/users/basic/update`]: 'Update basic properties on users',
  [`${D}/users/userPrincipalName/update`]: 'Update the user principal name of users',
  [`${D}/users/password/update`]: 'Reset passwords for users',
  [`${D}/users/disable`]: 'Disable users',
  [`${D}/users/enable`]: 'Enable users',
  [`${D}/users/invalidateAllRefreshTokens`]: 'Force sign-out by invalidating user refresh tokens',
  [`${D}/users/authenticationMethods/create`]:
    'Create authentication methods for users, such as a Temporary Access Pass',
  [`${D}/users/authenticationMethods/delete`]: 'Delete authentication methods for users',
  [`${D}/users/authenticationMethods/standard/read`]: 'Read standard properties of authentication methods',
  [`${D}/users/authenticationMethods/standard/restrictedRead`]:
    'Read standard properties of authentication methods that do not include personally identifiable information',
  [`${D}/users/authenticationMethods/basic/update`]: 'Update basic properties of authentication methods',
  [`${D}/groups/standard/read`]: 'Read standard properties of groups',
  [`${D}/groups/create`]: 'Create groups',
  [`${D}/groups/delete`]: 'Delete groups',
  [`${D}/groups/basic/update`]: 'Update basic properties on groups',
  [`${D}/groups/members/update`]: 'Update members of groups',
  [`${D}/administrativeUnits/standard/read`]: 'Read basic properties on administrative units',
  [`${D}/administrativeUnits/create`]: 'Create administrative units',
  [`${D}/administrativeUnits/delete`]: 'Delete administrative units',
  [`${D}/administrativeUnits/basic/update`]: 'Update basic properties on administrative units',
  [`${D}/administrativeUnits/members/update`]: 'Update members of administrative units',
  [`${D}/roleDefinitions/standard/read`]: 'Read basic properties on role definitions',
  [`${D}/roleDefinitions/allProperties/allTasks`]: 'Create and delete role definitions, and update all properties',
  [`${D}/roleAssignments/standard/read`]: 'Read basic properties on role assignments',
  [`${D}/roleAssignments/allProperties/allTasks`]: 'Create and delete role assignments, and update all properties',
  [`${D}/oAuth2PermissionGrants/standard/read`]: 'Read delegated permission grants',
  [`${D}/oAuth2PermissionGrants/allProperties/allTasks`]: 'Create and delete delegated permission grants',
  [`${D}/auditLogs/allProperties/read`]: 'Read all properties on audit logs',
  [`${D}/signInReports/allProperties/read`]: 'Read all properties on sign-in reports',
  [`${D}/policies/standard/read`]: 'Read basic properties on policies',
  [`${D}/policies/securityDefaults/basic/update`]: 'Turn security defaults on or off',
  [`${D}/userCredentialPolicies/standard/read`]: 'Read the authentication methods policy',
  [`${D}/userCredentialPolicies/basic/update`]: 'Update the authentication methods policy',
  [`${D}/organization/strongAuthentication/allTasks`]: 'Manage the strong authentication properties of the tenant',
  [`${D}/conditionalAccessPolicies/standard/read`]: 'Read Conditional Access policies',
  [`${D}/conditionalAccessPolicies/create`]: 'Create Conditional Access policies',
  [`${D}/conditionalAccessPolicies/basic/update`]: 'Update Conditional Access policies',
  [`${D}/conditionalAccessPolicies/delete`]: 'Delete Conditional Access policies',
};

/** An action's description, or undefined for a string outside the catalogue (a built-in's portal action). */
export function describeAction(action: string): string | undefined {
  return (ACTION_DESCRIPTIONS as Readonly<Record<string, string>>)[action];
}
