// Shapes the sign-in pipeline reads (SignInFacts) and returns (SignInStep).

/**
 * Every way of proving identity the pipeline knows, by its internal name (Graph's names stay at the API). Tables keyed
 * by it are Records, so adding a method makes the compiler name every table to extend.
 */
export type FactorMethod = 'password' | 'tap' | 'authenticatorApp' | 'passkey';

/** A factor the user proved in this interaction, and when. */
export type VerifiedFactor =
  | { readonly method: 'password'; readonly at: Date }
  | { readonly method: 'tap'; readonly at: Date }
  | { readonly method: 'authenticatorApp'; readonly at: Date }
  /** hardwareBound: attested or platform key (amr "hwk") rather than a synced software key ("swk"). */
  | { readonly method: 'passkey'; readonly at: Date; readonly hardwareBound: boolean };

/** Entra's methodUsabilityReason values for a Temporary Access Pass. */
export type TapUsabilityReason = 'EnabledByPolicy' | 'DisabledByPolicy' | 'Expired' | 'NotYetValid' | 'OneTimeUsed';

/**
 * A registered method other than the password. The password is a user attribute (hasPassword),
 * as in Graph where passwordAuthenticationMethod is synthesised for every user that has one.
 */
export type AvailableMethod =
  | { readonly kind: 'tap'; readonly usable: boolean; readonly reason: TapUsabilityReason }
  | { readonly kind: 'authenticatorApp' }
  | { readonly kind: 'passkey' };

export interface SignInUser {
  readonly id: string;
  readonly accountEnabled: boolean;
  readonly hasPassword: boolean;
  /** Set by an administrator's reset: the next password sign-in must choose a new password. */
  readonly forceChangePassword?: boolean;
}

/** Methods that together satisfy an authentication strength (Entra's allowedCombinations). */
export interface AuthenticationStrength {
  readonly id: string;
  readonly displayName: string;
  readonly combinations: readonly (readonly FactorMethod[])[];
}

/** What one policy demands of this sign-in; each policy source produces a list of these. */
export type PolicyRequirement =
  | { readonly source: 'securityDefaults'; readonly require: 'mfa' }
  /** The application asked for a multi-factor sign-in (acr_values), e.g. Security info's step-up. */
  | { readonly source: 'application'; readonly require: 'mfa' }
  | {
      readonly source: 'conditionalAccess';
      readonly policyId: string;
      readonly require: 'mfa' | 'block' | { readonly strength: AuthenticationStrength };
    };

export interface SignInSettings {
  /** Entra's current flow: a usable pass is asked for right after the username, password as the alternative. */
  readonly tapFirst: boolean;
  /** Factors older than this stop counting, so a half-finished sign-in cannot be resumed hours later. */
  readonly factorMaxAgeSeconds?: number;
  /** "Sign in another way": asked first whenever it is one of the methods that would do. */
  readonly preferredMethod?: FactorMethod;
}

export interface SignInFacts {
  readonly user: SignInUser;
  readonly verified: readonly VerifiedFactor[];
  readonly methods: readonly AvailableMethod[];
  readonly requirements: readonly PolicyRequirement[];
  readonly settings: SignInSettings;
  readonly now: Date;
}

export type SignInRefusal =
  | 'accountDisabled'
  | 'blockedByPolicy'
  /** A second factor is required and the user has none: only the helpdesk (a TAP) can help. */
  | 'mfaRequiredNoMethod'
  /** An authentication strength is required that the user's methods cannot meet. */
  | 'strengthRequiredNoMethod'
  /** Nothing the user holds can start a sign-in (no password, no usable pass or passkey). */
  | 'noUsableMethod';

export type SignInStep =
  /** Show the form for `method`; the page may offer the alternatives as "use … instead". */
  | { readonly kind: 'ask'; readonly method: FactorMethod; readonly alternatives: readonly FactorMethod[] }
  /** Fully authenticated, but the password must be replaced before continuing. */
  | { readonly kind: 'changePassword' }
  | {
      readonly kind: 'done';
      readonly amr: readonly string[];
      readonly acr: string;
      readonly authTime: Date;
      /** Methods used, in order, for the sign-in log. */
      readonly methods: readonly FactorMethod[];
    }
  | {
      readonly kind: 'refuse';
      readonly reason: SignInRefusal;
      readonly message: string;
      /** The Conditional Access policy responsible, when there is one. */
      readonly policyId?: string;
    };
