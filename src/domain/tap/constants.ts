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
 * Graph name of the "This wasn't me" extension property: whether the account holder is mailed when a pass is issued
 * to them and at its first use. Holders of an admin role are notified whatever it says.
 */
export const NOTIFY_ACCOUNT_HOLDER_PROPERTY = 'gatepassNotifyAccountHolder';
