// Applications (OIDC clients): create, list, delete, add and remove secrets — audited, secrets shown once.

import { FIRST_PARTY_APPS } from '../domain/first-party-apps.js';
import { randomBytes } from 'node:crypto';
import type { AuditEntry, TargetResource } from '../domain/audit.js';
import { APPLICATION_PERMISSION_NAMES, GRAPH_PERMISSIONS } from '../domain/authz/permissions.js';
import { AppError, ensure } from '../domain/errors.js';
import { isGuid, newId } from '../domain/ids.js';
import { secretsEqual } from '../domain/secrets.js';
import type { DbOrTx } from '../store/db.js';
import {
  createApplicationsRepo,
  type ApplicationMetadata,
  type ApplicationRecord,
  type ApplicationSecretRecord,
  type SecretValidity,
} from '../store/repos/applications.js';
import { audited } from './audited.js';
import type { Deps, RequestContext } from './deps.js';

export type { ApplicationMetadata, ApplicationRecord } from '../store/repos/applications.js';

export interface CreateApplicationInput {
  displayName: string;
  kind: 'daemon' | 'web';
  permissions?: string[];
  redirectUris?: string[];
  requireConsent?: boolean;
  secretLifetimeDays?: number;
}

export interface NewSecret {
  keyId: string;
  /** Shown once; only its keyed hash is stored. */
  secretText: string;
  hint: string;
  startDateTime: string;
  endDateTime: string;
}

/** Entra's default for a new client secret is 180 days; the portal allows up to 24 months. */
const DEFAULT_SECRET_DAYS = 180;
const MAX_SECRET_DAYS = 730;

/** The client id of Gatepass's own /my pages: a fixed id, so every process and restart agrees on it. */
export const MY_APP_CLIENT_ID = FIRST_PARTY_APPS.my.clientId;
export const MY_APP_DISPLAY_NAME = FIRST_PARTY_APPS.my.displayName;

function appTarget(
  app: { id: string; displayName: string | null },
  modified: TargetResource['modifiedProperties'] = [],
): TargetResource {
  return { id: app.id, displayName: app.displayName, type: 'App', modifiedProperties: modified };
}

function validateRedirectUri(uri: string, index: number): string {
  const target = `redirectUris[${index}]`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new AppError('redirectUriNotAbsolute', { target, params: { uri } });
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  ensure(url.protocol === 'https:' || (url.protocol === 'http:' && loopback), 'redirectUriNotHttps', {
    target,
    params: { uri },
  });
  ensure(!url.hash, 'redirectUriHasFragment', { target, params: { uri } });
  return url.href;
}

function validateInput(input: CreateApplicationInput): { permissions: string[]; redirectUris: string[] } {
  const name = typeof input.displayName === 'string' ? input.displayName.trim() : '';
  ensure(name.length >= 1 && name.length <= 120, 'applicationNameLength', { target: 'displayName' });
  ensure(input.kind === 'daemon' || input.kind === 'web', 'applicationKindInvalid', { target: 'kind' });
  const permissions = [...new Set(input.permissions ?? [])];
  for (const p of permissions)
    if (!APPLICATION_PERMISSION_NAMES.includes(p))
      throw Object.hasOwn(GRAPH_PERMISSIONS, p)
        ? new AppError('permissionDelegated', { target: 'permissions', params: { permission: p } })
        : new AppError('permissionUnknown', {
            target: 'permissions',
            params: { permission: p, known: APPLICATION_PERMISSION_NAMES },
          });
  const redirectUris = (input.redirectUris ?? []).map(validateRedirectUri);
  if (input.kind === 'daemon') ensure(permissions.length > 0, 'daemonNeedsPermission', { target: 'permissions' });
  else ensure(redirectUris.length > 0, 'webNeedsRedirectUri', { target: 'redirectUris' });
  return { permissions, redirectUris };
}

function lifetimeDays(value: number | undefined, target: string): number {
  const days = value ?? DEFAULT_SECRET_DAYS;
  ensure(Number.isInteger(days) && days >= 1 && days <= MAX_SECRET_DAYS, 'lifetimeDaysRange', {
    target,
    params: { property: target, max: MAX_SECRET_DAYS },
  });
  return days;
}

function makeSecret(
  deps: Deps,
  applicationId: string,
  days: number,
  displayName: string | null,
): { row: ApplicationSecretRecord; shown: NewSecret } {
  const now = deps.clock.now();
  const secretText = randomBytes(32).toString('base64url'); // 256 random bits
  const end = new Date(now.getTime() + days * 86_400_000);
  const keyId = newId();
  const hint = secretText.slice(0, 3); // Entra shows the first three characters
  return {
    row: {
      keyId,
      applicationId,
      secretHash: deps.keyring.keyedHash('client-secret-hash', secretText),
      hint,
      displayName,
      startAt: now,
      endAt: end,
      createdAt: now,
    },
    shown: { keyId, secretText, hint, startDateTime: now.toISOString(), endDateTime: end.toISOString() },
  };
}

