// The sign-in pipeline: from what is known about an interaction, the one next step to take.
import { isAccountEnabled } from '../tap/eligibility.js';
import { FACTOR_TRAITS, acrFor, amrFor } from './factors.js';
import { REFUSAL_MESSAGES, TAP_UNUSABLE_MESSAGES } from './messages.js';
import { isRequirementMet } from './requirements.js';
import type {
  AvailableMethod,
  FactorMethod,
  PolicyRequirement,
  SignInFacts,
  SignInRefusal,
  SignInStep,
  VerifiedFactor,
} from './types.js';

/** A whole sign-in should fit in 15 minutes; older factors are asked for again. */
export const DEFAULT_FACTOR_MAX_AGE_SECONDS = 15 * 60;

/**
 * Which method to offer when several would do. A live pass comes first: the helpdesk issued it
 * on purpose, usually because the other methods are lost (and Entra prompts for it first too).
 */
const RANK: Record<FactorMethod, number> = { tap: 0, passkey: 1, password: 2, authenticatorApp: 3 };
const PREFERENCE: readonly FactorMethod[] = (Object.keys(RANK) as FactorMethod[]).sort((a, b) => RANK[a] - RANK[b]);

export interface SignInContext {
  readonly facts: SignInFacts;
  /** Factors of this interaction still fresh enough to count, in the order proved. */
  readonly fresh: readonly VerifiedFactor[];
  readonly proved: ReadonlySet<FactorMethod>;
  /** Methods the user could prove now: the password if set, a usable pass, an authenticator app, passkeys. */
  readonly usable: ReadonlySet<FactorMethod>;
  /** Some fresh factor can open a sign-in; an authenticator app code alone never completes one. */
  readonly opened: boolean;
}

/** One named step of the pipeline: a step to return, or undefined to go on. */
export interface SignInCheck {
  readonly name: string;
  readonly run: (ctx: SignInContext) => SignInStep | undefined;
}

function tapOf(methods: readonly AvailableMethod[]): Extract<AvailableMethod, { kind: 'tap' }> | undefined {
  return methods.find((m): m is Extract<AvailableMethod, { kind: 'tap' }> => m.kind === 'tap');
}

function refuse(reason: SignInRefusal, ctx: SignInContext, policyId?: string): SignInStep {
  // Tell the user why the pass they may be holding did not help, so they ask for the right thing.
  const tap = tapOf(ctx.facts.methods);
  const tapNote =
    tap !== undefined && !tap.usable && tap.reason !== 'EnabledByPolicy' ? `${TAP_UNUSABLE_MESSAGES[tap.reason]} ` : '';
  const withTapNote = reason === 'accountDisabled' || reason === 'blockedByPolicy' ? '' : tapNote;
  const message = `${withTapNote}${REFUSAL_MESSAGES[reason]}`;
  return policyId === undefined ? { kind: 'refuse', reason, message } : { kind: 'refuse', reason, message, policyId };
}

function ask(candidates: Iterable<FactorMethod>, preferred?: FactorMethod): SignInStep | undefined {
  const list = [...candidates];
  const ordered = PREFERENCE.filter((m) => list.includes(m));
  // The user's own choice ("Sign in another way") comes first when it would do; the order is kept otherwise.
  if (preferred !== undefined && ordered.includes(preferred))
    ordered.sort((a, b) => Number(b === preferred) - Number(a === preferred));
  const [method, ...alternatives] = ordered;
  return method === undefined ? undefined : { kind: 'ask', method, alternatives };
}

function outstanding(ctx: SignInContext): PolicyRequirement[] {
  return ctx.facts.requirements.filter((r) => r.require !== 'block' && !isRequirementMet(r, ctx.proved));
}

/**
 * The smallest sets of further methods that would meet every outstanding requirement, found by
 * trying subsets of the user's unproved methods (at most 2^4 of them).
 */
function minimalPlans(ctx: SignInContext, pending: readonly PolicyRequirement[]): FactorMethod[][] {
  const extra = PREFERENCE.filter((m) => ctx.usable.has(m) && !ctx.proved.has(m));
  const plans: FactorMethod[][] = [];
  for (let mask = 1; mask < 1 << extra.length; mask += 1) {
    const plan = extra.filter((_, bit) => (mask & (1 << bit)) !== 0);
    const after = new Set([...ctx.proved, ...plan]);
    if (pending.every((r) => isRequirementMet(r, after))) plans.push(plan);
  }
  const smallest = Math.min(...plans.map((p) => p.length));
  return plans.filter((p) => p.length === smallest);
}

