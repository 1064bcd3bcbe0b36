// Refusals of the directory's objects: users, groups and directory roles (applications have their own part).

import { type PasswordRefusal, passwordRefusalMessage } from '../password-policy.js';
import { defineErrors } from './spec.js';

const invalidRequest = { status: 400, graphCode: 'Request_BadRequest', code: 'invalidRequest' } as const;
const notFound = { status: 404, graphCode: 'Request_ResourceNotFound', code: 'notFound' } as const;

type Resource = 'User' | 'Group';

export const directoryErrors = defineErrors({
  resourceNotFound: {
    ...notFound,
    message: (p: { id: string }) =>
      `Resource '${p.id}' does not exist or one of its queried reference-property objects are not present.`,
  },
  invalidProperty: {
    ...invalidRequest,
    message: (p: { property: string; resource: Resource }) =>
      `Invalid value specified for property '${p.property}' of resource '${p.resource}'.`,
  },
  propertyLength: {
    ...invalidRequest,
    message: (p: { property: string; resource: Resource; max: number }) =>
      `Invalid value specified for property '${p.property}' of resource '${p.resource}': it must have 1 to ${p.max} characters.`,
  },
  propertyTooLong: {
    ...invalidRequest,
    message: (p: { property: string; resource: Resource; max: number }) =>
      `Invalid value specified for property '${p.property}' of resource '${p.resource}': at most ${p.max} characters.`,
  },
  /** The password policy's own words for the breach, then its reason. */
  passwordRefused: {
    status: 400,
    graphCode: 'Request_BadRequest',
    code: 'passwordPolicy',
    message: (p: { refusal: PasswordRefusal }) => `${passwordRefusalMessage(p.refusal)} (${p.refusal})`,
  },
  groupNameAmbiguous: {
    ...invalidRequest,
    message: (p: { name: string }) => `More than one group is named '${p.name}'; use the group's id.`,
  },

  roleNotBuiltIn: {
    ...invalidRequest,
    message: (p: { role: string; known: readonly string[] }) =>
      `'${p.role}' is not a built-in directory role. Use one of: ${p.known.join(', ')}.`,
  },
  applicationHoldsRole: {
    ...invalidRequest,
    message: (p: { application: string; role: string }) =>
      `Application '${p.application}' already holds the role '${p.role}'.`,
  },
  applicationLacksRole: {
    ...notFound,
    message: (p: { application: string; role: string }) =>
      `Application '${p.application}' does not hold the role '${p.role}'.`,
  },
} as const);
