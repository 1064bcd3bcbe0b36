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
