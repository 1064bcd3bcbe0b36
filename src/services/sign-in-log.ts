// Writes one sign-in log row per interactive attempt, in its own committed write (never inside a rolled-back change).

import { newId } from '../domain/ids.js';
import { createSignInsRepo, type SignInMethodUse } from '../store/repos/sign-ins.js';
import type { Deps } from './deps.js';

export interface SignInAttempt {
  correlationId: string;
  ipAddress: string | null;
  userAgent: string | null;
  app: { appId: string; displayName: string };
  user: { id: string | null; userPrincipalName: string | null; displayName: string | null };
  errorCode: number;
  failureReason: string | null;
  methods: SignInMethodUse[];
  requirement?: 'singleFactorAuthentication' | 'multiFactorAuthentication';
}

export async function logSignIn(deps: Pick<Deps, 'db' | 'clock' | 'log'>, a: SignInAttempt): Promise<void> {
  await createSignInsRepo(deps.db).insertSignIn({
    id: newId(),
    createdAt: deps.clock.now(),
    userId: a.user.id,
    userPrincipalName: a.user.userPrincipalName,
    userDisplayName: a.user.displayName,
    appId: a.app.appId,
    appDisplayName: a.app.displayName,
    ipAddress: a.ipAddress,
    clientAppUsed: 'Browser',
    userAgent: a.userAgent ? a.userAgent.slice(0, 512) : null,
    correlationId: a.correlationId,
    isInteractive: true,
    errorCode: a.errorCode,
    failureReason: a.failureReason,
    methods: a.methods,
    authenticationRequirement: a.requirement ?? 'singleFactorAuthentication',
    conditionalAccessStatus: 'notApplied',
  });
  deps.log.info(
    { correlationId: a.correlationId, userId: a.user.id, appId: a.app.appId, errorCode: a.errorCode },
    'sign-in attempt',
  );
}

/** What a refused step shows under "Troubleshooting details": the sign-in log row's own code, correlation id and time. */
export interface SignInTroubleshooting {
  errorCode: number;
  correlationId: string;
  at: Date;
}

/**
 * The failed sign-in this request logged, if any. Read back from the log rather than carried along, so what the user
 * quotes to the helpdesk is exactly what the helpdesk finds (Graph: `signIns?$filter=correlationId eq '…'`).
 */
export async function troubleshootingOf(
  deps: Pick<Deps, 'db'>,
  correlationId: string,
): Promise<SignInTroubleshooting | undefined> {
  const rows = await createSignInsRepo(deps.db).findSignInsByCorrelationId(correlationId);
  const failed = rows.filter((r) => r.errorCode !== 0).at(-1);
  return failed && { errorCode: failed.errorCode, correlationId: failed.correlationId, at: failed.createdAt };
}
