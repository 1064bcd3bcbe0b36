// Whether a pass may be redeemed now, as a list of named checks; each refusal has one code and one plain-language message.
import {
  blocksMultiUse,
  hasExpired,
  isDisputed,
  isNotYetValid,
  isOneTimeUsed,
  isRetryWindowOver,
  type TapRecord,
  type UsabilityContext,
} from './pass.js';
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

/**
 * One named check. `about: 'user'` checks read only the policy's view of the user, so the diagnosis can run them
 * when the user holds no pass; `about: 'pass'` checks read the pass too. `fails` is true when the check refuses.
 */
export type RedemptionCheck = {
  /** A stable camelCase id, shared by the diagnosis (gatepassDiagnosis, `gatepass tap why`). */
  readonly name: string;
  readonly refusal: RedemptionRefusal;
} & (
  | { readonly about: 'user'; readonly fails: (ctx: UsabilityContext) => boolean }
  | { readonly about: 'pass'; readonly fails: (pass: TapRecord, ctx: UsabilityContext) => boolean }
);

/** Whether `check` refuses `pass` (a 'pass' check cannot run without one: undefined). */
export function runCheck(
  check: RedemptionCheck,
  pass: TapRecord | undefined,
  ctx: UsabilityContext,
): boolean | undefined {
  if (check.about === 'user') return check.fails(ctx);
  return pass === undefined ? undefined : check.fails(pass, ctx);
}

/**
 * In the precedence order of usability(): policy (on, targets the user, does not exclude them, allows this kind of
 * pass), disputed, used, expired, not yet valid — so the page, Graph's methodUsabilityReason and the diagnosis never
 * disagree. The final, authoritative step (consuming a one-time pass with one conditional update) belongs to the
 * store; these checks only decide what to say.
 */
export const REDEMPTION_CHECKS: readonly RedemptionCheck[] = [
  { name: 'policyOn', about: 'user', refusal: 'disabledByPolicy', fails: (ctx) => !ctx.policyOn },
  { name: 'userTargeted', about: 'user', refusal: 'disabledByPolicy', fails: (ctx) => !ctx.userIncluded },
  { name: 'notExcluded', about: 'user', refusal: 'disabledByPolicy', fails: (ctx) => ctx.userExcluded },
  { name: 'usageAllowed', about: 'pass', refusal: 'disabledByPolicy', fails: blocksMultiUse },
  { name: 'notDisputed', about: 'pass', refusal: 'disputed', fails: isDisputed },
  // A retry-tolerant one-time pass whose window ran out is used up by time: its own refusal and words.
  {
    name: 'notUsed',
    about: 'pass',
    refusal: 'used',
    fails: (pass, ctx) => isOneTimeUsed(pass, ctx.now) && !isRetryWindowOver(pass, ctx.now),
  },
  { name: 'windowOpen', about: 'pass', refusal: 'windowOver', fails: (pass, ctx) => isRetryWindowOver(pass, ctx.now) },
  { name: 'notExpired', about: 'pass', refusal: 'expired', fails: (pass, ctx) => hasExpired(pass, ctx.now) },
  { name: 'started', about: 'pass', refusal: 'notYetValid', fails: (pass, ctx) => isNotYetValid(pass, ctx.now) },
];

/**
 * Runs loadPass (undefined → 'noPass') and then REDEMPTION_CHECKS. Call it only after the entered pass
 * has been verified against the stored hash: the messages tell when a pass starts or that it was used,
 * which only its holder may learn.
 */
export function checkRedeemable(pass: TapRecord | undefined, ctx: UsabilityContext): Redeemability {
  if (pass === undefined) return { ok: false, reason: 'noPass', message: redemptionMessage('noPass') };
  const failed = REDEMPTION_CHECKS.find((check) => runCheck(check, pass, ctx));
  if (failed === undefined) return { ok: true, pass };
  const reason = failed.refusal;
  const message = redemptionMessage(reason, pass);
  return reason === 'notYetValid'
    ? { ok: false, reason, message, validFrom: new Date(pass.startAt) }
    : { ok: false, reason, message };
}
