// Fixed values of the Temporary Access Pass: Entra's hard limits and the Graph names of its policy object.

/** Hard limits Entra documents for every lifetime (10 minutes .. 30 days) and for the pass length. */
export const TAP_LIMITS = Object.freeze({
  minLifetimeMinutes: 10,
  maxLifetimeMinutes: 43_200,
  minLength: 8,
  maxLength: 48,
});

/** Graph's literal include target meaning "every user of the tenant". */
export const ALL_USERS = 'all_users';

export const TAP_CONFIGURATION_ODATA_TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration';
export const TAP_CONFIGURATION_ID = 'TemporaryAccessPass';
/** `@odata.type` a Graph SDK may put on each target it serialises. */
export const INCLUDE_TARGET_ODATA_TYPE = '#microsoft.graph.authenticationMethodTarget';
export const EXCLUDE_TARGET_ODATA_TYPE = '#microsoft.graph.excludeTarget';

/**
 * Which screen a user with a usable pass sees after the username. A Gatepass extension, not an Entra
 * property: 'passwordFirst' is the how-to's flow (password, then the pass as the second factor, so the
 * username step reveals nothing); 'tapFirst' is Entra's current flow (the pass right after the username).
 */
export type TapSignInFlow = 'passwordFirst' | 'tapFirst';
export const TAP_SIGN_IN_FLOWS: readonly TapSignInFlow[] = Object.freeze(['passwordFirst', 'tapFirst']);

/**
 * Graph name of the sign-in flow extension property. Prefixed so that it can never collide with a
 * property Microsoft adds later; Graph clients ignore properties they do not know.
 */
export const SIGN_IN_FLOW_PROPERTY = 'gatepassSignInFlow';

/**
 * What a pass is for, a Gatepass extension: 'setup' opens Security info and nothing else (the user registers a
 * method, then signs in to apps with it); 'access' signs in to every app for the pass's lifetime, as in Entra.
 */
export type TapPurpose = 'setup' | 'access';
export const TAP_PURPOSES: readonly TapPurpose[] = Object.freeze(['setup', 'access']);

/** Graph name of the pass's purpose (on temporaryAccessPassAuthenticationMethod). */
export const PURPOSE_PROPERTY = 'gatepassPurpose';
/** Graph name of the policy's default purpose for a user who has a password. */
export const DEFAULT_PURPOSE_PROPERTY = 'gatepassDefaultPurpose';
/** Graph name of the policy switch that removes a pass once the user has registered a method that replaces it. */
export const RETIRE_PROPERTY = 'gatepassRetireAfterRegistration';
/**
 * Graph names of the retry-tolerant one-time pass: with it on, a one-time pass is used up by a completed registration
 * or at the end of its registration window (in minutes, from its first use), not by its first sign-in.
 */
export const ONE_TIME_RETRY_PROPERTY = 'gatepassOneTimeRetry';
export const REGISTRATION_WINDOW_PROPERTY = 'gatepassRegistrationWindowInMinutes';
/** Entra's 10 minutes by default; at most an hour, so a lost one-time pass never stays open long. */
export const REGISTRATION_WINDOW_LIMITS = Object.freeze({ min: 5, max: 60, default: 10 });
/**
 * Graph name of the "This wasn't me" extension property: whether the account holder is mailed when a pass is issued
 * to them and at its first use. Holders of an admin role are notified whatever it says.
 */
export const NOTIFY_ACCOUNT_HOLDER_PROPERTY = 'gatepassNotifyAccountHolder';
