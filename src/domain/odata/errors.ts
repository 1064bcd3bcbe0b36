// Errors and results shared by the OData query-option parsers.

export type QueryParameter = '$filter' | '$orderby' | '$top' | '$select';

/** What the HTTP layer turns into a Graph 400 ("Invalid filter clause" for $filter). */
export interface QueryOptionError {
  readonly parameter: QueryParameter;
  /** Names the offending property, operator, function or character. Safe to show to the caller. */
  readonly message: string;
  /** 0-based offset in the parameter's text where the problem starts. */
  readonly position: number;
}

export type FilterError = QueryOptionError & { readonly parameter: '$filter' };

export type ParseResult<T, E extends QueryOptionError = QueryOptionError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Longest text any query option may have; longer input is refused before it is read. */
export const MAX_QUERY_OPTION_LENGTH = 2000;

/** Thrown inside a parser and caught at its entry point, so parsers read top-down. */
export class QueryOptionFailure extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'QueryOptionFailure';
    this.position = position;
  }
}

/** Runs a parser body, turning a QueryOptionFailure into an error result for `parameter`. */
export function catchFailure<T, P extends QueryParameter>(
  parameter: P,
  body: () => T,
): ParseResult<T, QueryOptionError & { readonly parameter: P }> {
  try {
    return { ok: true, value: body() };
  } catch (error) {
    if (!(error instanceof QueryOptionFailure)) throw error;
    return { ok: false, error: { parameter, message: error.message, position: error.position } };
  }
}

export function checkLength(text: string, parameter: QueryParameter): void {
  if (text.length > MAX_QUERY_OPTION_LENGTH) {
    throw new QueryOptionFailure(
      `${parameter} is longer than ${MAX_QUERY_OPTION_LENGTH} characters.`,
      MAX_QUERY_OPTION_LENGTH,
    );
  }
}
