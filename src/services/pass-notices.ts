// "This wasn't me": a notice to the account holder when a pass is issued and at its first use (shown on /my, and
// mailed to their verified email when SMTP is configured), and the dispute its single-use link makes.

import { randomBytes } from 'node:crypto';
import { jsonValue, userActor, userTarget, type AuditEntry } from '../domain/audit.js';
import { BUILT_IN_ROLES } from '../domain/authz/built-in-roles.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  DISPUTE_LINK_LIFETIME_MS,
  disputeLinkState,
  disputePath,
  isDisputeToken,
} from '../domain/mail/dispute-link.js';
import { renderDisputeAlert, renderPassNotice, type PassNoticeKind } from '../domain/mail/pass-notice.js';
import type { TapRecord } from '../domain/tap/pass.js';
import type { DbOrTx } from '../store/db.js';
import { createEmailMethodsRepo } from '../store/repos/email-methods.js';
import { createPassNoticesRepo, type PassNotice } from '../store/repos/pass-notices.js';

export type { PassNotice };
import { createRoleAssignmentsRepo } from '../store/repos/role-assignments.js';
import { createRoleDefinitionsRepo } from '../store/repos/role-definitions.js';
import { createTemporaryAccessPassesRepo, type IssuerSnapshot } from '../store/repos/temporary-access-passes.js';
import { createTenantRepo } from '../store/repos/tenant.js';
import type { UserRecord } from '../store/repos/users.js';
import { createUsersRepo } from '../store/repos/users.js';
import { audited } from './audited.js';
import type { Deps, RequestContext } from './deps.js';
import { enqueueMail } from './mail/outbox.js';
import { endSessionsStartedWithPass } from './tap-sessions.js';
import { getTapPolicy } from './tap-policy.js';

/** The display names of a user's directory roles, built-in or custom; empty when they hold none. */
async function roleNamesOf(db: DbOrTx, userId: string): Promise<string[]> {
  const roleIds = new Set(
    (await createRoleAssignmentsRepo(db).listRoleAssignmentsOf(userId)).map((a) => a.roleDefinitionId),
  );
  const names = new Set<string>();
  for (const id of roleIds) {
    const builtIn = BUILT_IN_ROLES.get(id)?.displayName;
    if (builtIn) names.add(builtIn);
  }
  const customIds = [...roleIds].filter((id) => !BUILT_IN_ROLES.has(id));
  for (const role of await createRoleDefinitionsRepo(db).findRoleDefinitionsByIds(customIds))
    names.add(role.displayName);
  return [...names].sort();
}

/** How the mail names the issuer's role: their directory roles, or what kind of caller they were. */
async function issuerRoleOf(db: DbOrTx, issuer: IssuerSnapshot): Promise<string> {
  switch (issuer.kind) {
    case 'user': {
      const roles = issuer.id ? await roleNamesOf(db, issuer.id) : [];
      return roles.length > 0 ? roles.join(', ') : 'user without an admin role';
    }
    case 'app':
      return 'application';
    case 'cli':
      return 'server command line';
    default:
      return 'Gatepass';
  }
}

const passEnd = (pass: TapRecord) => new Date(pass.startAt.getTime() + pass.lifetimeMinutes * 60_000);

/**
 * Records a notice for `pass` in the caller's transaction, and queues its mail when the user has a verified email and
 * SMTP is configured. Skipped only when the policy turns notices off and the user holds no admin role.
 */
export async function recordPassNotice(
  tx: DbOrTx,
  deps: Pick<Deps, 'keyring' | 'clock' | 'config'>,
  user: Pick<UserRecord, 'id' | 'userPrincipalName'>,
  pass: TapRecord & { issuedBy: IssuerSnapshot },
  kind: PassNoticeKind,
): Promise<void> {
  const [policy, adminRoles] = await Promise.all([getTapPolicy(tx), roleNamesOf(tx, user.id)]);
  if (!policy.notifyAccountHolder && adminRoles.length === 0) return;
  const now = deps.clock.now();
  const token = randomBytes(32).toString('base64url');
  const notice = {
    id: newId(),
    tokenHash: deps.keyring.keyedHash('id-hash', token),
    userId: user.id,
    passId: pass.id,
    kind,
    issuerDisplayName: pass.issuedBy.displayName,
    issuerRole: await issuerRoleOf(tx, pass.issuedBy),
    passStartAt: pass.startAt,
    passEndAt: passEnd(pass),
    createdAt: now,
    expiresAt: new Date(now.getTime() + DISPUTE_LINK_LIFETIME_MS),
  };
  await createPassNoticesRepo(tx).insertNotice(notice);
  const email = await createEmailMethodsRepo(tx).findEmailMethodOfUser(user.id);
  if (!email || !deps.config.smtpUrl) return;
  const mail = renderPassNotice({
    kind,
    userPrincipalName: user.userPrincipalName,
    issuerDisplayName: notice.issuerDisplayName,
    issuerRole: notice.issuerRole,
    startAt: notice.passStartAt,
    endAt: notice.passEndAt,
    linkExpiresAt: notice.expiresAt,
    disputeUrl: `${deps.config.issuer}${disputePath(token)}`,
  });
  await enqueueMail(tx, deps, {
    kind: kind === 'issued' ? 'pass_issued' : 'pass_first_used',
    to: email.emailAddress,
    ...mail,
    passId: pass.id,
    userId: user.id,
  });
}

