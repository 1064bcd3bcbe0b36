// What a session opened with a pass may do, in words for the diagnosis. A list, so that each pass feature (its
// purpose, the retry-tolerant window) adds its line here rather than in the diagnosis.

import { passEndsAt, ONE_TIME_REGISTRATION_WINDOW_SECONDS, retryWindowEndsAt, type TapRecord } from './pass.js';

export interface SessionRuleLine {
  readonly text: string;
  /** The rule would stop the user (the diagnosis's session check then fails with `fix`). */
  readonly stops?: boolean;
  readonly fix?: string;
}

export type SessionRule = (pass: TapRecord, time: (at: Date) => string) => SessionRuleLine;

export const SESSION_RULES: readonly SessionRule[] = [
  // pass-sessions.ts: sessions and tokens from a pass sign-in hold only while that very pass does.
  (pass, time) => ({
    text: `Sessions and tokens from this pass end with it, at ${time(passEndsAt(pass))} at the latest, or when it is revoked or replaced.`,
  }),
  (pass, time) => {
    if (!pass.isUsableOnce) return { text: 'The user may sign in with it again until it ends.' };
    if (pass.retryWindowMinutes == null)
      return {
        text: `After signing in, the user has ${ONE_TIME_REGISTRATION_WINDOW_SECONDS / 60} minutes to register a passwordless method.`,
      };
    const ends = retryWindowEndsAt(pass);
    return {
      text: ends
        ? `Retry-tolerant: it signs in again until a registration uses it up or its window ends at ${time(ends)}.`
        : `Retry-tolerant: from its first sign-in, the user has ${pass.retryWindowMinutes} minutes, over as many sign-ins as needed, to register a method.`,
    };
  },
  // purpose.ts: a set-up pass opens Security info only.
  (pass) => ({
    text:
      pass.purpose === 'setup'
        ? 'For setting up sign-in methods: a session opened with it reaches Security info only, until the user registers an authenticator app or a passkey.'
        : 'For access: a session opened with it signs in to every app.',
  }),
];
