// Bearer-token authentication for the Graph API: verifies our RS256 JWTs and turns them into the principal that
// `authorize` decides on, plus the actor the audit log names. App tokens (client credentials) carry Graph
// permissions in `roles`; delegated tokens carry `scp` and act with the signed-in user's roles.

import type { FastifyRequest } from 'fastify';
import { errors as joseErrors, importJWK, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { userActor, type Actor } from '../../domain/audit.js';
import type { Principal } from '../../domain/authz/authorize.js';
import type { RoleDefinition } from '../../domain/authz/permissions.js';
import { AppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { storeOutage } from '../../services/store-outage.js';
import type { Deps } from '../../services/deps.js';
import { loadRoleDefinitions } from '../../services/guard.js';
import { passSignInStillHolds } from '../../services/tap-sessions.js';
import {
  applicationAuthority,
  findTokenApplication,
  findTokenUser,
  listVerificationKeys,
} from '../../services/token-subjects.js';

/** The audience of every token the Graph API accepts, as Entra issues them for Graph. */
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

export interface GraphCaller {
  principal: Principal;
  actor: Actor;
  /** The sign-in behind a user token (amr, auth_time), for the /me step-up rule; absent on app tokens. */
  signIn?: { amr: string[]; authTime: number | undefined };
  /** Built-in and enabled custom role definitions, read for this request (services/guard.ts). */
  roleDefinitions?: ReadonlyMap<string, RoleDefinition>;
}

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * Public keys by kid. A kid we do not know makes us re-read the store (coalesced: one query however many
 * requests wait), so a key added by another process is picked up at once; known keys never change.
 */
export class SigningKeyCache {
  private keys = new Map<string, VerifyKey>();
  private reloading: Promise<void> | undefined;

  constructor(private readonly deps: Pick<Deps, 'db' | 'clock' | 'config'>) {}

  async get(kid: string | undefined): Promise<VerifyKey | undefined> {
    if (kid === undefined) return undefined;
    const known = this.keys.get(kid);
    if (known) return known;
    await (this.reloading ??= this.reload().finally(() => (this.reloading = undefined)));
    return this.keys.get(kid);
  }

  private async reload(): Promise<void> {
    const rows = await listVerificationKeys(this.deps);
    const next = new Map<string, VerifyKey>();
    for (const row of rows) {
      const jwk = JSON.parse(row.publicJwk) as Record<string, unknown>;
      next.set(row.kid, this.keys.get(row.kid) ?? (await importJWK({ ...jwk, alg: row.alg }, row.alg)));
    }
    this.keys = next;
  }
}

/** The refusals of a token that does not hold (401 InvalidAuthenticationToken), each with fixed words. */
type TokenRefusal =
  | 'invalidToken'
  | 'tokenNotBearer'
  | 'tokenExpired'
  | 'tokenNotYetValid'
  | 'tokenInvalidAudience'
  | 'tokenInvalidIssuer'
  | 'tokenUnknownKey'
  | 'tokenNamesNoApplication'
  | 'tokenApplicationGone'
  | 'tokenNamesNoUser'
  | 'tokenUserGone'
  | 'tokenSessionsRevoked'
  | 'tokenClientGone'
  | 'tokenPassEnded'
  | 'tokenWithoutPermissions';

const invalid = (code: TokenRefusal, cause?: unknown) => new AppError(code, { cause });

function bearerTokenOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw new AppError('unauthenticated');
  const match = /^Bearer[ ]+([A-Za-z0-9_\-.]+)\s*$/i.exec(header);
  if (!match) throw invalid('tokenNotBearer');
  return match[1]!;
}

function verificationError(e: unknown): AppError {
  if (e instanceof joseErrors.JWTExpired) return invalid('tokenExpired', e);
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return invalid('tokenInvalidAudience', e);
    if (e.claim === 'iss') return invalid('tokenInvalidIssuer', e);
    if (e.claim === 'nbf') return invalid('tokenNotYetValid', e);
    return new AppError('tokenInvalidClaim', { params: { claim: e.claim }, cause: e });
  }
  if (e instanceof joseErrors.JWKSNoMatchingKey) return invalid('tokenUnknownKey', e);
  return invalid('invalidToken', e);
}

