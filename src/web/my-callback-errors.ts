// What /my/callback says when the authorization server answers with an error: our own words for each known OAuth
// and OpenID Connect error code, one generic message for anything else. The response's error_description is never
// shown: anyone can send a browser to /my/callback with a description of their choosing (a phishing lie or markup).

/** RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6 error codes, with Gatepass's wording. */
const MESSAGES: Readonly<Record<string, string>> = {
  access_denied: 'The sign-in was cancelled or refused.',
  invalid_request: 'The sign-in request was not valid.',
  unauthorized_client: 'This application may not sign you in this way.',
  unsupported_response_type: 'The sign-in request was not valid.',
  invalid_scope: 'The sign-in asked for permissions that do not exist.',
  server_error: 'Something went wrong on our side during the sign-in.',
  temporarily_unavailable: 'The sign-in service is busy.',
  login_required: 'You need to sign in.',
  interaction_required: 'You need to sign in.',
  consent_required: 'The sign-in needs your consent.',
  account_selection_required: 'You need to choose an account.',
  invalid_request_uri: 'The sign-in request was not valid.',
  invalid_request_object: 'The sign-in request was not valid.',
  request_not_supported: 'The sign-in request was not valid.',
  request_uri_not_supported: 'The sign-in request was not valid.',
  registration_not_supported: 'The sign-in request was not valid.',
};

const GENERIC = 'The sign-in did not complete.';

export interface CallbackErrorText {
  /** The error code when it is a known one, else "unknown_error": a page never repeats arbitrary input. */
  code: string;
  message: string;
}

export function callbackErrorText(error: string): CallbackErrorText {
  const known = Object.hasOwn(MESSAGES, error) ? MESSAGES[error] : undefined;
  return known !== undefined
    ? { code: error, message: `${known} Open /my to try again.` }
    : { code: 'unknown_error', message: `${GENERIC} Open /my to try again.` };
}
