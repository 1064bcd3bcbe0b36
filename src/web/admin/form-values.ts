// Reading posted forms and query strings in the admin center, and turning a service's refusal into the words a form
// shows beside the field it names.

import type { AppError } from '../../domain/errors.js';

export type Form = Record<string, unknown>;

/** A form or query value as text; a repeated or missing field reads as empty, so nothing downstream sees an array. */
export const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A repeated form field (checkboxes of one name) as its list of texts; a single value is a list of one. */
export const texts = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x) => typeof x === 'string') : v ? [text(v)] : [];

/** OData "startswith" on each field, joined with "or"; quotes doubled as OData escapes them. */
export function startsWithFilter(search: string, fields: readonly string[]): string | undefined {
  const s = search.trim().replace(/'/g, "''");
  return s === '' ? undefined : fields.map((f) => `startswith(${f},'${s}')`).join(' or ');
}

/** A refusal as a form shows it: the field's visible label first, so the words say which box to fix. */
export interface FormError {
  message: string;
  /** The form field (its name) the refusal is about, to mark it invalid. */
  field?: string;
}

/**
 * `fields` maps the service's target (a Graph property) to the form field and its label; a refusal about anything
 * else is shown as it is.
 */
export function formErrorOf(e: AppError, fields: Record<string, { name: string; label: string }>): FormError {
  const f = e.target ? fields[e.target] : undefined;
  return f ? { message: `${f.label}: ${e.message}`, field: f.name } : { message: e.message };
}

/** Marks the field a refusal names as invalid, and points it at the refusal's words (errorBox's #error-message). */
export const invalidAttrs = (error: FormError | undefined, name: string): string =>
  error?.field === name ? ' aria-invalid="true" aria-describedby="error-message"' : '';
