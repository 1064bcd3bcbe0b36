// The single authorization decision: may this principal take this action on this target?
import {
  BUILT_IN_ROLES,
  GRAPH_PERMISSIONS,
  IMPLIED_ACTIONS,
  LIMITED_ROLE_TEMPLATE_IDS,
  NOT_ON_SELF_ACTIONS,
  type MayActOn,
  SENSITIVE_USER_ACTIONS,
  type Action,
  type RoleDefinition,
} from './permissions.js';

/** "/" (tenant-wide) or "/administrativeUnits/{id}"; anything else never applies. */
export type DirectoryScopeId = '/' | `/administrativeUnits/${string}`;

export interface RoleAssignment {
  /** A built-in template id, or a custom role's id when `roleDefinitions` includes it. */
  readonly roleTemplateId: string;
  readonly directoryScopeId: DirectoryScopeId | string;
}

export type Principal =
  /**
   * Client-credentials token: Graph application permissions from its `roles` claim; the directory roles assigned to
   * its service principal (none when absent); and whether the tenant lets application permissions reach privileged
   * users as Entra does (the setting applicationPermissionsReachPrivilegedUsers; off when absent).
   */
  | {
      readonly kind: 'app';
      readonly appId: string;
      readonly permissions: readonly string[];
      readonly roles?: readonly RoleAssignment[];
      readonly permissionsReachPrivilegedUsers?: boolean;
    }
  /**
   * Delegated token: may do what both its scopes (`scp`) and the user's roles allow; `mfa` is true when the token's
   * `amr` holds "mfa", and every administrative action (what a role grants) needs it.
   */
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly roles: readonly RoleAssignment[];
      readonly scopes: readonly string[];
      readonly mfa: boolean;
    }
  /** The local operator at the CLI: whoever can run it can already read the store. */
  | { readonly kind: 'cli'; readonly osUser: string };

export type Target =
  | {
      readonly kind: 'user';
      readonly id: string;
      /**
       * Template ids (or custom role ids) of every role the user holds, at any scope: what §5.4 decides on.
       * Absent means unknown: then only a tenant-wide role that acts on anyone reaches them (fail closed).
       */
      readonly roleTemplateIds?: readonly string[];
      readonly administrativeUnitIds?: readonly string[];
    }
  | { readonly kind: 'group'; readonly id: string; readonly administrativeUnitIds?: readonly string[] }
  | { readonly kind: 'tenant' };

export type DenyReason =
  /** No application permission or delegated scope covers the action. */
  | 'permissionMissing'
  /** The signed-in user holds no role that allows the action. */
  | 'roleMissing'
  /** A role allows it, but only in administrative units the target is not in. */
  | 'outOfScope'
  /**
   * The target holds a role that no granting role may act on (§5.4; at unit scope, any role: §5.5), or, for an
   * application, its service principal holds no role that may act on a privileged user.
   */
  | 'privilegedTarget'
  /** Administrators may not manage their own credentials (Entra: "except themselves"). */
  | 'notOnSelf'
  /** A role allows it, but the delegated token does not prove a multi-factor sign-in. */
  | 'multiFactorRequired';

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: DenyReason };

export interface AuthorizeOptions {
  /** Built-in and custom role definitions keyed by lower-case id; defaults to the built-ins alone. */
  readonly roleDefinitions?: ReadonlyMap<string, RoleDefinition>;
}

const ALLOW: Decision = Object.freeze({ allowed: true });
const deny = (reason: DenyReason): Decision => ({ allowed: false, reason });

/**
 * What every member may read about other users with a delegated scope covering it, no role needed (Entra's default
 * user permissions): a unit-scoped issuer finds the people it serves this way.
 */
const MEMBER_READ_ACTIONS: ReadonlySet<Action> = new Set<Action>(['microsoft.directory/users/standard/read']);

/** Actions a user may take on their own object with any delegated scope covering them, no role needed. */
const SELF_SERVICE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'microsoft.directory/users/standard/read',
  'microsoft.directory/users/authenticationMethods/standard/read',
  'microsoft.directory/users/authenticationMethods/standard/restrictedRead',
]);

