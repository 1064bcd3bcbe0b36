// Refusals of the "This wasn't me" link (issue 14, item 4). The page that shows them names no pass and no user: a
// guessed or leaked token learns nothing from the answer.

import { defineErrors } from './spec.js';

export const noticeErrors = defineErrors({
  invalidEmailAddress: {
    status: 400,
    graphCode: 'badRequest',
    code: 'badRequest',
    message: 'emailAddress must be one email address, such as alice@example.com.',
  },
  emailMethodExists: {
    status: 409,
    graphCode: 'conflict',
    message: 'The user already has a notification email; update or delete it instead.',
  },
  // A user adding their own notification email from Security info (the code mailed to it).
  // A 409, not a 503: nothing is down, and retrying will not help until an administrator configures mail.
  mailNotConfigured: {
    status: 409,
    graphCode: 'mailNotConfigured',
    message:
      'Email cannot be added yet: this server has no mail settings (SMTP). Ask your administrator to set GATEPASS_SMTP_URL.',
  },
  emailCodeNotSent: {
    status: 502,
    graphCode: 'mailDeliveryFailed',
    message: 'The code could not be sent: the mail server did not take the mail. Try again in a few minutes.',
  },
  emailCodesTooMany: {
    status: 429,
    graphCode: 'tooManyRequests',
    message: (p: { minutes: number }) =>
      `Too many codes were sent in the last hour. Try again in ${p.minutes} minute${p.minutes === 1 ? '' : 's'}.`,
  },
  emailCodeInvalid: {
    status: 400,
    graphCode: 'badRequest',
    message: 'Enter the 8-digit code from the mail.',
  },
  emailCodeNotRequested: {
    status: 400,
    graphCode: 'badRequest',
    message: 'No code was sent to you yet. Enter your email address first.',
  },
  emailCodeWrong: {
    status: 400,
    graphCode: 'badRequest',
    message: 'That code is not right. Check the latest mail and try again.',
  },
  emailCodeExpired: {
    status: 400,
    graphCode: 'badRequest',
    message: 'This code has expired or was already used. Ask for a new code.',
  },
  emailCodeTooManyGuesses: {
    status: 429,
    graphCode: 'tooManyRequests',
    message: 'Too many wrong codes. Ask for a new code.',
  },
  disputeLinkUnknown: {
    status: 404,
    graphCode: 'itemNotFound',
    message: 'This "This wasn\'t me" link is not valid. Check that you opened the whole link from the mail.',
  },
  disputeLinkUsed: {
    status: 410,
    graphCode: 'gone',
    message: 'This "This wasn\'t me" link was already used: the pass is revoked and your security team was told.',
  },
  disputeLinkExpired: {
    status: 410,
    graphCode: 'gone',
    message:
      'This "This wasn\'t me" link has expired (links work for 7 days). If you still think someone else asked for a pass, tell your IT or security team.',
  },
});
