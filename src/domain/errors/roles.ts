// Refusals of role management: custom role definitions and role assignments (Graph roleManagement/directory).

import { defineErrors } from './spec.js';

const invalidRequest = { status: 400, graphCode: 'Request_BadRequest', code: 'invalidRequest' } as const;

export const roleErrors = defineErrors({
  /** Entra documents no wording for this refusal; ours, in Graph's directory envelope. */
  builtInRoleReadOnly: {
    ...invalidRequest,
    message: (p: { role: string }) =>
      `'${p.role}' is a built-in role definition; built-in roles cannot be changed or deleted.`,
  },
  roleActionUnknown: {
    ...invalidRequest,
    message: (p: { action: string }) =>
      `Invalid value specified for property 'allowedResourceActions' of resource 'unifiedRoleDefinition': '${p.action}' is not a known resource action.`,
  },
  roleActionNotAssignable: {
    ...invalidRequest,
    message: (p: { action: string }) =>
      `Invalid value specified for property 'allowedResourceActions' of resource 'unifiedRoleDefinition': '${p.action}' cannot be assigned in custom roles.`,
  },
  roleActionsMissing: {
    ...invalidRequest,
    message:
      "Invalid value specified for property 'rolePermissions' of resource 'unifiedRoleDefinition': a custom role needs at least one allowed resource action.",
  },
  roleDisplayNameInvalid: {
    ...invalidRequest,
    message:
      "Invalid value specified for property 'displayName' of resource 'unifiedRoleDefinition': it must have 1 to 256 characters.",
  },
  roleDisplayNameTaken: {
    ...invalidRequest,
    message: (p: { name: string }) =>
      `Another object with the same value for property displayName already exists: a role named '${p.name}'.`,
  },
  roleStillAssigned: {
    ...invalidRequest,
    message: (p: { role: string; assignments: readonly string[] }) =>
      `The role definition '${p.role}' is still assigned (role assignments ${p.assignments.join(', ')}); remove them first.`,
  },
  /** Entra's words (roleAssignments create, ENTRA-REFERENCE §5.3). */
  roleNotScopable: {
    ...invalidRequest,
    message: 'The given built-in role is not supported to be assigned to a single resource scope.',
  },
  customRoleNotScopable: {
    ...invalidRequest,
    message:
      'The given custom role is not supported to be assigned to an administrative unit scope: it holds no user or group permission.',
  },
  directoryScopeInvalid: {
    ...invalidRequest,
    message: (p: { scope: string }) =>
      `Invalid value specified for property 'directoryScopeId' of resource 'unifiedRoleAssignment': '${p.scope}'. Use '/' or '/administrativeUnits/{id}'.`,
  },
  /** A unit scope must name an existing administrative unit; Graph's not-found wording, naming the property. */
  directoryScopeUnitNotFound: {
    status: 404,
    graphCode: 'Request_ResourceNotFound',
    code: 'notFound',
    message: (p: { scope: string }) =>
      `Resource '${p.scope}' does not exist or one of its queried reference-property objects are not present: 'directoryScopeId' names no administrative unit.`,
  },
  roleAssignmentExists: {
    status: 409,
    graphCode: 'Request_BadRequest',
    code: 'conflict',
    message: 'A conflicting object with one or more of the specified property values is present in the directory.',
  },
} as const);
