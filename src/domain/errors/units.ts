// Refusals of administrative units (Graph's `administrativeUnit`): their properties and how the CLI names them.

import { defineErrors } from './spec.js';

const invalidRequest = { status: 400, graphCode: 'Request_BadRequest', code: 'invalidRequest' } as const;

export const unitErrors = defineErrors({
  unitPropertyLength: {
    ...invalidRequest,
    message: (p: { property: string; max: number }) =>
      `Invalid value specified for property '${p.property}' of resource 'AdministrativeUnit': it must have 1 to ${p.max} characters.`,
  },
  unitPropertyTooLong: {
    ...invalidRequest,
    message: (p: { property: string; max: number }) =>
      `Invalid value specified for property '${p.property}' of resource 'AdministrativeUnit': at most ${p.max} characters.`,
  },
  unitNameAmbiguous: {
    ...invalidRequest,
    message: (p: { name: string }) => `More than one administrative unit is named '${p.name}'; use the unit's id.`,
  },
} as const);