// Credentials are a separate permission in Entra: "users/allProperties/allTasks" does not reach them.
const OUTSIDE_ALL_TASKS = ['authenticationMethods/'];

/**
 * Whether one role/permission pattern covers an action: exact match, a "prefix/*" wildcard, or
 * Entra's "<entity>/allProperties/allTasks" (every action on the entity except its credentials).
 */
export function patternGrants(pattern: string, action: string): boolean {
  if (pattern === action) return true;
  if (pattern.endsWith('/*')) return action.startsWith(pattern.slice(0, -1));
  const allTasks = 'allProperties/allTasks';
  if (pattern.endsWith(`/${allTasks}`)) {
    const entity = pattern.slice(0, -allTasks.length);
    if (!action.startsWith(entity)) return false;
    const rest = action.slice(entity.length);
    return !OUTSIDE_ALL_TASKS.some((excluded) => rest.startsWith(excluded));
  }
  return false;
}

/** The action itself and every action whose holder is also granted it (IMPLIED_ACTIONS). */
function satisfyingActions(action: Action): string[] {
  const implying = Object.entries(IMPLIED_ACTIONS)
    .filter(([, implied]) => implied.includes(action))
    .map(([holder]) => holder);
  return [action, ...implying];
}

function patternsGrant(patterns: readonly string[], action: Action): boolean {
  const satisfying = satisfyingActions(action);
  return patterns.some((pattern) => satisfying.some((candidate) => patternGrants(pattern, candidate)));
}

function permissionGrants(name: string, action: Action, onSelf: boolean): boolean {
  const permission = GRAPH_PERMISSIONS[name];
  if (permission === undefined) return false;
  if (permission.selfOnly === true && !onSelf) return false;
  return patternsGrant(permission.actions, action);
}

/** Graph permission names that grant the action (for route documentation and error hints). */
export function permissionsGranting(action: Action): string[] {
  return Object.keys(GRAPH_PERMISSIONS).filter((name) => permissionGrants(name, action, true));
}

/** Whether a user holding these roles is an administrator, i.e. no longer a "member" (ENTRA-REFERENCE §5.4). */
export function isPrivilegedUser(roleTemplateIds: Iterable<string>): boolean {
  for (const id of roleTemplateIds) if (!LIMITED_ROLE_TEMPLATE_IDS.has(id.toLowerCase())) return true;
  return false;
}

function isSelf(principal: Principal, target: Target): boolean {
  return principal.kind === 'user' && target.kind === 'user' && target.id === principal.userId;
}

/** The "not on yourself" rule: true when it forbids this action for this principal on this target. */
export function notOnSelf(principal: Principal, action: Action, target: Target): boolean {
  return NOT_ON_SELF_ACTIONS.has(action) && isSelf(principal, target);
}

const AU_PREFIX = '/administrativeUnits/';

/** Whether an assignment's directory scope covers the target: "/" everything, an AU only its members. */
export function scopeCovers(directoryScopeId: string, target: Target): boolean {
  if (directoryScopeId === '/') return true;
  if (!directoryScopeId.startsWith(AU_PREFIX) || target.kind === 'tenant') return false;
  const unitId = directoryScopeId.slice(AU_PREFIX.length).toLowerCase();
  if (unitId === '' || unitId.includes('/')) return false;
  return (target.administrativeUnitIds ?? []).some((id) => id.toLowerCase() === unitId);
}

/** Whether a role whose column of §5.4 is `mayActOn` reaches a user holding these roles. */
export function mayActOnHolder(mayActOn: MayActOn, roleTemplateIds: readonly string[]): boolean {
  if (mayActOn === 'anyone') return true;
  return roleTemplateIds.every((id) => mayActOn.has(id.toLowerCase()));
}

/**
 * §5.4 and §5.5 for one assignment: a sensitive action reaches a user when the role's column allows every role they
 * hold; at unit scope only users holding no role at all. Unknown roles are out of reach (fail closed).
 */
function targetInReach(definition: RoleDefinition, directoryScopeId: string, action: Action, target: Target): boolean {
  if (!SENSITIVE_USER_ACTIONS.has(action) || target.kind !== 'user') return true;
  const held = target.roleTemplateIds;
  if (directoryScopeId !== '/') return held !== undefined && held.length === 0;
  if (definition.mayActOn === 'anyone') return true;
  return held !== undefined && mayActOnHolder(definition.mayActOn, held);
}

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

