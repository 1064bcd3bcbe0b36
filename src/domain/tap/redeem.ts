// Whether a pass may be redeemed now, as a list of named checks; each refusal has one code and one plain-language message.
import { hasExpired, isBlockedByPolicy, isNotYetValid, isOneTimeUsed } from './pass.js';
import type { TapRecord, UsabilityContext } from './pass.js';

/**
 * Refusal codes shared by the sign-in log, the audit log and the tests. 'noPass' covers a pass that
 * was deleted or replaced: the user cannot tell these apart, and need not.
 */
export type RedemptionRefusal = 'noPass' | 'disabledByPolicy' | 'used' | 'expired' | 'notYetValid';

export type Redeemability =
  | { readonly ok: true; readonly pass: TapRecord }
  | {
      readonly ok: false;
      readonly reason: RedemptionRefusal;
      readonly message: string;
      /** For 'notYetValid': when the pass starts, so a page can show it in the user's own time zone. */
      readonly validFrom?: Date;
    };

export interface RedemptionCheck {
  readonly name: string;
  /** The refusal, or undefined to go on. */
  readonly run: (pass: TapRecord, ctx: UsabilityContext) => RedemptionRefusal | undefined;
}

/**
 * In the precedence order of usability(): policy, used, expired, not yet valid — so the page and
 * Graph's methodUsabilityReason never disagree. The final, authoritative step (consuming a one-time
 * pass with one conditional update) belongs to the store; these checks only decide what to say.
 */
export const REDEMPTION_CHECKS: readonly RedemptionCheck[] = [
  { name: 'checkAllowedByPolicy', run: (pass, ctx) => (isBlockedByPolicy(pass, ctx) ? 'disabledByPolicy' : undefined) },
  { name: 'checkNotUsed', run: (pass) => (isOneTimeUsed(pass) ? 'used' : undefined) },
  { name: 'checkNotExpired', run: (pass, ctx) => (hasExpired(pass, ctx.now) ? 'expired' : undefined) },
  { name: 'checkNotBefore', run: (pass, ctx) => (isNotYetValid(pass, ctx.now) ? 'notYetValid' : undefined) },
];

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
export function redemptionMessage(reason: RedemptionRefusal, pass?: TapRecord): string {
  switch (reason) {
    case 'noPass':
      return `This Temporary Access Pass is no longer valid. ${ASK_HELPDESK}`;
    case 'disabledByPolicy':
      // Entra's wording first (ENTRA-REFERENCE §6), then what it means.
      return 'Temporary Access Pass sign in was blocked due to User Credential Policy. Your organisation does not allow you to sign in with a Temporary Access Pass at the moment: contact your helpdesk.';
    case 'used':
      return `This Temporary Access Pass has already been used, and it could be used only once. ${ASK_HELPDESK}`;
    case 'expired':
      return `This Temporary Access Pass has expired. ${ASK_HELPDESK}`;
    case 'notYetValid':
      return pass === undefined
        ? 'This Temporary Access Pass is not valid yet. Try again from the start time you were given.'
        : `This Temporary Access Pass is not valid yet. You can use it from ${formatValidFrom(pass.startAt)}.`;
  }
}

/**
 * Runs loadPass (undefined → 'noPass') and then REDEMPTION_CHECKS. Call it only after the entered pass
 * has been verified against the stored hash: the messages tell when a pass starts or that it was used,
 * which only its holder may learn.
 */
export function checkRedeemable(pass: TapRecord | undefined, ctx: UsabilityContext): Redeemability {
  if (pass === undefined) return { ok: false, reason: 'noPass', message: redemptionMessage('noPass') };
  for (const check of REDEMPTION_CHECKS) {
    const reason = check.run(pass, ctx);
    if (reason === undefined) continue;
    const message = redemptionMessage(reason, pass);
    return reason === 'notYetValid'
      ? { ok: false, reason, message, validFrom: new Date(pass.startAt) }
      : { ok: false, reason, message };
  }
  return { ok: true, pass };
}
