// The one rule of a set-up pass: a sign-in whose strong factor was a pass for setting up methods reaches Security info
// and nothing else, until a method of the user's own replaces the pass.

import { FIRST_PARTY_APPS } from '../first-party-apps.js';
import type { TapPurpose } from './constants.js';

/** The app a set-up pass opens: Gatepass My Account, whose Security info registers methods. */
export const SETUP_APP_CLIENT_ID = FIRST_PARTY_APPS.my.clientId;

/**
 * Whether a sign-in is limited to setting up methods: it used a pass (amr "tap"), and the pass the user holds, which
 * is the one it used while the sign-in holds at all (pass-sessions.ts), is for set-up. A password proved beside the
 * pass changes nothing: the pass was the strong factor.
 */
export function isSetupOnlySignIn(amr: readonly string[] | undefined, passPurpose: TapPurpose | undefined): boolean {
  return amr?.includes('tap') === true && passPurpose === 'setup';
}

/** oidc-provider's prompt for such a sign-in asking for another app: the interaction page (/signin/:uid) explains. */
export const SETUP_ONLY_PROMPT = 'gatepass_setup_only';

/** Whether such a sign-in may be answered for this app. */
export const setupSignInMayReach = (clientId: string): boolean => clientId === SETUP_APP_CLIENT_ID;
