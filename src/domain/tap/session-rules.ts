// What a session opened with a pass may do, in words for the diagnosis. A list, so that other pass features (the
// pass's purpose, issue 14 item 1) add their line here rather than in the diagnosis.

import { passEndsAt, ONE_TIME_REGISTRATION_WINDOW_SECONDS, type TapRecord } from './pass.js';

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
  (pass) => ({
    text: pass.isUsableOnce
      ? `After signing in, the user has ${ONE_TIME_REGISTRATION_WINDOW_SECONDS / 60} minutes to register a passwordless method.`
      : 'The user may sign in with it again until it ends.',
  }),
  // TODO(#14): item 1 adds the pass's purpose (setup | access) here.
];
