// @simplewebauthn/server, loaded on the first passkey ceremony rather than at start-up: it and its ASN.1 and COSE
// dependencies take about 20 MiB of a server that may never see a passkey.

export type WebAuthnServer = typeof import('@simplewebauthn/server');

let loading: Promise<WebAuthnServer> | undefined;

export function webauthnServer(): Promise<WebAuthnServer> {
  loading ??= import('@simplewebauthn/server');
  return loading;
}
