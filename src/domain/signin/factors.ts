// What each factor proves: its amr value (RFC 8176), its NIST category, and the acr that results.
import type { FactorMethod, VerifiedFactor } from './types.js';

type Category = 'knowledge' | 'possession';

interface FactorTraits {
  readonly category: Category;
  /** Counts as multi-factor alone: a TAP (Entra treats it as strong auth) or a passkey with user verification. */
  readonly multiFactor: boolean;
  /** May open a sign-in; an authenticator app code only ever follows another factor. */
  readonly firstFactor: boolean;
}

export const FACTOR_TRAITS: Readonly<Record<FactorMethod, FactorTraits>> = {
  password: { category: 'knowledge', multiFactor: false, firstFactor: true },
  tap: { category: 'knowledge', multiFactor: true, firstFactor: true },
  authenticatorApp: { category: 'possession', multiFactor: false, firstFactor: false },
  // WebAuthn with userVerification "required": the key (possession) unlocked by PIN or biometrics.
  passkey: { category: 'possession', multiFactor: true, firstFactor: true },
};

/** ID-token acr values. Gatepass's own URNs: Entra documents none that fits. */
export const ACR_PASSWORD = 'urn:gatepass:acr:pwd';
export const ACR_MFA = 'urn:gatepass:acr:mfa';

/** RFC 8176 values; "tap" is a Gatepass extension (Entra documents no amr for a pass). */
function amrValue(factor: VerifiedFactor): string {
  switch (factor.method) {
    case 'password':
      return 'pwd';
    case 'tap':
      return 'tap';
    case 'authenticatorApp':
      return 'otp';
    case 'passkey':
      return factor.hardwareBound ? 'hwk' : 'swk';
  }
}

/** The method behind an amr value of ours ("mfa" and values of other issuers name none). */
export function methodOfAmr(value: string): FactorMethod | undefined {
  const methods: Readonly<Record<string, FactorMethod>> = {
    pwd: 'password',
    tap: 'tap',
    otp: 'authenticatorApp',
    hwk: 'passkey',
    swk: 'passkey',
  };
  return Object.hasOwn(methods, value) ? methods[value] : undefined;
}

/** Multi-factor when one method is multi-factor by itself or two different categories were proved. */
export function isMultiFactor(methods: Iterable<FactorMethod>): boolean {
  const categories = new Set<Category>();
  for (const method of methods) {
    const traits = FACTOR_TRAITS[method];
    if (traits.multiFactor) return true;
    categories.add(traits.category);
  }
  return categories.size >= 2;
}

/** The amr claim: each method's value once, in the order proved, then "mfa" when it was multi-factor. */
export function amrFor(factors: readonly VerifiedFactor[]): string[] {
  const values = [...new Set(factors.map(amrValue))];
  return isMultiFactor(factors.map((f) => f.method)) ? [...values, 'mfa'] : values;
}

export function acrFor(amr: readonly string[]): string {
  return amr.includes('mfa') ? ACR_MFA : ACR_PASSWORD;
}

/**
 * Whether a user holding these usable methods can still complete a multi-factor sign-in: some method opens the
 * sign-in and together they are multi-factor (a pass or passkey alone; a password with an authenticator app).
 */
export function canCompleteMultiFactor(usable: ReadonlySet<FactorMethod>): boolean {
  return [...usable].some((m) => FACTOR_TRAITS[m].firstFactor) && isMultiFactor(usable);
}
