// After a registration from Security info retired the user's pass: the browser's provider session, which ended with the
// pass's other sessions, is saved again resting on the new method, so that the user's apps keep single sign-on.

import { amrAfterRetirement } from '../domain/tap/retire.js';
import type { BrowserSession } from '../oidc/index.js';
import type { RetiredPass } from '../services/pass-retirement.js';

export async function keepBrowserSession(
  browser: BrowserSession,
  userId: string,
  retired: RetiredPass | undefined,
): Promise<void> {
  // Only the user's own session, and only one that rested on the pass: another one was not ended by the retirement.
  if (!retired || browser.accountId !== userId || !browser.amr.includes('tap')) return;
  await browser.rebase(amrAfterRetirement(browser.amr, retired.methodAmr));
}
