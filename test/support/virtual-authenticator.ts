// Chromium's virtual WebAuthn authenticator over CDP, for passkey flows in a real browser (WebAuthn needs a domain:
// start the server with publicHost 'localhost' so that the relying party id is "localhost").

import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

/** One tab with a platform authenticator that verifies the user (as a PIN or fingerprint would). */
export async function withAuthenticator(
  context: BrowserContext,
): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { page, cdp, authenticatorId };
}

export async function credentialsOf(cdp: CDPSession, authenticatorId: string): Promise<VirtualCredential[]> {
  return ((await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] })
    .credentials;
}
