// A user proves they read the notification address they add in Security info by typing back a code mailed to it.
// Pure: the limits, the code's shape, and the mail's words (the caller supplies the code and the times).

import { utcText, type RenderedMail } from './pass-notice.js';

/** How long a mailed code works. */
export const EMAIL_CODE_LIFETIME_MS = 10 * 60_000;
/** Wrong codes allowed against one mailed code before a new one must be asked for. */
export const MAX_WRONG_EMAIL_CODES = 5;
/** Codes mailed to one user within CODE_SEND_WINDOW_MS: a user, or a stolen session, cannot flood a mailbox. */
export const MAX_EMAIL_CODES_PER_WINDOW = 5;
export const EMAIL_CODE_SEND_WINDOW_MS = 60 * 60_000;

export const EMAIL_CODE_DIGITS = 8;

/** The code as typed, spaces and dashes removed; undefined when it cannot be one. */
export function readEmailCode(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^[0-9]{${EMAIL_CODE_DIGITS}}$`).test(digits) ? digits : undefined;
}

/** What the keyed hash covers: the code is good only for this user and this address. */
export const emailCodeSubject = (userId: string, emailAddress: string, code: string): string =>
  `email-code:${userId}:${emailAddress.toLowerCase()}:${code}`;

export function renderEmailCode(f: { code: string; userPrincipalName: string; expiresAt: Date }): RenderedMail {
  return {
    subject: 'Your Gatepass verification code',
    text: [
      `Use this code to add this address to the security info of ${f.userPrincipalName}:`,
      '',
      `    ${f.code}`,
      '',
      `The code works until ${utcText(f.expiresAt)}.`,
      'If you did not ask for it, ignore this mail: nothing changes without the code.',
    ].join('\n'),
  };
}
