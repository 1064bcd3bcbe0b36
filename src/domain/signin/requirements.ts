// Policy sources and the test of whether proved methods meet a requirement.
import { isMultiFactor } from './factors.js';
import type { FactorMethod, PolicyRequirement } from './types.js';

/**
 * The first policy source. Security defaults ask every interactive sign-in for a second factor;
 * Entra's "when necessary" risk judgement for ordinary users is not reproduced — always is safer.
 */
export function securityDefaultsRequirements(enabled: boolean): PolicyRequirement[] {
  return enabled ? [{ source: 'securityDefaults', require: 'mfa' }] : [];
}

/** Whether the methods proved so far meet one (non-block) requirement. A block is never met. */
export function isRequirementMet(requirement: PolicyRequirement, proved: ReadonlySet<FactorMethod>): boolean {
  const need = requirement.require;
  if (need === 'block') return false;
  if (need === 'mfa') return isMultiFactor(proved);
  // A strength is met when every method of one allowed combination was proved; extra methods do no harm.
  return need.strength.combinations.some(
    (combination) => combination.length > 0 && combination.every((method) => proved.has(method)),
  );
}