export const SIGN_IN_CHECKS: readonly SignInCheck[] = [
  {
    // Before any other check, so the first screen looks the same for every user with a password,
    // disabled or not, with or without other methods: the username step reveals nothing.
    name: 'askPasswordFirst',
    run: (ctx) => {
      const { user, settings } = ctx.facts;
      const tapFirst = settings.tapFirst && ctx.usable.has('tap');
      return !ctx.opened && user.hasPassword && !tapFirst
        ? { kind: 'ask', method: 'password', alternatives: [] }
        : undefined;
    },
  },
  {
    name: 'checkAccountEnabled',
    run: (ctx) => (isAccountEnabled(ctx.facts.user) ? undefined : refuse('accountDisabled', ctx)),
  },
  {
    name: 'checkNotBlocked',
    run: (ctx) => {
      const block = ctx.facts.requirements.find((r) => r.require === 'block');
      if (block === undefined) return undefined;
      return refuse('blockedByPolicy', ctx, block.source === 'conditionalAccess' ? block.policyId : undefined);
    },
  },
  {
    // Users without a password (passwordless onboarding), or Entra's pass-first flow.
    name: 'askFirstFactor',
    run: (ctx) => {
      if (ctx.opened) return undefined;
      const openers = [...ctx.usable].filter((m) => FACTOR_TRAITS[m].firstFactor);
      return ask(openers, ctx.facts.settings.preferredMethod) ?? refuse('noUsableMethod', ctx);
    },
  },
  {
    name: 'meetRequirements',
    run: (ctx) => {
      const pending = outstanding(ctx);
      if (pending.length === 0) return undefined;
      const plans = minimalPlans(ctx, pending);
      // Ask for the preferred method of the plans; the first methods of other plans are alternatives.
      const step = ask(
        plans.flatMap((plan) => plan.slice(0, 1)),
        ctx.facts.settings.preferredMethod,
      );
      if (step !== undefined) return step;
      const onlyMfa = pending.every((r) => r.require === 'mfa');
      const blame = pending.find((r) => r.source === 'conditionalAccess');
      const policyId = blame?.source === 'conditionalAccess' ? blame.policyId : undefined;
      return refuse(onlyMfa ? 'mfaRequiredNoMethod' : 'strengthRequiredNoMethod', ctx, policyId);
    },
  },
  {
    // Only after every factor: replacing a password is itself sensitive, and a pass or passkey
    // sign-in did not use the password at all.
    name: 'askPasswordChange',
    run: (ctx) =>
      ctx.facts.user.forceChangePassword === true && ctx.proved.has('password')
        ? { kind: 'changePassword' }
        : undefined,
  },
  {
    name: 'complete',
    run: (ctx) => {
      const amr = amrFor(ctx.fresh);
      const authTime = new Date(Math.max(...ctx.fresh.map((f) => f.at.getTime())));
      return { kind: 'done', amr, acr: acrFor(amr), authTime, methods: [...new Set(ctx.fresh.map((f) => f.method))] };
    },
  },
];

function usableMethods(facts: SignInFacts): Set<FactorMethod> {
  const usable = new Set<FactorMethod>();
  if (facts.user.hasPassword) usable.add('password');
  for (const method of facts.methods) {
    if (method.kind !== 'tap' || method.usable) usable.add(method.kind);
  }
  return usable;
}

function buildContext(facts: SignInFacts): SignInContext {
  const maxAgeMs = (facts.settings.factorMaxAgeSeconds ?? DEFAULT_FACTOR_MAX_AGE_SECONDS) * 1000;
  const fresh = facts.verified.filter((f) => facts.now.getTime() - f.at.getTime() <= maxAgeMs);
  return {
    facts,
    fresh,
    proved: new Set(fresh.map((f) => f.method)),
    usable: usableMethods(facts),
    opened: fresh.some((f) => FACTOR_TRAITS[f.method].firstFactor),
  };
}

/** Runs the checks in order; the first that has something to say decides. */
export function nextStep(facts: SignInFacts): SignInStep {
  const ctx = buildContext(facts);
  for (const check of SIGN_IN_CHECKS) {
    const step = check.run(ctx);
    if (step !== undefined) return step;
  }
  // Unreachable: 'complete' always answers.
  throw new Error('sign-in pipeline ended without a step');
}