interface DelegatedContext {
  readonly principal: UserPrincipal;
  readonly action: Action;
  readonly target: Target;
  readonly roleDefinitions: ReadonlyMap<string, RoleDefinition>;
}

/** One named rule of the delegated pipeline: a decision, or undefined to go on to the next rule. */
interface DelegatedRule {
  readonly name: string;
  readonly decide: (ctx: DelegatedContext) => Decision | undefined;
}

const DELEGATED_RULES: readonly DelegatedRule[] = [
  {
    name: 'requireDelegatedScope',
    decide: ({ principal, action, target }) => {
      const onSelf = isSelf(principal, target);
      return principal.scopes.some((scope) => permissionGrants(scope, action, onSelf))
        ? undefined
        : deny('permissionMissing');
    },
  },
  {
    name: 'allowSelfService',
    decide: ({ principal, action, target }) =>
      isSelf(principal, target) && SELF_SERVICE_ACTIONS.has(action) ? ALLOW : undefined,
  },
  {
    name: 'allowMemberReads',
    decide: ({ action, target }) =>
      MEMBER_READ_ACTIONS.has(action) && (target.kind === 'user' || target.kind === 'tenant') ? ALLOW : undefined,
  },
  {
    name: 'refuseOnSelf',
    decide: ({ principal, action, target }) => (notOnSelf(principal, action, target) ? deny('notOnSelf') : undefined),
  },
  {
    name: 'requireRoleGrant',
    decide: ({ principal, action, target, roleDefinitions }) => {
      const decision = roleGrantDecision(principal.roles, action, target, roleDefinitions);
      // Whatever a role grants is administrative: it takes a multi-factor sign-in.
      return decision.allowed && !principal.mfa ? deny('multiFactorRequired') : decision;
    },
  },
];

/**
 * Whether one of these role assignments allows the action on the target, with Entra's who-may-act-on-whom rules
 * (directory scope, each role's reach in §5.4 and §5.5); the denial names the nearest miss.
 */
function roleGrantDecision(
  roles: readonly RoleAssignment[],
  action: Action,
  target: Target,
  roleDefinitions: ReadonlyMap<string, RoleDefinition>,
): Decision {
  let nearestMiss: DenyReason = 'roleMissing';
  for (const assignment of roles) {
    const definition = roleDefinitions.get(assignment.roleTemplateId.toLowerCase());
    if (definition === undefined || !patternsGrant(definition.allowedResourceActions, action)) continue;
    if (!scopeCovers(assignment.directoryScopeId, target)) {
      if (nearestMiss === 'roleMissing') nearestMiss = 'outOfScope';
      continue;
    }
    if (!targetInReach(definition, assignment.directoryScopeId, action, target)) {
      nearestMiss = 'privilegedTarget';
      continue;
    }
    return ALLOW;
  }
  return deny(nearestMiss);
}

type AppPrincipal = Extract<Principal, { kind: 'app' }>;

interface AppContext {
  readonly principal: AppPrincipal;
  readonly action: Action;
  readonly target: Target;
  readonly roleDefinitions: ReadonlyMap<string, RoleDefinition>;
}

/**
 * Entra: resetting a password in an app-only call takes, besides User.ReadWrite.All, a directory role on the app's
 * service principal — at least User Administrator, and Privileged Authentication Administrator (or Global
 * Administrator) when the user holds a privileged role. The permission alone resets no one's password.
 */
export const APP_ROLE_REQUIRED_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'microsoft.directory/users/password/update',
]);

/**
 * Credential changes Entra lets any app holding UserAuthenticationMethod.ReadWrite.All make on anyone, Global
 * Administrators included. Gatepass keeps privileged users out of an app's reach unless a role of its service
 * principal may act on them, or the tenant restored Entra's behaviour (permissionsReachPrivilegedUsers).
 */
