// Refusals of the authentication-method endpoints: verbs Graph does not allow on a method collection (405, with
// `Allow`), and a method the CLI was asked to delete that the user does not have.

import { defineErrors } from './spec.js';

const methodNotAllowed = { status: 405, graphCode: 'Request_BadRequest', code: 'methodNotAllowed' } as const;

export const methodErrors = defineErrors({
  passNotUpdatable: {
    ...methodNotAllowed,
    message: 'A Temporary Access Pass cannot be updated; delete it and create a new one.',
  },
  passNotSelfCreatable: {
    ...methodNotAllowed,
    message: 'A Temporary Access Pass cannot be created for yourself; an administrator issues it through /users/{id}.',
  },
  methodsAddedByCollection: {
    ...methodNotAllowed,
    message: 'Methods are added through their own collection, such as temporaryAccessPassMethods.',
  },
  authenticatorAppNotCreatable: {
    ...methodNotAllowed,
    message:
      'An authenticator app is added by the user on Security info (/my/security-info); it cannot be created through Graph.',
  },
  authenticatorAppNotUpdatable: {
    ...methodNotAllowed,
    message: 'An authenticator app cannot be updated; delete it and register a new one.',
  },
  passkeyNotCreatable: {
    ...methodNotAllowed,
    message:
      'A passkey is registered by the user on Security info (/my/security-info); Gatepass does not create passkeys through Graph.',
  },
  passkeyNotUpdatable: {
    ...methodNotAllowed,
    message: 'A passkey cannot be updated through Graph; the user renames it on Security info.',
  },
  passwordMethodNotCreatable: {
    ...methodNotAllowed,
    message: 'A password method cannot be created; set the password through passwordProfile on the user.',
  },
  passwordMethodNotUpdatable: {
    ...methodNotAllowed,
    message: 'A password method cannot be updated or deleted; set the password through passwordProfile on the user.',
  },

  /** `gatepass methods delete` with an id the user holds no app or passkey under. */
  userMethodNotFound: {
    status: 404,
    graphCode: 'Request_ResourceNotFound',
    code: 'notFound',
    message: (p: { user: string; methodId: string }) =>
      `${p.user} has no authenticator app or passkey ${p.methodId}. (A Temporary Access Pass is deleted with \`gatepass tap delete\`.)`,
  },
} as const);

/** The 405 refusals, one per verb a method collection does not allow. */
export type MethodNotAllowedCode = {
  [K in keyof typeof methodErrors]: (typeof methodErrors)[K]['code'] extends 'methodNotAllowed' ? K : never;
}[keyof typeof methodErrors];
