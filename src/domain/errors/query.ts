// Refusals of the OData query options ($top, $filter, $select, $orderby, $count, $skiptoken). A parser's own
// diagnostic is the `detail` of its entry; every other refusal has fixed words.

import { defineErrors } from './spec.js';

/** Reported as `invalidQuery`, the family callers match on. */
const invalidQuery = { status: 400, graphCode: 'BadRequest', code: 'invalidQuery' } as const;

export const queryErrors = defineErrors({
  invalidQueryOption: {
    ...invalidQuery,
    message: (p: { option: string; detail: string }) => `Invalid value for query option '${p.option}': ${p.detail}`,
  },
  topOutOfRange: {
    ...invalidQuery,
    message: (p: { max: number }) => `Invalid value for query option '$top': it must be an integer from 1 to ${p.max}.`,
  },
  countNotBoolean: { ...invalidQuery, message: "Invalid value for query option '$count': use true or false." },
  skipTokenForeign: {
    ...invalidQuery,
    message: "Invalid value for query option '$skiptoken': it is not a token this service issued.",
  },
  skipTokenOtherDirection: {
    ...invalidQuery,
    message: "Invalid value for query option '$skiptoken': it belongs to a listing in the other $orderby direction.",
  },
  orderByOnly: {
    ...invalidQuery,
    message: (p: { property: string }) => `Invalid value for query option '$orderby': sort by ${p.property} only.`,
  },
  queryOptionNotSupported: {
    ...invalidQuery,
    message: (p: { option: string }) => `Query option '${p.option}' is not supported on this resource.`,
  },
  queryOptionsNotAccepted: {
    ...invalidQuery,
    message: (p: { option: string }) =>
      `Query option '${p.option}' is not supported: this resource does not support optional query parameters.`,
  },
  queryOptionRepeated: {
    ...invalidQuery,
    message: (p: { option: string }) => `Query option '${p.option}' may be given only once.`,
  },
  invalidFilterClause: {
    status: 400,
    graphCode: 'BadRequest',
    code: 'invalidFilter',
    message: (p: { detail: string }) => `Invalid filter clause: ${p.detail}`,
  },
} as const);
