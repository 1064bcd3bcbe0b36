// A user's authentication methods as Security info and Graph's `…/authentication/methods` show them (password,
// pass, authenticator apps, passkeys), and the audited deletion of an authenticator app or a passkey.

import { createEmailMethodsRepo, type EmailMethod } from '../store/repos/email-methods.js';
import { userTarget, type AuditEntry, type ModifiedProperty } from '../domain/audit.js';
import { isGuid } from '../domain/ids.js';
import { createFido2MethodsRepo, type Fido2MethodRecord } from '../store/repos/fido2-methods.js';
import { createAuthenticatorAppsRepo, type AuthenticatorAppRecord } from '../store/repos/authenticator-apps.js';
import { createTemporaryAccessPassesRepo } from '../store/repos/temporary-access-passes.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, checkBeforeNotFound, userAuthzTarget, type GuardedContext } from './guard.js';
import { viewOf, type TapView } from './temporary-access-passes.js';
import { findUserByIdOrUpn, notFoundError } from './user-lookup.js';

const SERVICE = 'Authentication Methods';
const READ = 'microsoft.directory/users/authenticationMethods/standard/restrictedRead';
const DELETE = 'microsoft.directory/users/authenticationMethods/delete';

/** Graph's fixed id of the password method (ENTRA-REFERENCE §3.3). */
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

export type MethodKind = 'softwareOath' | 'fido2';
export type Who = 'Admin' | 'User';

export interface AuthenticationMethods {
  user: UserRecord;
  /** Null when the user has no password (passwordless); `changedAt` is when it was last set. */
  password: { changedAt: Date | null } | null;
  pass: TapView | undefined;
  apps: AuthenticatorAppRecord[];
  passkeys: Fido2MethodRecord[];
  /** The notification email ("This wasn't me" notices), if set. */
  email?: EmailMethod | undefined;
}

/** Graph's softwareOathAuthenticationMethod: the secret is never returned (`secretKey` is always null). */
export function toGraphSoftwareOath(record: AuthenticatorAppRecord): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
    id: record.id,
    createdDateTime: record.createdAt.toISOString(),
    secretKey: null,
  };
}

/**
 * Graph's fido2AuthenticationMethod. `id` is the method's own id, not the WebAuthn credential id (Graph's ids are
 * opaque too). No attestation certificate is kept, so the list is empty; `model` would need the FIDO metadata
 * service to name the AAGUID, which Gatepass does not consult, so it is null.
 */
export function toGraphFido2(record: Fido2MethodRecord): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
    id: record.id,
    displayName: record.displayName,
    createdDateTime: record.createdAt.toISOString(),
    aaGuid: record.aaguid,
    model: null,
    attestationCertificates: [],
    attestationLevel: record.attestationLevel,
    passkeyType: record.deviceType === 'multiDevice' ? 'synced' : 'deviceBound',
  };
}

/** Graph's passwordAuthenticationMethod: fixed id, the password never returned, created = last changed. */
export function toGraphPassword(password: { changedAt: Date | null }): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
    id: PASSWORD_METHOD_ID,
    password: null,
    createdDateTime: password.changedAt?.toISOString() ?? null,
  };
}

/** How Entra names each method in its audit reasons (ENTRA-REFERENCE §7.1), and the prefix of its modified properties. */
const METHOD_NAMES: Record<MethodKind, { reason: string; property: string }> = {
  softwareOath: { reason: 'Software Oath Token method', property: 'SoftwareOathToken' },
  fido2: { reason: 'Fido2 Authentication Method', property: 'Fido2' },
};

/**
 * Entra's "… security info" audit entry for an authenticator app or passkey added or removed, by an administrator
 * ("Admin deleted Software Oath Token method for user") or by the user ("User deleted Fido2 Authentication Method").
 * `key` names the target when the user could not be loaded (a refusal on an unknown user).
 */
