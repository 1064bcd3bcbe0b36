// An authenticator app enrolled through the real registration service, with the TOTP generator that holds its secret,
// for tests (and the bench) whose user must have one before the step under test.

import * as OTPAuth from 'otpauth';
import type { AuthenticatorAppRecord } from '../../src/store/repos/authenticator-apps.js';
import {
  beginAuthenticatorAppRegistration,
  confirmAuthenticatorAppRegistration,
} from '../../src/services/authenticator-apps.js';
import type { Deps, RequestContext } from '../../src/services/deps.js';
import type { RegisteringSession } from '../../src/services/pass-retirement.js';

export interface EnrolledApp {
  app: AuthenticatorAppRecord;
  totp: OTPAuth.TOTP;
  /** The secret as the QR code carries it, for tests that look for it where it must not be. */
  secretBase32: string;
  /** The code of the current time step by `deps.clock`. */
  codeNow(): string;
}

/** Registers an app for `user` and confirms it with a code of the current step (which is then spent). */
export async function enrolAuthenticatorApp(
  deps: Deps,
  ctx: RequestContext,
  user: Parameters<typeof beginAuthenticatorAppRegistration>[1],
  displayName = 'Phone',
  /** The Security info session registering it (kept if the registration retires the pass it signed in with). */
  session?: RegisteringSession,
): Promise<EnrolledApp> {
  const pending = beginAuthenticatorAppRegistration(deps, user);
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(pending.secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
  const codeNow = () => totp.generate({ timestamp: deps.clock.now().getTime() });
  const app = await confirmAuthenticatorAppRegistration(deps, ctx, user, {
    token: pending.token,
    code: codeNow(),
    displayName,
    ...(session ? { session } : {}),
  });
  return { app, totp, secretBase32: pending.secretBase32, codeNow };
}
