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
