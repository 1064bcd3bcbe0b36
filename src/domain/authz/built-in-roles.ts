// Entra's built-in directory roles that Gatepass serves (ENTRA-REFERENCE §5.1), as data: template id, display name,
// description, the microsoft.directory actions Entra gives each for what Gatepass has, and whom each may act on
// (the "who can perform sensitive actions" table of §5.4, one column per role).

import {
  AU_READ,
  CA_WRITE,
  GROUP_READ,
  GRANTS_READ,
  GRANTS_WRITE,
  GROUP_WRITE,
  LOGS_READ,
  METHODS_CHANGE,
  POLICY_READ,
  ROLE_READ,
  USER_READ,
  USER_SENSITIVE,
} from './action-sets.js';

const D = 'microsoft.directory';

/** Template ids from Entra's permissions reference (ENTRA-REFERENCE §5.1 and the limited roles of §5.4). */
export const ROLE_TEMPLATE_IDS = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  authenticationPolicyAdministrator: '0526716b-113d-4c15-b2c8-68e3c22b9f80',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  conditionalAccessAdministrator: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
  messageCenterReader: '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
  userExperienceSuccessManager: '27460883-1df1-4691-b032-3b79643e5e63',
  usageSummaryReportsReader: '75934031-6c7e-415a-99d7-48dbd49e875e',
} as const;

const R = ROLE_TEMPLATE_IDS;

/**
 * Roles that still leave their holder a "member" whom an Authentication, User or Helpdesk Administrator may act on
 * (the first rows of §5.4). Any other role makes a user an administrator.
 */
export const LIMITED_ROLE_TEMPLATE_IDS: ReadonlySet<string> = new Set([
  R.directoryReaders,
  R.guestInviter,
  R.messageCenterReader,
  R.passwordAdministrator,
  R.reportsReader,
  R.userExperienceSuccessManager,
  R.usageSummaryReportsReader,
]);

/** Whom a role's sensitive actions (SENSITIVE_USER_ACTIONS) reach: every user, or users whose roles are all listed. */
export type MayActOn = 'anyone' | ReadonlySet<string>;

export interface RoleDefinition {
  readonly templateId: string;
  readonly displayName: string;
  readonly description: string;
  readonly isBuiltIn: boolean;
  /**
   * Action patterns: an exact action, or a prefix ending in "/*" ("microsoft.directory/*"), or
   * Entra's "<entity>/allProperties/allTasks" which grants every action on that entity. Strings
   * for other services (microsoft.office365.*) may appear and simply never match.
   */
  readonly allowedResourceActions: readonly string[];
  /**
   * §5.4, this role's column: a user who holds no role is always in reach (at tenant scope); a user holding roles is
   * in reach when every one of them is in this set, or when the role acts on 'anyone'. At unit scope §5.5 narrows it
   * further to users who hold no role at all.
   */
  readonly mayActOn: MayActOn;
}

/** Non-admins only: the reach of every role that §5.4 does not list (Security Administrator, custom roles' default). */
export const NON_ADMINS_ONLY: ReadonlySet<string> = new Set();

const ids = (...list: string[]): ReadonlySet<string> => new Set(list);

/** §5.4 columns, row by row. */
export const MAY_ACT_ON = {
  authenticationAdministrator: ids(...LIMITED_ROLE_TEMPLATE_IDS, R.authenticationAdministrator),
  userAdministrator: ids(
    ...LIMITED_ROLE_TEMPLATE_IDS,
    R.helpdeskAdministrator,
    R.groupsAdministrator,
    R.userAdministrator,
  ),
  helpdeskAdministrator: ids(...LIMITED_ROLE_TEMPLATE_IDS, R.helpdeskAdministrator),
  passwordAdministrator: ids(R.directoryReaders, R.guestInviter, R.passwordAdministrator),
  /** What §1.5 calls "members": users without admin roles or with the limited roles only. */
  members: LIMITED_ROLE_TEMPLATE_IDS,
} as const;

const OFFICE_WEB_PORTAL = 'microsoft.office365.webPortal/allEntities/standard/read';

function role(
  templateId: string,
  displayName: string,
  description: string,
  allowedResourceActions: readonly string[],
  mayActOn: MayActOn,
): RoleDefinition {
  return Object.freeze({
    templateId,
    displayName,
    description,
    isBuiltIn: true,
    allowedResourceActions: Object.freeze([...allowedResourceActions]),
    mayActOn,
  });
}

