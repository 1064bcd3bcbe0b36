// What a person is told when a pass cannot be redeemed. A leaf module: the sign-in part of the error catalogue
// takes its words from here, and so does the redemption check.

/**
 * Refusal codes shared by the sign-in log, the audit log and the tests. 'noPass' covers a pass that
 * was deleted or replaced: the user cannot tell these apart, and need not.
 */
export type RedemptionRefusal =
  | 'noPass'
  | 'disabledByPolicy'
  | 'disputed'
  | 'used'
  | 'windowOver'
  | 'expired'
  | 'notYetValid';

const ASK_HELPDESK = 'Ask your helpdesk for a new one.';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * "5 June 2026 at 08:15 UTC", rounded up to the minute so the pass works at the time shown.
 * Fixed English and UTC: the server does not know the reader's locale; the page can localise validFrom.
 */
export function formatValidFrom(at: Date): string {
  const up = new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
  const hh = String(up.getUTCHours()).padStart(2, '0');
  const mm = String(up.getUTCMinutes()).padStart(2, '0');
  return `${up.getUTCDate()} ${MONTHS[up.getUTCMonth()]} ${up.getUTCFullYear()} at ${hh}:${mm} UTC`;
}

/** Messages for people, not for engineers: what happened and what to do next. */
export function redemptionMessage(reason: RedemptionRefusal, pass?: { startAt: Date }): string {
  switch (reason) {
    case 'noPass':
      return `This Temporary Access Pass is no longer valid. ${ASK_HELPDESK}`;
    case 'disabledByPolicy':
      // Entra's wording first (ENTRA-REFERENCE §6), then what it means.
      return 'Temporary Access Pass sign in was blocked due to User Credential Policy. Your organisation does not allow you to sign in with a Temporary Access Pass at the moment: contact your helpdesk.';
    case 'disputed':
      // Whoever holds it now may not be its owner: no new pass without the helpdesk checking who asks.
      return 'This Temporary Access Pass was reported as not requested by you, so it can no longer be used. Contact your helpdesk: they will check the report and give you a new pass.';
    case 'used':
      return `This Temporary Access Pass has already been used, and it could be used only once. ${ASK_HELPDESK}`;
    case 'windowOver':
      // A retry-tolerant one-time pass whose registration window ended: used up by time.
      return 'This pass has already been used. Contact your helpdesk for a new one.';
    case 'expired':
      return `This Temporary Access Pass has expired. ${ASK_HELPDESK}`;
    case 'notYetValid':
      return pass === undefined
        ? 'This Temporary Access Pass is not valid yet. Try again from the start time you were given.'
        : `This Temporary Access Pass is not valid yet. You can use it from ${formatValidFrom(pass.startAt)}.`;
  }
}
