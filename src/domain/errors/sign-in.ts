// Refusals of the interactive sign-in: each with the sign-in log's error code (AADSTS codes; the 901xx codes are
// Gatepass's own, as Entra documents none for these cases, and each names one situation so the log can be searched
// by it), the error page's title and the words the user reads. The status is the page's (or the JSON answer's).

import { REFUSAL_MESSAGES } from '../signin/messages.js';
import { redemptionMessage } from '../tap/redemption-messages.js';
import { defineErrors } from './spec.js';

/** The throttle's words: `tried` names the failures ("wrong passwords"), `wait` the seconds to wait. */
const tooMany = (p: { tried: string; wait: number }) =>
  `Too many ${p.tried}. Wait ${p.wait} second${p.wait === 1 ? '' : 's'} and try again.`;
const ENDED = 'This sign-in has ended. Go back to the application and start again.';

export const signInErrors = defineErrors({
  signInWrongCredentials: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 50126,
    message:
      "Your account or password is incorrect. If you don't remember your password, ask your helpdesk to reset it.",
  },
  signInThrottled: {
    status: 429,
    graphCode: 'TooManyRequests',
    signInErrorCode: 50053,
    title: 'Too many attempts',
    message: tooMany,
  },
  /**
   * A throttled attempt from a browser unfamiliar with the user, whose user-wide count of failures has reached the
   * lock-out (the longest back-off). Browsers where the user signed in before are counted apart and not affected.
   * The user reads the throttle's page; the log records this code.
   */
  signInLockedOut: {
    status: 429,
    graphCode: 'TooManyRequests',
    signInErrorCode: 90140,
    title: 'Too many attempts',
    message: tooMany,
  },
  signInAccountDisabled: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 50057,
    title: 'Your account is disabled',
    message: REFUSAL_MESSAGES.accountDisabled,
  },
  signInBlockedByPolicy: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 53003,
    title: 'You cannot sign in yet',
    message: REFUSAL_MESSAGES.blockedByPolicy,
  },
  signInMfaRequiredNoMethod: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 50079,
    title: 'You cannot sign in yet',
    message: REFUSAL_MESSAGES.mfaRequiredNoMethod,
  },
  signInStrengthRequiredNoMethod: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 50079,
    title: 'You cannot sign in yet',
    message: REFUSAL_MESSAGES.strengthRequiredNoMethod,
  },
  signInNoUsableMethod: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 50079,
    title: 'You cannot sign in yet',
    message: REFUSAL_MESSAGES.noUsableMethod,
  },
  /** A second account was given in an interaction already bound to another one. */
  signInOtherAccount: {
    status: 400,
    graphCode: 'invalid_request',
    signInErrorCode: 90100,
    title: 'Start again',
    message: 'This sign-in was started for another account. Go back to the application and start again.',
  },
  /** The interaction's state expired or ended. */
  signInEnded: {
    status: 400,
    graphCode: 'interaction_ended',
    signInErrorCode: 90101,
    title: 'Sign-in ended',
    message: ENDED,
  },
  /** The interaction cookie is gone or names another interaction (the page expired, or another browser). */
  signInPageExpired: {
    status: 400,
    graphCode: 'interaction_ended',
    signInErrorCode: 90101,
    title: 'Sign-in expired',
    message:
      'This sign-in page has expired or was opened in another browser. Go back to the application and start again.',
  },
  signInInvalidCsrf: {
    status: 403,
    graphCode: 'invalid_csrf_token',
    title: 'Request refused',
    message: 'The form was not sent from this sign-in page. Go back and try again.',
  },
  signInOptionsInvalidCsrf: {
    status: 403,
    graphCode: 'invalid_csrf_token',
    message: 'The request was not sent from this sign-in page. Reload it and try again.',
  },
  signInOptionsEnded: { status: 400, graphCode: 'invalid_request', message: ENDED },
  signInPasskeyModeInvalid: {
    status: 400,
    graphCode: 'invalid_request',
    message: 'mode must be "user" or "discoverable".',
  },
  signInUsernameFirst: { status: 409, graphCode: 'invalid_request', message: 'Enter your username first.' },
  /** A factor was posted that this step of the sign-in did not ask for (e.g. a pass before the password). */
  signInFactorNotAsked: {
    status: 409,
    graphCode: 'invalid_request',
    signInErrorCode: 90102,
    message: 'That sign-in method is not available at this step. Continue with the one shown.',
  },
  signInTapWrong: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 90110,
    message: 'That Temporary Access Pass is not correct. Check it (it is case-sensitive) and sign in again.',
  },
  /** The user holds no pass any more (deleted or replaced). */
  signInTapNoLongerValid: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90111,
    title: 'Temporary Access Pass no longer valid',
    message: redemptionMessage('noPass'),
  },
  signInTapNotYetValid: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90112,
    title: 'Temporary Access Pass not valid yet',
    message: redemptionMessage('notYetValid'),
  },
  signInTapExpired: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90113,
    title: 'Temporary Access Pass expired',
    message: redemptionMessage('expired'),
  },
  signInTapUsed: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90114,
    title: 'Temporary Access Pass already used',
    message: redemptionMessage('used'),
  },
  /** A retry-tolerant one-time pass whose registration window ended before a registration (its own code). */
  signInTapWindowOver: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90117,
    title: 'Temporary Access Pass already used',
    message: redemptionMessage('windowOver'),
  },
  /** Entra: "Temporary Access Pass sign in was blocked due to User Credential Policy". */
  signInTapBlockedByPolicy: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90115,
    title: 'Temporary Access Pass blocked',
    message: redemptionMessage('disabledByPolicy'),
  },
  /** The holder reported the pass as not theirs ("This wasn't me"): it never works again. */
  signInTapDisputed: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90116,
    title: 'Temporary Access Pass reported',
    message: redemptionMessage('disputed'),
  },
  signInAuthenticatorCodeWrong: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 90120,
    message: 'That code is not correct. Enter the code your authenticator app shows now.',
  },
  /** A right authenticator code whose time step was already used (a replay). */
  signInAuthenticatorCodeReplayed: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 90121,
    message: 'That code was already used. Wait until your authenticator app shows a new code, then enter the new one.',
  },
  /** The passkey's signature, origin, relying party or user verification did not check out. */
  signInPasskeyInvalid: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 90130,
    message:
      'The passkey could not be verified. Your device must confirm it is you (PIN, fingerprint or face). Try again.',
  },
  /** The passkey is not registered here (deleted, or registered for another relying party). */
  signInPasskeyNotRegistered: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 90131,
    message: 'That passkey is not registered here. Use another passkey, or sign in another way.',
  },
  /** The passkey belongs to another account than the one signing in (or its user handle does not match). */
  signInPasskeyOtherUser: {
    status: 401,
    graphCode: 'invalid_grant',
    signInErrorCode: 90132,
    message: 'That passkey belongs to another account. Use your own passkey, or sign in another way.',
  },
  /** The passkey's signature counter did not increase — possibly a cloned authenticator. */
  signInPasskeyCounterRegressed: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90133,
    title: 'Passkey refused',
    message: 'This passkey was refused because it may have been copied. Sign in another way and tell your helpdesk.',
  },
  /** The passkey answer was malformed. */
  signInPasskeyMalformed: {
    status: 400,
    graphCode: 'invalid_request',
    signInErrorCode: 90134,
    message: 'The passkey answer was not valid. Try again.',
  },
  /** The passkey's challenge expired or was already used. */
  signInPasskeyChallenge: {
    status: 400,
    graphCode: 'invalid_request',
    signInErrorCode: 90134,
    message: 'This passkey request expired. Try again.',
  },
  /**
   * A session whose strong factor was a set-up pass (gatepassPurpose 'setup') asked for an app other than Security
   * info. The session stays: the page links to Security info, where it is welcome.
   */
  signInSetupOnly: {
    status: 403,
    graphCode: 'access_denied',
    signInErrorCode: 90150,
    title: 'Finish setting up a sign-in method first',
    message:
      'You signed in with a Temporary Access Pass that is for setting up a sign-in method only. Add an authenticator app or a passkey in Security info, then sign in to this app with it.',
  },
} as const);

export type SignInErrorKind = keyof typeof signInErrors;

/** The entries that end a sign-in on an error page: those with a page title. */
export type SignInRefusalPage = {
  [K in SignInErrorKind]: (typeof signInErrors)[K] extends { title: string } ? K : never;
}[SignInErrorKind];