/** Entra's action lists, trimmed to what Gatepass serves; keyed by lower-case template id. */
export const BUILT_IN_ROLES: ReadonlyMap<string, RoleDefinition> = new Map(
  [
    role(
      R.globalAdministrator,
      'Global Administrator',
      'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
      [`${D}/*`],
      'anyone',
    ),
    role(
      R.privilegedAuthenticationAdministrator,
      'Privileged Authentication Administrator',
      'Can access to view, set and reset authentication method information for any user (admin or non-admin).',
      [
        ...USER_READ,
        ...METHODS_CHANGE,
        `${D}/users/authenticationMethods/standard/read`,
        ...USER_SENSITIVE,
        OFFICE_WEB_PORTAL,
      ],
      'anyone',
    ),
    role(
      R.authenticationAdministrator,
      'Authentication Administrator',
      'Can access to view, set and reset authentication method information for any non-admin user.',
      [
        ...USER_READ,
        ...METHODS_CHANGE,
        `${D}/users/authenticationMethods/standard/restrictedRead`,
        ...USER_SENSITIVE,
        OFFICE_WEB_PORTAL,
      ],
      MAY_ACT_ON.authenticationAdministrator,
    ),
    role(
      R.authenticationPolicyAdministrator,
      'Authentication Policy Administrator',
      'Can create and manage the authentication methods policy, tenant-wide MFA settings, password protection policy, and verifiable credentials.',
      [
        `${D}/organization/strongAuthentication/allTasks`,
        `${D}/policies/standard/read`,
        `${D}/userCredentialPolicies/standard/read`,
        `${D}/userCredentialPolicies/basic/update`,
      ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.helpdeskAdministrator,
      'Helpdesk Administrator',
      'Can reset passwords for non-administrators and Helpdesk Administrators.',
      [...USER_READ, ...GROUP_READ, `${D}/users/password/update`, `${D}/users/invalidateAllRefreshTokens`],
      MAY_ACT_ON.helpdeskAdministrator,
    ),
    role(
      R.userAdministrator,
      'User Administrator',
      'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
      [...USER_READ, `${D}/users/create`, ...USER_SENSITIVE, ...GROUP_WRITE],
      MAY_ACT_ON.userAdministrator,
    ),
    role(
      R.privilegedRoleAdministrator,
      'Privileged Role Administrator',
      'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
      [
        ...USER_READ,
        ...GROUP_READ,
        `${D}/administrativeUnits/*`,
        `${D}/roleDefinitions/allProperties/allTasks`,
        `${D}/roleAssignments/allProperties/allTasks`,
        ...GRANTS_WRITE,
      ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.securityReader,
      'Security Reader',
      'Can read security information and reports in Microsoft Entra ID and Office 365.',
      [...USER_READ, ...GROUP_READ, ...POLICY_READ, ...LOGS_READ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.globalReader,
      'Global Reader',
      'Can read everything that a Global Administrator can, but not update anything.',
      [
        ...USER_READ,
        ...GROUP_READ,
        ...AU_READ,
        ...ROLE_READ,
        ...GRANTS_READ,
        ...POLICY_READ,
        ...LOGS_READ,
        `${D}/users/authenticationMethods/standard/restrictedRead`,
      ],
      'anyone',
    ),
    role(
      R.conditionalAccessAdministrator,
      'Conditional Access Administrator',
      'Can manage Conditional Access capabilities.',
      [
        ...USER_READ,
        ...GROUP_READ,
        ...CA_WRITE,
        `${D}/policies/standard/read`,
        `${D}/policies/securityDefaults/basic/update`,
      ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.passwordAdministrator,
      'Password Administrator',
      'Can reset passwords for non-administrators and Password Administrators.',
      [`${D}/users/password/update`, OFFICE_WEB_PORTAL],
      MAY_ACT_ON.passwordAdministrator,
    ),
    role(
      R.securityAdministrator,
      'Security Administrator',
      'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
      [
        ...USER_READ,
        ...GROUP_READ,
        ...POLICY_READ,
        ...LOGS_READ,
        ...CA_WRITE,
        `${D}/policies/securityDefaults/basic/update`,
      ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.directoryReaders,
      'Directory Readers',
      'Can read basic directory information. Commonly used to grant directory read access to applications and guests.',
      [...USER_READ, ...GROUP_READ, ...AU_READ, ...ROLE_READ, ...GRANTS_READ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.reportsReader,
      'Reports Reader',
      'Can read sign-in and audit reports.',
      [...LOGS_READ, OFFICE_WEB_PORTAL],
      NON_ADMINS_ONLY,
    ),
    role(
      R.groupsAdministrator,
      'Groups Administrator',
      'Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.',
      [...GROUP_WRITE],
      NON_ADMINS_ONLY,
    ),
    role(
      R.guestInviter,
      'Guest Inviter',
      "Can invite guest users independent of the 'members can invite guests' setting.",
      [...USER_READ],
      NON_ADMINS_ONLY,
    ),
    role(
      R.messageCenterReader,
      'Message Center Reader',
      'Can read messages and updates for their organization in Office 365 Message Center only.',
      ['microsoft.office365.messageCenter/messages/read', OFFICE_WEB_PORTAL],
      NON_ADMINS_ONLY,
    ),
    role(
      R.userExperienceSuccessManager,
      'User Experience Success Manager',
      'Can see product feedback, survey results, and reports to find training and communication opportunities.',
      ['microsoft.office365.usageReports/allEntities/allProperties/read', OFFICE_WEB_PORTAL],
      NON_ADMINS_ONLY,
    ),
    role(
      R.usageSummaryReportsReader,
      'Usage Summary Reports Reader',
      "Read Usage reports and Adoption Score, but can't access user details.",
      ['microsoft.office365.usageReports/allEntities/standard/read'],
      NON_ADMINS_ONLY,
    ),
  ].map((definition) => [definition.templateId, definition] as const),
);
