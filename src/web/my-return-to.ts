// Where /my may send the browser after a sign-in: only its own pages (see safeReturnTo).

import { FIRST_PARTY_APPS, safeReturnTo } from '../domain/first-party-apps.js';

/** `raw` when it is a /my path, else undefined (the caller picks its default). */
export function safeMyReturnTo(raw: unknown): string | undefined {
  return safeReturnTo(FIRST_PARTY_APPS.my, raw);
}
