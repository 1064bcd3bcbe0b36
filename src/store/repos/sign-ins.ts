// The sign-in log: one row per interactive attempt, success or failure, in Graph's signIn shape.

import type { Insertable, Selectable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { bool, int } from '../db.js';
import { prepared, rowLimit } from '../prepared.js';
import type { SignInsTable } from '../schema.js';

// One row per sign-in attempt: compiled once.
const insertQuery = prepared((db, v: Insertable<SignInsTable>) => db.insertInto('sign_ins').values(v));

export interface SignInMethodUse {
  method: string;
  succeeded: boolean;
  detail?: string;
}

export interface SignInRecord {
  id: string;
  createdAt: Date;
  userId: string | null;
  userPrincipalName: string | null;
  userDisplayName: string | null;
  appId: string | null;
  appDisplayName: string | null;
  ipAddress: string | null;
  clientAppUsed: string;
  userAgent: string | null;
  correlationId: string;
  isInteractive: boolean;
  /** 0 for success, otherwise an AADSTS-style code (50126 wrong credentials, 50053 throttled, 50057 disabled, 50076 MFA). */
  errorCode: number;
  failureReason: string | null;
  methods: SignInMethodUse[];
  authenticationRequirement: 'singleFactorAuthentication' | 'multiFactorAuthentication';
  conditionalAccessStatus: 'success' | 'failure' | 'notApplied';
}

function toRecord(r: Selectable<SignInsTable>): SignInRecord {
  return {
    id: r.id,
    createdAt: new Date(r.created_at),
    userId: r.user_id,
    userPrincipalName: r.user_principal_name,
    userDisplayName: r.user_display_name,
    appId: r.app_id,
    appDisplayName: r.app_display_name,
    ipAddress: r.ip_address,
    clientAppUsed: r.client_app_used,
    userAgent: r.user_agent,
    correlationId: r.correlation_id,
    isInteractive: bool(r.is_interactive),
    errorCode: r.error_code,
    failureReason: r.failure_reason,
    methods: JSON.parse(r.methods) as SignInMethodUse[],
    authenticationRequirement:
      r.authentication_requirement === 'multiFactorAuthentication'
        ? 'multiFactorAuthentication'
        : 'singleFactorAuthentication',
    conditionalAccessStatus:
      r.conditional_access_status === 'success' || r.conditional_access_status === 'failure'
        ? r.conditional_access_status
        : 'notApplied',
  };
}

export function createSignInsRepo(db: DbOrTx) {
  return {
    async insertSignIn(s: SignInRecord): Promise<void> {
      await insertQuery(db, {
        id: s.id,
        created_at: s.createdAt.getTime(),
        user_id: s.userId,
        user_principal_name: s.userPrincipalName,
        user_display_name: s.userDisplayName,
        app_id: s.appId,
        app_display_name: s.appDisplayName,
        ip_address: s.ipAddress,
        client_app_used: s.clientAppUsed,
        user_agent: s.userAgent,
        correlation_id: s.correlationId,
        is_interactive: int(s.isInteractive),
        error_code: s.errorCode,
        failure_reason: s.failureReason,
        methods: JSON.stringify(s.methods),
        authentication_requirement: s.authenticationRequirement,
        conditional_access_status: s.conditionalAccessStatus,
      });
    },

    async findSignInsByCorrelationId(correlationId: string): Promise<SignInRecord[]> {
      const rows = await db
        .selectFrom('sign_ins')
        .selectAll()
        .where('correlation_id', '=', correlationId)
        .orderBy('created_at')
        .execute();
      return rows.map(toRecord);
    },

    async listRecentSignIns(limit: number): Promise<SignInRecord[]> {
      const rows = await db
        .selectFrom('sign_ins')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(rowLimit(limit))
        .execute();
      return rows.map(toRecord);
    },
  };
}

/** Graph's signIn resource (ENTRA-REFERENCE §7.3), for /auditLogs/signIns. */
export function toGraphSignIn(s: SignInRecord): Record<string, unknown> {
  return {
    id: s.id,
    createdDateTime: s.createdAt.toISOString(),
    userDisplayName: s.userDisplayName,
    userPrincipalName: s.userPrincipalName,
    userId: s.userId ?? '00000000-0000-0000-0000-000000000000',
    appId: s.appId,
    appDisplayName: s.appDisplayName,
    ipAddress: s.ipAddress,
    clientAppUsed: s.clientAppUsed,
    userAgent: s.userAgent,
    correlationId: s.correlationId,
    conditionalAccessStatus: s.conditionalAccessStatus,
    appliedConditionalAccessPolicies: [],
    isInteractive: s.isInteractive,
    deviceDetail: {
      browser: null,
      deviceId: '',
      displayName: null,
      isCompliant: false,
      isManaged: false,
      operatingSystem: null,
      trustType: null,
    },
    location: { city: null, state: null, countryOrRegion: null, geoCoordinates: null },
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
    resourceDisplayName: null,
    resourceId: null,
    status: {
      errorCode: s.errorCode,
      failureReason: s.failureReason ?? (s.errorCode === 0 ? null : 'Other.'),
      additionalDetails: null,
    },
    // Beta-only properties Entra shows in the portal; Gatepass serves them in v1.0 too.
    authenticationRequirement: s.authenticationRequirement,
    authenticationMethodsUsed: s.methods.filter((m) => m.succeeded).map((m) => m.method),
    authenticationDetails: s.methods.map((m) => ({
      authenticationMethod: m.method,
      succeeded: m.succeeded,
      authenticationStepResultDetail: m.detail ?? defaultStepDetail(m.method, m.succeeded),
    })),
  };
}

/** Entra's step details when the service gave none: the password's own wording, the second factors' common one. */
function defaultStepDetail(method: string, succeeded: boolean): string {
  if (method === 'Password')
    return succeeded ? 'Correct password' : 'Invalid username or password or Invalid on-premise username or password.';
  return succeeded ? 'MFA successfully completed' : 'Authentication failed';
}

/** A stored row as a SignInRecord, for the filtered, paged listing (audit-query.ts). */
export const toSignInRecord = toRecord;
