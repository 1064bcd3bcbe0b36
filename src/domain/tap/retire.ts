// When a pass is no longer needed: the user has registered a method that, with what they already hold, completes a
// multi-factor sign-in without the pass (today's tenant strength; Conditional Access strengths come later). And what
// the session that registered it becomes: a normal session backed by the new method instead of the pass.

import { canCompleteMultiFactor, isMultiFactor, methodOfAmr } from '../signin/factors.js';
import type { FactorMethod } from '../signin/types.js';

export interface RetirementFacts {
  /** The policy's gatepassRetireAfterRegistration. */
  readonly enabled: boolean;
  /** The user's methods after the registration, the pass left out: password, authenticator app, passkey. */
  readonly methodsWithoutPass: ReadonlySet<FactorMethod>;
}

/**
 * Whether to retire the pass now. An authenticator app alone never does for a user without a password: its code
 * cannot open a sign-in, so the pass is still their only way in.
 */
export function passNoLongerNeeded(facts: RetirementFacts): boolean {
  return facts.enabled && canCompleteMultiFactor(facts.methodsWithoutPass);
}

/**
 * The amr of the session that registered `registered` (its amr value: otp, swk or hwk), once the pass it used is
 * retired: the pass's value replaced by the new method's, "mfa" kept only if still multi-factor. Registering proved
 * the method (a code from the app, or a passkey ceremony with user verification), so the session rests on it.
 */
export function amrAfterRetirement(amr: readonly string[], registered: string): string[] {
  const values = [...new Set([...amr.filter((v) => v !== 'tap' && v !== 'mfa'), registered])];
  const methods = values.map(methodOfAmr).filter((m): m is FactorMethod => m !== undefined);
  return isMultiFactor(methods) ? [...values, 'mfa'] : values;
}
