// Fixtures for sign-in and OIDC tests: users with passwords, apps, a headless Chromium, security defaults.

import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { newId } from '../../src/domain/ids.js';
import { createApplication } from '../../src/services/applications.js';
import type { Deps, RequestContext } from '../../src/services/deps.js';
import { setSecurityDefaults } from '../../src/services/security-defaults.js';
import type { SignInRequest } from '../../src/services/sign-in/index.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { fetchAppToken } from './tokens.js';

/** A new sign-in interaction (its own uid) from `ip`, as the sign-in pages would describe it to the service. */
export const signInRequest = (ip = '203.0.113.7'): SignInRequest => ({
  uid: randomUUID(),
  correlationId: randomUUID(),
  ipAddress: ip,
  userAgent: 'test',
  app: { appId: 'test-app', displayName: 'Test app' },
});

export const cliContext = (): RequestContext => ({
  actor: { kind: 'cli', osUser: 'test' },
  correlationId: newId(),
  ipAddress: null,
});

/** A directory user with a password (no forced change), inserted through the repository. */
export async function createPasswordUser(deps: Deps, upnLocal: string, password: string): Promise<UserRecord> {
  const now = deps.clock.now();
  const id = newId();
  const upn = `${upnLocal}@${deps.tenant.defaultDomain}`;
  await createUsersRepo(deps.db).insertUser({
    id,
    userPrincipalName: upn,
    displayName: upnLocal[0]!.toUpperCase() + upnLocal.slice(1),
    mailNickname: upnLocal,
    givenName: null,
    surname: null,
    jobTitle: null,
    mail: null,
    userType: 'Member',
    accountEnabled: true,
    passwordHash: await deps.hasher.hash(password),
    passwordChangedAt: now,
    forceChangePassword: false,
    sessionsValidFrom: new Date(now.getTime() - 1000),
    createdAt: now,
  });
  return (await createUsersRepo(deps.db).findUserById(id))!;
}

export async function createWebApp(deps: Deps, redirectUri: string) {
  return createApplication(deps, cliContext(), {
    displayName: 'Test web app',
    kind: 'web',
    redirectUris: [redirectUri],
  });
}

export async function createDaemonApp(
  deps: Deps,
  permissions = ['User.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
) {
  return createApplication(deps, cliContext(), { displayName: 'Test daemon', kind: 'daemon', permissions });
}

/** A new daemon app (createDaemonApp) and its Graph token from the token endpoint of the server at `origin`. */
export async function daemonAppToken(deps: Deps, origin: string, permissions?: string[]): Promise<string> {
  const { app, secret } = await createDaemonApp(deps, permissions);
  return fetchAppToken(origin, app.appId, secret.secretText);
}

export const securityDefaults = (deps: Deps, on: boolean) => setSecurityDefaults(deps, cliContext(), on);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
