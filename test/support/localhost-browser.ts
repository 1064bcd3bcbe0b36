// The set-up shared by browser tests that need WebAuthn: a server whose issuer (and so rpID) is http://localhost:PORT
// (browsers refuse passkeys on an IP address), headless Chromium, and a web app known to openid-client by discovery.

import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import type { Deps } from '../../src/services/deps.js';
import type { Dialect } from './databases.js';
import { startTestServer, type TestServer } from './runtime.js';
import { createWebApp, launchChromium } from './sign-in-fixtures.js';

export interface LocalhostBrowser {
  server: TestServer;
  deps: Deps;
  /** The issuer, http://localhost:PORT: where the browser goes. */
  origin: string;
  browser: Browser;
  /** The web app, as openid-client's relying party. */
  rp: client.Configuration;
  redirectUri: string;
  /** The web app's display name, as the sign-in log names it. */
  appName: string;
  /** Closes the browser, then the server (and drops its database). */
  close(): Promise<void>;
}

export async function startLocalhostBrowser(dialect: Dialect): Promise<LocalhostBrowser> {
  const server = await startTestServer(dialect, {}, undefined, { publicHost: 'localhost' });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
  };
  try {
    const origin = server.publicUrl;
    const deps = server.runtime.deps;
    browser = await launchChromium();
    const redirectUri = `${origin}/rp-callback`;
    const web = await createWebApp(deps, redirectUri);
    const rp = await client.discovery(new URL(origin), web.app.appId, web.secret.secretText, undefined, {
      execute: [client.allowInsecureRequests],
    });
    return { server, deps, origin, browser, rp, redirectUri, appName: web.app.displayName, close };
  } catch (e) {
    await close();
    throw e;
  }
}
