// Refusals when a user registers, renames or removes a sign-in method from Security info (passkeys, authenticator
// apps). The target of each refusal names the form field it is about.

import { defineErrors } from './spec.js';

const NOT_VERIFIED = 'The passkey could not be verified.';

export const registrationErrors = defineErrors({
  // Passkeys
  passkeyUserGone: { status: 404, graphCode: 'Request_ResourceNotFound', message: 'The user no longer exists.' },
  passkeyNotFound: { status: 404, graphCode: 'Request_ResourceNotFound', message: 'No such passkey.' },
  passkeyNameTooLong: {
    status: 400,
    graphCode: 'badRequest',
    message: (p: { max: number }) => `The name can be at most ${p.max} characters.`,
  },
  passkeyNameControlCharacters: {
    status: 400,
    graphCode: 'badRequest',
    message: 'The name cannot contain control characters.',
  },
  passkeyAnswerInvalid: {
    status: 400,
    graphCode: 'badRequest',
    message: 'The passkey answer is missing or not valid. Try again.',
  },
  passkeyRegistrationExpired: {
    status: 400,
    graphCode: 'badRequest',
    message: 'This passkey request expired or was already used. Start again.',
  },
  passkeyNotVerifiedNeedsUserVerification: {
    status: 400,
    graphCode: 'badRequest',
    message: `${NOT_VERIFIED} Your device must confirm it is you (PIN, fingerprint or face). Try again.`,
  },
  passkeyNotVerified: { status: 400, graphCode: 'badRequest', message: `${NOT_VERIFIED} Try again.` },
  passkeyOtherCredential: {
    status: 400,
    graphCode: 'badRequest',
    message: 'The passkey answer names another credential than the one created. Try again.',
  },
  passkeyAlreadyRegistered: {
    status: 409,
    graphCode: 'Request_BadRequest',
    message: 'This passkey is already registered.',
  },

  // Authenticator apps
  authenticatorAppNameInvalid: {
    status: 400,
    graphCode: 'badRequest',
    message: (p: { max: number }) => `Enter a name for the app (at most ${p.max} characters).`,
  },
  authenticatorAppCodeFormat: {
    status: 400,
    graphCode: 'badRequest',
    message: 'Enter the 6-digit code shown in your authenticator app.',
  },
  authenticatorAppWrongCode: {
    status: 400,
    graphCode: 'badRequest',
    message:
      "That code is not correct. Check that you scanned this page's QR code (or typed its key), then enter the code the app shows now.",
  },
  authenticatorAppRegistrationExpired: {
    status: 400,
    graphCode: 'badRequest',
    message: 'This setup has expired. Scan the new QR code and enter the code the app shows.',
  },
  authenticatorAppAlreadyRegistered: {
    status: 409,
    graphCode: 'Request_BadRequest',
    message: 'This authenticator app is already registered.',
  },
} as const);