export const APP_PRIVILEGED_TARGET_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'microsoft.directory/users/authenticationMethods/create',
  'microsoft.directory/users/authenticationMethods/delete',
  'microsoft.directory/users/authenticationMethods/basic/update',
]);

/**
 * Entra's "who can perform sensitive actions" holds for apps as for people: in an app-only call User.ReadWrite.All
 * does not delete, disable, enable, rename or end the sessions of a user with a privileged role ("the app must be
 * assigned a higher privileged administrator role", Graph's delete-user reference). Credentials have their own rules
 * above; reading is not a sensitive action for an app.
 */
export const APP_SENSITIVE_ON_PRIVILEGED_ACTIONS: ReadonlySet<Action> = new Set<Action>(
  [...SENSITIVE_USER_ACTIONS].filter(
    (a) => !a.startsWith('microsoft.directory/users/authenticationMethods/') && !APP_ROLE_REQUIRED_ACTIONS.has(a),
  ),
);

/** Unknown counts as privileged, as everywhere in this module: a caller that did not work it out gets the stricter answer. */
const isPrivilegedTarget = (target: Target): boolean =>
  target.kind === 'user' && (target.roleTemplateIds === undefined || isPrivilegedUser(target.roleTemplateIds));

/** One named rule of the application pipeline: a decision, or undefined to go on to the next rule. */
interface AppRule {
  readonly name: string;
  readonly decide: (ctx: AppContext) => Decision | undefined;
}

const APP_RULES: readonly AppRule[] = [
  {
    name: 'requireApplicationPermission',
    decide: ({ principal, action }) =>
      principal.permissions.some((name) => permissionGrants(name, action, false))
        ? undefined
        : deny('permissionMissing'),
  },
  {
    name: 'requireServicePrincipalRole',
    decide: ({ principal, action, target, roleDefinitions }) => {
      if (!APP_ROLE_REQUIRED_ACTIONS.has(action)) return undefined;
      const decision = roleGrantDecision(principal.roles ?? [], action, target, roleDefinitions);
      return decision.allowed ? undefined : decision;
    },
  },
  {
    name: 'requireRoleForSensitiveActionsOnPrivilegedUsers',
    decide: ({ principal, action, target, roleDefinitions }) => {
      if (!APP_SENSITIVE_ON_PRIVILEGED_ACTIONS.has(action) || !isPrivilegedTarget(target)) return undefined;
      return roleGrantDecision(principal.roles ?? [], action, target, roleDefinitions).allowed
        ? undefined
        : deny('privilegedTarget');
    },
  },
  {
    name: 'keepPrivilegedUsersOutOfReach',
    decide: ({ principal, action, target, roleDefinitions }) => {
      if (
        !APP_PRIVILEGED_TARGET_ACTIONS.has(action) ||
        !isPrivilegedTarget(target) ||
        principal.permissionsReachPrivilegedUsers === true
      )
        return undefined;
      return roleGrantDecision(principal.roles ?? [], action, target, roleDefinitions).allowed
        ? undefined
        : deny('privilegedTarget');
    },
  },
];

/**
 * Decides one request. Routes load the target first so that administrative-unit membership,
 * the target's privilege and "is it me" are plain data here. Role definition ids are looked up
 * in lower case, as GUIDs compare.
 */
export function authorize(
  principal: Principal,
  action: Action,
  target: Target,
  options: AuthorizeOptions = {},
): Decision {
  switch (principal.kind) {
    case 'cli':
      return ALLOW;
    case 'app': {
      const ctx: AppContext = { principal, action, target, roleDefinitions: options.roleDefinitions ?? BUILT_IN_ROLES };
      for (const rule of APP_RULES) {
        const decision = rule.decide(ctx);
        if (decision !== undefined) return decision;
      }
      return ALLOW;
    }
    case 'user': {
      const ctx: DelegatedContext = {
        principal,
        action,
        target,
        roleDefinitions: options.roleDefinitions ?? BUILT_IN_ROLES,
      };
      for (const rule of DELEGATED_RULES) {
        const decision = rule.decide(ctx);
        if (decision !== undefined) return decision;
      }
      // Unreachable while requireRoleGrant is last; kept closed so a reordering cannot open it.
      return deny('roleMissing');
    }
  }
}
