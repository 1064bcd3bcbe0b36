// Where /my may send the browser after a sign-in: only its own pages, as plain same-origin paths.

// Lower-case segments of letters, digits and hyphens under /my: no scheme, no "//" (a protocol-relative URL), no
// backslash (browsers read "/\evil" as "//evil"), no percent-encoding, dots or query to smuggle either in.
const MY_PATH = /^\/my(\/[a-z0-9-]+)*$/;

/** `raw` when it is a /my path, else undefined (the caller picks its default). */
export function safeMyReturnTo(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.length <= 200 && MY_PATH.test(raw) ? raw : undefined;
}
