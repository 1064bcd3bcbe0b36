// The shape of one entry of the error catalogue. Parts of the catalogue live beside this file, one per area, and
// src/domain/errors.ts joins them; every refusal Gatepass gives is one named entry.

/** An entry's message: fixed words, or words built from named values (never free text from the caller). */
export type ErrorMessage = string | ((params: never) => string);

export interface ErrorSpec {
  status: number;
  /**
   * The code an AppError of this entry reports, where the entry belongs to a family callers match on (every
   * "does not exist" reports `notFound`, every bad query option `invalidQuery`); absent, the entry's own name.
   */
  code?: string;
  /** The `error.code` of Microsoft Graph's envelope. */
  graphCode: string;
  message: ErrorMessage;
  /** The error code the sign-in log records and the sign-in error page shows, where the refusal is a sign-in's. */
  signInErrorCode?: number;
  /** The heading of the sign-in error page, where the refusal ends a sign-in. */
  title?: string;
}

export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): T {
  return specs;
}
