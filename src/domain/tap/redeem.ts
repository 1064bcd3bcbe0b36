// Whether a pass may be redeemed now, as a list of named checks; each refusal has one code and one plain-language message.
import { hasExpired, isBlockedByPolicy, isNotYetValid, isOneTimeUsed, isRetryWindowOver } from './pass.js';
import type { TapRecord, UsabilityContext } from './pass.js';
import { type RedemptionRefusal, redemptionMessage } from './redemption-messages.js';

export { formatValidFrom, type RedemptionRefusal, redemptionMessage } from './redemption-messages.js';

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
  {
    name: 'checkNotUsed',
    run: (pass, ctx) =>
      !isOneTimeUsed(pass, ctx.now) ? undefined : isRetryWindowOver(pass, ctx.now) ? 'windowOver' : 'used',
  },
  { name: 'checkNotExpired', run: (pass, ctx) => (hasExpired(pass, ctx.now) ? 'expired' : undefined) },
  { name: 'checkNotBefore', run: (pass, ctx) => (isNotYetValid(pass, ctx.now) ? 'notYetValid' : undefined) },
];

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
