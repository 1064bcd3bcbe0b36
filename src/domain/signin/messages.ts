// User-facing texts for sign-in refusals; the reason code is what logs and tests match on.
import type { SignInRefusal, TapUsabilityReason } from './types.js';

const ASK_HELPDESK_FOR_TAP =
  'Ask your helpdesk for a Temporary Access Pass, sign in with it, and then set up a sign-in method at Security info.';

export const REFUSAL_MESSAGES: Readonly<Record<SignInRefusal, string>> = {
  accountDisabled: 'Your account has been disabled. Contact your administrator.',
  blockedByPolicy: 'Your organisation does not allow this sign-in. Contact your administrator.',
  // Gatepass never lets someone who only knows the password add a second factor (Entra would
  // offer registration here): that would hand the account to whoever stole the password.
  mfaRequiredNoMethod: `Your organisation requires a second sign-in method, and you have none set up. ${ASK_HELPDESK_FOR_TAP}`,
  strengthRequiredNoMethod: `Your organisation requires a stronger sign-in method than you have set up. ${ASK_HELPDESK_FOR_TAP}`,
  noUsableMethod: `You have no sign-in method you can use. ${ASK_HELPDESK_FOR_TAP}`,
};

/** Why a pass the user holds cannot be used, prefixed to the refusal so they know what to ask for. */
export const TAP_UNUSABLE_MESSAGES: Readonly<Record<Exclude<TapUsabilityReason, 'EnabledByPolicy'>, string>> = {
  Expired: 'Your Temporary Access Pass has expired.',
  NotYetValid: 'Your Temporary Access Pass is not valid yet: try again from the start time you were given.',
  OneTimeUsed: 'Your Temporary Access Pass has already been used.',
  // Entra's wording (ENTRA-REFERENCE §0 fact 23).
  DisabledByPolicy: 'Temporary Access Pass sign in was blocked due to User Credential Policy.',
};