/** By object id, client id, or display name (refused when the name is ambiguous). */
async function resolveApplication(db: DbOrTx, appIdOrName: string): Promise<ApplicationRecord> {
  const repo = createApplicationsRepo(db);
  const key = String(appIdOrName ?? '').trim();
  if (isGuid(key)) {
    const found =
      (await repo.findApplicationByAppId(key.toLowerCase())) ?? (await repo.findApplicationById(key.toLowerCase()));
    if (found) return found;
  }
  const byName = await repo.findApplicationsByDisplayName(key);
  ensure(byName.length <= 1, 'applicationNameAmbiguous', { target: 'application', params: { name: key } });
  ensure(byName[0], 'applicationNotFound', { target: 'application', params: { name: key } });
  return byName[0];
}

export async function getApplication(deps: Pick<Deps, 'db'>, appIdOrName: string): Promise<ApplicationRecord> {
  return resolveApplication(deps.db, appIdOrName);
}

/** By client id only (what oidc-provider and the sign-in pages know); undefined when there is none. */
export async function findApplicationByClientId(
  deps: Pick<Deps, 'db'>,
  clientId: string,
): Promise<ApplicationMetadata | undefined> {
  return isGuid(clientId)
    ? createApplicationsRepo(deps.db).findApplicationMetadataByAppId(clientId.toLowerCase())
    : undefined;
}

export async function listApplications(deps: Pick<Deps, 'db'>): Promise<ApplicationRecord[]> {
  return createApplicationsRepo(deps.db).listApplications();
}

export async function createApplication(
  deps: Deps,
  ctx: RequestContext,
  input: CreateApplicationInput,
): Promise<{ app: ApplicationRecord; secret: NewSecret }> {
  const refusal: AuditEntry = {
    activityDisplayName: 'Add application',
    category: 'ApplicationManagement',
    loggedByService: 'Core Directory',
    operationType: 'Add',
    targetResources: [
      { id: '00000000-0000-0000-0000-000000000000', displayName: String(input?.displayName ?? ''), type: 'App' },
    ],
  };
  return audited(deps, ctx, refusal, async (tx, record) => {
    const { permissions, redirectUris } = validateInput(input);
    const days = lifetimeDays(input.secretLifetimeDays, 'secretLifetimeDays');
    const repo = createApplicationsRepo(tx);
    const now = deps.clock.now();
    const id = newId();
    await repo.insertApplication({
      id,
      appId: newId(),
      displayName: input.displayName.trim(),
      kind: input.kind,
      redirectUris,
      postLogoutRedirectUris: redirectUris.map((u) => `${new URL(u).origin}/`),
      permissions,
      requireConsent: input.requireConsent === true,
      servicePrincipalId: newId(),
      createdAt: now,
    });
    const { row, shown } = makeSecret(deps, id, days, 'Created with the application');
    await repo.insertSecret(row);
    const app = (await repo.findApplicationById(id))!;
    await record({
      activityDisplayName: 'Add application',
      category: 'ApplicationManagement',
      loggedByService: 'Core Directory',
      operationType: 'Add',
      targetResources: [
        appTarget(app, [
          { displayName: 'AppId', oldValue: null, newValue: JSON.stringify(app.appId) },
          { displayName: 'Kind', oldValue: null, newValue: JSON.stringify(app.kind) },
          { displayName: 'Permissions', oldValue: null, newValue: JSON.stringify(app.permissions) },
          { displayName: 'RedirectUris', oldValue: null, newValue: JSON.stringify(app.redirectUris) },
        ]),
      ],
    });
    await record(secretEntry(app, 'Add', shown.keyId));
    return { app, secret: shown };
  });
}

function secretEntry(app: { id: string; displayName: string | null }, op: 'Add' | 'Delete', keyId: string): AuditEntry {
  return {
    activityDisplayName: 'Update application – Certificates and secrets management',
    category: 'ApplicationManagement',
    loggedByService: 'Core Directory',
    operationType: 'Update',
    targetResources: [
      appTarget(app, [
        {
          displayName: 'KeyDescription',
          oldValue: op === 'Delete' ? JSON.stringify(keyId) : null,
          newValue: op === 'Add' ? JSON.stringify(keyId) : null,
        },
      ]),
    ],
    additionalDetails: [{ key: 'Action', value: op === 'Add' ? 'Secret added' : 'Secret removed' }],
  };
}

export async function deleteApplication(deps: Deps, ctx: RequestContext, appIdOrName: string): Promise<void> {
  const refusal: AuditEntry = {
    activityDisplayName: 'Delete application',
    category: 'ApplicationManagement',
    loggedByService: 'Core Directory',
    operationType: 'Delete',
    targetResources: [{ id: String(appIdOrName ?? ''), displayName: null, type: 'App' }],
  };
  await audited(deps, ctx, refusal, async (tx, record) => {
    const app = await resolveApplication(tx, appIdOrName);
    ensure(app.kind !== 'builtin', 'builtInApplicationNotDeletable', { target: 'application' });
    await createApplicationsRepo(tx).deleteApplication(app.id);
    // Its tokens die with it: oidc-provider refuses every token whose client no longer exists.
    await record({ ...refusal, targetResources: [appTarget(app)] });
  });
}