const stringClaim = (payload: JWTPayload, name: string): string | undefined => {
  const v = payload[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

/** The sign-in a user token records (amr, auth_time, gp_tap); amr is empty on tokens minted without it. */
export function signInOf(payload: JWTPayload): {
  amr: string[];
  authTime: number | undefined;
  passId: string | undefined;
} {
  const amr = Array.isArray(payload.amr) ? payload.amr.filter((v): v is string => typeof v === 'string') : [];
  return {
    amr,
    authTime: typeof payload.auth_time === 'number' ? payload.auth_time : undefined,
    passId: stringClaim(payload, 'gp_tap'),
  };
}

export function createBearerAuthenticator(deps: Deps): (request: FastifyRequest) => Promise<GraphCaller> {
  const keys = new SigningKeyCache(deps);
  const getKey: JWTVerifyGetKey = async (header) => {
    const key = await keys.get(header.kid);
    if (!key) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  };

  async function appCaller(payload: JWTPayload, ip: string): Promise<GraphCaller> {
    const appId = stringClaim(payload, 'appid') ?? stringClaim(payload, 'azp');
    if (!appId || !isGuid(appId)) throw invalid('tokenNamesNoApplication');
    // The app must still exist: deleting it withdraws its tokens at once.
    const app = await findTokenApplication(deps, appId.toLowerCase());
    if (!app) throw invalid('tokenApplicationGone');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    return {
      principal: {
        kind: 'app',
        appId: app.appId,
        permissions: roles,
        ...(await applicationAuthority(deps, app.servicePrincipalId)),
      },
      actor: {
        kind: 'app',
        appId: app.appId,
        displayName: app.displayName,
        servicePrincipalId: app.servicePrincipalId,
        ipAddress: ip,
      },
    };
  }

  async function userCaller(payload: JWTPayload, ip: string): Promise<GraphCaller> {
    const oid = stringClaim(payload, 'oid') ?? stringClaim(payload, 'sub');
    if (!oid || !isGuid(oid)) throw invalid('tokenNamesNoUser');
    const found = await findTokenUser(deps, oid.toLowerCase());
    const user = found?.user;
    if (!found || !user?.accountEnabled) throw invalid('tokenUserGone');
    // revokeSignInSessions, a password reset or disabling moved sessions_valid_from past the token's issue time.
    // Whole seconds, as iat is: revocation moves the instant past the current second (services/sessions.ts).
    if (typeof payload.iat !== 'number' || payload.iat < Math.floor(user.sessionsValidFrom.getTime() / 1000))
      throw invalid('tokenSessionsRevoked');
    // The app the token was issued to must still exist: deleting it withdraws its users' tokens too (as appCaller).
    const appId = stringClaim(payload, 'appid') ?? stringClaim(payload, 'azp');
    if (!appId || !isGuid(appId) || !(await findTokenApplication(deps, appId.toLowerCase())))
      throw invalid('tokenClientGone');
    // A token from a pass sign-in ends with that pass: deleted, replaced or ended, the token is refused.
    const signIn = signInOf(payload);
    if (signIn.amr.includes('tap')) {
      const holds =
        signIn.authTime !== undefined &&
        (await passSignInStillHolds(
          deps.db,
          user.id,
          { amr: signIn.amr, authTime: signIn.authTime, passId: signIn.passId },
          deps.clock.now(),
        ));
      if (!holds) throw invalid('tokenPassEnded');
    }
    const scopes = (stringClaim(payload, 'scp') ?? '').split(' ').filter(Boolean);
    const roles = found.roles;
    return {
      principal: {
        kind: 'user',
        userId: user.id,
        scopes,
        roles: roles.map((r) => ({ roleTemplateId: r.roleDefinitionId, directoryScopeId: r.directoryScopeId })),
        // Administrative actions need a multi-factor sign-in (authorize's multiFactorRequired).
        mfa: signIn.amr.includes('mfa'),
      },
      actor: userActor(user, ip),
      signIn: { amr: signIn.amr, authTime: signIn.authTime },
    };
  }

  return async (request) => {
    const token = bearerTokenOf(request);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: deps.config.issuer,
        audience: GRAPH_AUDIENCE,
        algorithms: ['RS256'],
        currentDate: deps.clock.now(),
        clockTolerance: 30,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      if (e instanceof AppError) throw e;
      // The signing keys come from the store: its outage is a 503 to retry, not a token to throw away. Only jose's
      // own refusals say the token does not hold; anything else is ours to report.
      const outage = storeOutage(e);
      if (outage) throw outage;
      if (!(e instanceof joseErrors.JOSEError)) throw e;
      throw verificationError(e);
    }
    const withRoles = async (caller: GraphCaller): Promise<GraphCaller> => ({
      ...caller,
      roleDefinitions: await loadRoleDefinitions(deps.db),
    });
    if (payload.idtyp === 'app' || (payload.scp === undefined && Array.isArray(payload.roles)))
      return withRoles(await appCaller(payload, request.ip));
    if (typeof payload.scp === 'string') return withRoles(await userCaller(payload, request.ip));
    throw invalid('tokenWithoutPermissions');
  };
}
