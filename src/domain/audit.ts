// The audit event in Microsoft Graph's directoryAudit shape, and how an actor appears in it.

export type Actor =
  | { kind: 'user'; id: string; userPrincipalName: string; displayName: string; ipAddress: string | null }
  | { kind: 'app'; appId: string; displayName: string; servicePrincipalId: string; ipAddress: string | null }
  | { kind: 'cli'; osUser: string }
  | { kind: 'system' }
  /** A caller refused before it was authenticated (no or an invalid token): only its address is known. */
  | { kind: 'anonymous'; ipAddress: string | null };

/** A directory user acting for themselves or as an administrator, from `ipAddress`. */
export function userActor(
  user: { id: string; userPrincipalName: string; displayName: string },
  ipAddress: string | null,
): Extract<Actor, { kind: 'user' }> {
  return {
    kind: 'user',
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    ipAddress,
  };
}

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface TargetResource {
  id: string;
  displayName: string | null;
  type: 'User' | 'Group' | 'App' | 'Role' | 'Policy' | 'Directory' | 'Other';
  userPrincipalName?: string | null;
  groupType?: string | null;
  modifiedProperties?: ModifiedProperty[];
}

export type AuditCategory =
  | 'UserManagement'
  | 'GroupManagement'
  | 'ApplicationManagement'
  | 'RoleManagement'
  | 'AdministrativeUnit'
  | 'Policy'
  | 'DirectoryManagement'
  | 'Authentication';

export interface AuditEntry {
  activityDisplayName: AuditActivity;
  category: AuditCategory;
  loggedByService: string;
  operationType: 'Add' | 'Update' | 'Delete' | 'Assign' | 'Unassign' | 'Other';
  targetResources: TargetResource[];
  additionalDetails?: { key: string; value: string }[];
  /** Filled on success with a descriptive text, as Entra does; on failure with the refusal's message. */
  resultReason?: string;
}

export interface AuditEvent extends Required<Omit<AuditEntry, 'resultReason'>> {
  id: string;
  activityDateTime: Date;
  correlationId: string;
  result: 'success' | 'failure';
  resultReason: string;
  initiatedBy: Actor;
}

/** Graph's `auditActivityInitiator` for an actor. */
export function initiatorOf(actor: Actor): {
  user: Record<string, unknown> | null;
  app: Record<string, unknown> | null;
} {
  switch (actor.kind) {
    case 'user':
      return {
        user: {
          id: actor.id,
          displayName: actor.displayName,
          userPrincipalName: actor.userPrincipalName,
          ipAddress: actor.ipAddress,
          userType: null,
          homeTenantId: null,
          homeTenantName: null,
        },
        app: null,
      };
    case 'app':
      return {
        user: null,
        app: {
          appId: actor.appId,
          displayName: actor.displayName,
          servicePrincipalId: actor.servicePrincipalId,
          servicePrincipalName: actor.displayName,
        },
      };
    case 'cli':
      return {
        user: null,
        app: {
          appId: null,
          displayName: 'Gatepass CLI',
          servicePrincipalId: null,
          servicePrincipalName: `cli:${actor.osUser}`,
        },
      };
    case 'system':
      return {
        user: null,
        app: { appId: null, displayName: 'Gatepass', servicePrincipalId: null, servicePrincipalName: 'gatepass' },
      };
    case 'anonymous':
      return {
        user: {
          id: null,
          displayName: 'Unauthenticated caller',
          userPrincipalName: null,
          ipAddress: actor.ipAddress,
          userType: null,
          homeTenantId: null,
          homeTenantName: null,
        },
        app: null,
      };
  }
}

/** Graph encodes modified values as JSON strings, e.g. `"\"Alice\""`. */
export const jsonValue = (v: unknown): string => JSON.stringify(v === undefined ? '' : v);

export function userTarget(
  u: { id: string; displayName: string; userPrincipalName: string },
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource {
  return {
    id: u.id,
    displayName: u.displayName,
    type: 'User',
    userPrincipalName: u.userPrincipalName,
    groupType: null,
    modifiedProperties,
  };
}

/**
 * The activity names Gatepass writes to the audit log (Entra's own words), for the log's Activity filter. An entry's
 * activityDisplayName is typed from this list, so a new activity does not compile until it is listed here.
 */
export const AUDIT_ACTIVITIES = [
  'Add administrative unit',
  'Add application',
  'Add delegated permission grant',
  'Add group',
  'Add member to administrative unit',
  'Add member to group',
  'Add member to role',
  'Add role definition',
  'Add user',
  'Admin deleted security info',
  'Admin registered security info',
  'Admin updated security info',
  'Authentication Methods Policy Update',
  'Change password (self-service)',
  'Delete administrative unit',
  'Delete application',
  'Delete group',
  'Delete role definition',
  'Delete user',
  'Disable account',
  'Enable account',
  'Invalidate all refresh tokens for user',
  'Remove delegated permission grant',
  'Remove member from administrative unit',
  'Remove member from group',
  'Remove member from role',
  'Refuse sign-in with possibly cloned passkey',
  'Reset user password',
  'Rotate keys',
  'Send Temporary Access Pass notice',
  'Set Company Information',
  'Temporary Access Pass disputed by user',
  'Temporary Access Pass retired after registration',
  'Temporary Access Pass used in its registration window',
  'Unlock user sign-in',
  'Update administrative unit',
  'Update application – Certificates and secrets management',
  'Update group',
  'Update policy',
  'Update role definition',
  'Update user',
  'User deleted security info',
  'User registered security info',
  'User started security info registration',
  'User updated security info',
] as const;

export type AuditActivity = (typeof AUDIT_ACTIVITIES)[number];