export async function addApplicationSecret(
  deps: Deps,
  ctx: RequestContext,
  appIdOrName: string,
  input: { displayName?: string; lifetimeDays?: number } = {},
): Promise<NewSecret> {
  return audited(
    deps,
    ctx,
    () => secretEntry({ id: String(appIdOrName ?? ''), displayName: null }, 'Add', ''),
    async (tx, record) => {
      const app = await resolveApplication(tx, appIdOrName);
      ensure(app.kind !== 'builtin', 'builtInApplicationHasNoSecrets', { target: 'application' });
      const days = lifetimeDays(input.lifetimeDays, 'lifetimeDays');
      const name = input.displayName?.trim() || null;
      ensure(name === null || name.length <= 120, 'secretNameLength', { target: 'displayName' });
      const { row, shown } = makeSecret(deps, app.id, days, name);
      const repo = createApplicationsRepo(tx);
      await repo.insertSecret(row);
      await repo.touchApplication(app.id, deps.clock.now());
      await record(secretEntry(app, 'Add', shown.keyId));
      return shown;
    },
  );
}

export async function removeApplicationSecret(
  deps: Deps,
  ctx: RequestContext,
  appIdOrName: string,
  keyId: string,
): Promise<void> {
  await audited(
    deps,
    ctx,
    () => secretEntry({ id: String(appIdOrName ?? ''), displayName: null }, 'Delete', String(keyId ?? '')),
    async (tx, record) => {
      const app = await resolveApplication(tx, appIdOrName);
      const repo = createApplicationsRepo(tx);
      ensure(await repo.deleteSecret(app.id, String(keyId ?? '').toLowerCase()), 'secretNotFound', {
        target: 'keyId',
        params: { keyId: String(keyId) },
      });
      await repo.touchApplication(app.id, deps.clock.now());
      await record(secretEntry(app, 'Delete', keyId));
    },
  );
}

/** The hashes of the secrets valid at `now` (epoch ms): from their start, until (not at) their end. */
export const validSecretHashes = (secrets: readonly SecretValidity[], now: number): string[] =>
  secrets.filter((s) => s.startAt <= now && now < s.endAt).map((s) => s.hash);

const plausibleSecret = (presented: unknown): presented is string =>
  typeof presented === 'string' && presented.length > 0 && presented.length <= 512;

/**
 * Client authentication: whether `presented` is a secret whose keyed hash is one of `stored`. Every pair is compared
 * in constant time (no early exit), under every key the keyring holds, so a rotation locks no app out.
 */
export function matchesSecretHash(deps: Pick<Deps, 'keyring'>, stored: readonly string[], presented: string): boolean {
  if (!plausibleSecret(presented)) return false;
  const candidates = deps.keyring.keyedHashCandidates('client-secret-hash', presented);
  let match = false;
  for (const s of stored) for (const c of candidates) match = secretsEqual(s, c) || match;
  return match;
}

/** Creates Gatepass's built-in clients (/my, /admin) once each (idempotent under concurrent starts). */
export async function ensureBuiltinApplications(db: DbOrTx, now: Date): Promise<void> {
  for (const app of Object.values(FIRST_PARTY_APPS))
    await createApplicationsRepo(db).insertApplication({
      id: newId(),
      appId: app.clientId,
      displayName: app.displayName,
      kind: 'builtin',
      // Redirect URIs follow the issuer: the provider derives them from the app's base path (oidc/provider.ts).
      redirectUris: [],
      postLogoutRedirectUris: [],
      permissions: [],
      requireConsent: false,
      servicePrincipalId: newId(),
      createdAt: now,
    });
}

/** Graph's application resource, with Gatepass's permissions as an extension property. */
export function toGraphApplication(app: ApplicationRecord): Record<string, unknown> {
  return {
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    createdDateTime: app.createdAt.toISOString(),
    signInAudience: 'AzureADMyOrg',
    passwordCredentials: app.secrets.map((s) => ({
      keyId: s.keyId,
      displayName: s.displayName,
      hint: s.hint,
      startDateTime: s.startAt.toISOString(),
      endDateTime: s.endAt.toISOString(),
      secretText: null,
      customKeyIdentifier: null,
    })),
    web: { redirectUris: app.redirectUris, logoutUrl: null },
    requiredResourceAccess: [],
    gatepassKind: app.kind,
    gatepassPermissions: app.permissions,
    gatepassRequireConsent: app.requireConsent,
    gatepassServicePrincipalId: app.servicePrincipalId,
  };
}