/** The notice a link names, for its confirmation page (a GET changes nothing); the refusal names no one. */
export async function findDisputableNotice(
  deps: Pick<Deps, 'db' | 'keyring' | 'clock'>,
  token: string,
): Promise<PassNotice> {
  const notice = await findByToken(deps, token);
  if (!notice) throw new AppError('disputeLinkUnknown');
  const state = disputeLinkState(notice, deps.clock.now());
  if (state === 'used') throw new AppError('disputeLinkUsed');
  if (state === 'expired') throw new AppError('disputeLinkExpired');
  return notice;
}

function disputeEntry(user: UserRecord | undefined, notice: PassNotice | undefined): AuditEntry {
  const properties = notice
    ? [
        { displayName: 'TemporaryAccessPass.Id', oldValue: null, newValue: jsonValue(notice.passId) },
        { displayName: 'TemporaryAccessPass.IssuedBy', oldValue: null, newValue: jsonValue(notice.issuerDisplayName) },
      ]
    : [];
  return {
    activityDisplayName: 'Temporary Access Pass disputed by user',
    category: 'UserManagement',
    loggedByService: 'Authentication Methods',
    operationType: 'Other',
    resultReason: 'Temporary Access Pass disputed by user',
    targetResources: [user ? userTarget(user, properties) : { id: 'unknown', displayName: null, type: 'User' }],
  };
}

/**
 * The dispute: marks the pass's notices used (once), marks the pass disputed if it is still held (it never signs in
 * again), ends every session and
 * refresh token it started, audits, and queues mail to the tenant's security contacts. Signs nobody in.
 */
async function disputeNotice(
  deps: Deps,
  request: Pick<RequestContext, 'correlationId' | 'ipAddress' | 'userAgent'>,
  notice: PassNotice | undefined,
): Promise<{ revoked: boolean }> {
  const holder = notice ? await createUsersRepo(deps.db).findUserById(notice.userId) : undefined;
  const actor = holder
    ? userActor(holder, request.ipAddress)
    : { kind: 'anonymous' as const, ipAddress: request.ipAddress };
  return audited(deps, { ...request, actor }, disputeEntry(holder, notice), async (tx, record) => {
    if (!notice || !holder) throw new AppError('disputeLinkUnknown');
    const now = deps.clock.now();
    const state = disputeLinkState(notice, now);
    if (state === 'expired') throw new AppError('disputeLinkExpired');
    // Consumed in this transaction, so of two clicks racing exactly one disputes.
    if (state === 'used' || !(await createPassNoticesRepo(tx).consumeNoticesOfPass(notice.passId, now)))
      throw new AppError('disputeLinkUsed');
    // Marked rather than deleted: the pass can never sign in again, and the admin's diagnosis names the dispute.
    const revoked = await createTemporaryAccessPassesRepo(tx).markPassDisputed(notice.passId, holder.id, now);
    await endSessionsStartedWithPass(tx, deps, holder.id);
    await record(disputeEntry(holder, notice));
    if (deps.config.smtpUrl) {
      const alert = renderDisputeAlert({
        userPrincipalName: holder.userPrincipalName,
        userDisplayName: holder.displayName,
        passId: notice.passId,
        issuerDisplayName: notice.issuerDisplayName,
        issuerRole: notice.issuerRole,
        disputedAt: now,
      });
      for (const to of await createTenantRepo(tx).findSecurityContacts())
        await enqueueMail(tx, deps, { kind: 'pass_disputed', to, ...alert, passId: notice.passId, userId: holder.id });
    }
    return { revoked };
  });
}

const findByToken = (deps: Pick<Deps, 'db' | 'keyring'>, token: string) =>
  isDisputeToken(token)
    ? createPassNoticesRepo(deps.db).findNoticeByTokenHash(deps.keyring.keyedHashCandidates('id-hash', token))
    : Promise.resolve(undefined);

/** The link from the mail (POST from its confirmation page): whoever holds the token, signed in or not. */
export async function disputePassByLink(
  deps: Deps,
  request: Pick<RequestContext, 'correlationId' | 'ipAddress' | 'userAgent'>,
  token: string,
): Promise<{ revoked: boolean }> {
  return disputeNotice(deps, request, await findByToken(deps, token));
}

/** The button on /my: the signed-in user disputes one of their own notices; another user's is unknown to them. */
export async function disputePassFromMy(
  deps: Deps,
  request: Pick<RequestContext, 'correlationId' | 'ipAddress' | 'userAgent'>,
  userId: string,
  noticeId: string,
): Promise<{ revoked: boolean }> {
  const notice = await createPassNoticesRepo(deps.db).findNotice(noticeId);
  return disputeNotice(deps, request, notice?.userId === userId ? notice : undefined);
}

/** Notices a signed-in user can still dispute, newest first, for /my. */
export function listOpenNotices(deps: Pick<Deps, 'db' | 'clock'>, userId: string): Promise<PassNotice[]> {
  return createPassNoticesRepo(deps.db).listOpenNoticesOfUser(userId, deps.clock.now());
}