export function securityInfoEntry(
  change: 'registered' | 'updated' | 'deleted',
  who: Who,
  kind: MethodKind,
  user: Pick<UserRecord, 'id' | 'displayName' | 'userPrincipalName'> | undefined,
  key: string,
  method?: { id: string; displayName: string },
  previousName?: string,
): AuditEntry {
  const { reason, property } = METHOD_NAMES[kind];
  const empty = JSON.stringify('');
  const values: [string, string][] = method
    ? [
        [`${property}.Id`, method.id],
        [`${property}.DisplayName`, method.displayName],
      ]
    : [];
  const properties: ModifiedProperty[] = values.map(([displayName, value]) =>
    change === 'registered'
      ? { displayName, oldValue: empty, newValue: JSON.stringify(value) }
      : change === 'deleted'
        ? { displayName, oldValue: JSON.stringify(value), newValue: empty }
        : { displayName, oldValue: JSON.stringify(value), newValue: JSON.stringify(value) },
  );
  // A rename: the display name's old and new values.
  if (change === 'updated' && method && previousName !== undefined) {
    const name = properties.find((p) => p.displayName === `${property}.DisplayName`);
    if (name) name.oldValue = JSON.stringify(previousName);
  }
  return {
    activityDisplayName: `${who} ${change} security info`,
    category: 'UserManagement',
    loggedByService: SERVICE,
    operationType: change === 'registered' ? 'Add' : change === 'updated' ? 'Update' : 'Delete',
    resultReason: who === 'Admin' ? `Admin ${change} ${reason} for user` : `User ${change} ${reason}`,
    targetResources: [user ? userTarget(user, properties) : { id: key, displayName: null, type: 'User' }],
  };
}

/** Method ids are GUIDs, compared lower-case like every Graph id; anything else is looked up as given. */
const methodKey = (id: string) => (isGuid(id) ? id.toLowerCase() : id);

/**
 * Every method a user holds, for Graph (`/users/{id}` by an administrator, `/me` by the user) and Security info.
 * Reads need `…/authenticationMethods/standard/restrictedRead` on the user; an unknown user is a 404 only for a
 * caller who could read a member's methods.
 */
export async function listAuthenticationMethods(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  idOrUpn: string,
): Promise<AuthenticationMethods> {
  const user = await findUserByIdOrUpn(deps.db, idOrUpn);
  if (!user) {
    checkBeforeNotFound(ctx, [READ], 'user', idOrUpn);
    throw notFoundError(idOrUpn);
  }
  check(ctx, READ, await userAuthzTarget(deps.db, user.id));
  const [stored, apps, passkeys, email] = await Promise.all([
    createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id),
    createAuthenticatorAppsRepo(deps.db).listOfUser(user.id),
    createFido2MethodsRepo(deps.db).listOfUser(user.id),
    createEmailMethodsRepo(deps.db).findEmailMethodOfUser(user.id),
  ]);
  return {
    user,
    password: user.passwordHash !== null ? { changedAt: user.passwordChangedAt } : null,
    pass: stored ? await viewOf(deps.db, stored, deps.clock.now()) : undefined,
    apps,
    passkeys,
    email,
  };
}

/**
 * Removes one authenticator app or passkey, in one transaction with its audit entry. Needs
 * `…/authenticationMethods/delete` on the user (the `/me` guard lets a user delete their own). An unknown user or
 * method is Graph's 404, and like a refusal it is audited. The next sign-in no longer offers the method.
 */
export async function deleteAuthenticationMethod(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  idOrUpn: string,
  kind: MethodKind,
  methodId: string,
  who: Who,
): Promise<void> {
  let known: UserRecord | undefined;
  await audited(
    deps,
    ctx,
    () => securityInfoEntry('deleted', who, kind, known, idOrUpn),
    async (tx, record) => {
      const user = (known = await findUserByIdOrUpn(tx, idOrUpn));
      if (!user) {
        checkBeforeNotFound(ctx, [DELETE], 'user', idOrUpn);
        throw notFoundError(idOrUpn);
      }
      check(ctx, DELETE, await userAuthzTarget(tx, user.id));
      const id = methodKey(methodId);
      const removed =
        kind === 'softwareOath'
          ? await createAuthenticatorAppsRepo(tx).delete(user.id, id)
          : await createFido2MethodsRepo(tx).delete(user.id, id);
      if (!removed) throw notFoundError(methodId);
      await record(securityInfoEntry('deleted', who, kind, user, idOrUpn, removed));
    },
  );
}
