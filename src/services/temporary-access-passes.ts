// Issuing, listing and revoking Temporary Access Passes (Graph temporaryAccessPassMethods), each an audited use case.
// The pass is generated and hashed outside the write transaction (argon2id must not hold the store's write lock);
// the checks run again inside it, so nothing is decided on stale facts.

import { randomBytes } from 'node:crypto';
import { userTarget, type AuditEntry } from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { generatePass } from '../domain/tap/code.js';
import { isExternalGuest } from '../domain/tap/eligibility.js';
import {
  auditModifiedProperties,
  planIssue,
  usability,
  usabilityContext,
  type IssueRequest,
  type TapRecord,
  type Usability,
} from '../domain/tap/pass.js';
import { PURPOSE_PROPERTY } from '../domain/tap/constants.js';
import { isTapEnabledFor, type TapPolicy } from '../domain/tap/policy.js';
import type { DbOrTx } from '../store/db.js';
import { createGroupsRepo } from '../store/repos/groups.js';
import {
  createTemporaryAccessPassesRepo,
  type IssuerSnapshot,
  type StoredPass,
} from '../store/repos/temporary-access-passes.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited, type RecordAudit } from './audited.js';
import type { Deps, RequestContext } from './deps.js';
import { check, userAuthzTarget, type GuardedContext } from './guard.js';
import { recordPassNotice } from './pass-notices.js';
import { endSessionsStartedWithPass } from './tap-sessions.js';
import { getTapPolicy } from './tap-policy.js';
import { findUserByIdOrUpn, getUserByIdOrUpn, notFoundError } from './user-lookup.js';

const SERVICE = 'Authentication Methods';
const CREATE = 'microsoft.directory/users/authenticationMethods/create';
const DELETE = 'microsoft.directory/users/authenticationMethods/delete';
const READ = 'microsoft.directory/users/authenticationMethods/standard/restrictedRead';

export interface TapView {
  pass: TapRecord;
  usability: Usability;
  issuedBy: IssuerSnapshot;
}

export interface IssuedPass extends TapView {
  /** Shown once, here; never stored, never returned again. */
  temporaryAccessPass: string;
  /** The pass this one replaced, if the user held one. */
  replaced?: { id: string; issuedBy: IssuerSnapshot; createdAt: Date };
}

/** Graph's temporaryAccessPassAuthenticationMethod; the pass itself only in the create response. */
export function toGraphTap(view: TapView, temporaryAccessPass: string | null = null): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    id: view.pass.id,
    temporaryAccessPass,
    createdDateTime: view.pass.createdAt.toISOString(),
    startDateTime: view.pass.startAt.toISOString(),
    lifetimeInMinutes: view.pass.lifetimeMinutes,
    isUsableOnce: view.pass.isUsableOnce,
    isUsable: view.usability.isUsable,
    methodUsabilityReason: view.usability.methodUsabilityReason,
    [PURPOSE_PROPERTY]: view.pass.purpose,
  };
}

function issuerOf(ctx: RequestContext): IssuerSnapshot {
  const a = ctx.actor;
  switch (a.kind) {
    case 'user':
      return { kind: 'user', id: a.id, displayName: a.userPrincipalName };
    case 'app':
      return { kind: 'app', id: a.appId, displayName: a.displayName };
    case 'cli':
      return { kind: 'cli', id: null, displayName: `${a.osUser} (gatepass CLI)` };
    case 'system':
    case 'anonymous':
      return { kind: 'system', id: null, displayName: 'Gatepass' };
  }
}

type Who = 'Admin' | 'User';

type Change = 'registered' | 'deleted';

/** Entra's audit entry for a pass added or removed, by an administrator or by the user themselves (ENTRA-REFERENCE §7.1). */
export function passEntry(
  change: Change,
  who: Who,
  user: Pick<UserRecord, 'id' | 'displayName' | 'userPrincipalName'> | undefined,
  key: string,
  pass?: TapRecord,
): AuditEntry {
  const reasons: Record<Who, string> = {
    Admin: `Admin ${change} temporary access pass method for user`,
    User: `User ${change} temporary access pass method`,
  };
  const properties = pass ? auditModifiedProperties(pass, change === 'registered' ? 'created' : 'deleted') : [];
  return {
    activityDisplayName: `${who} ${change} security info`,
    category: 'UserManagement',
    loggedByService: SERVICE,
    operationType: change === 'registered' ? 'Add' : 'Delete',
    resultReason: reasons[who],
    targetResources: [user ? userTarget(user, properties) : { id: key, displayName: null, type: 'User' }],
  };
}

async function policyContextFor(db: DbOrTx, userId: string): Promise<{ policy: TapPolicy; groups: Set<string> }> {
  const [policy, groups] = await Promise.all([getTapPolicy(db), createGroupsRepo(db).listGroupIdsOf(userId)]);
  return { policy, groups: new Set(groups) };
}

export async function viewOf(db: DbOrTx, pass: StoredPass, now: Date): Promise<TapView> {
  const { policy, groups } = await policyContextFor(db, pass.userId);
  return { pass, usability: usability(pass, usabilityContext(policy, groups, now)), issuedBy: pass.issuedBy };
}

interface IssueChecks {
  user: UserRecord;
  policy: TapPolicy;
  plan: Extract<ReturnType<typeof planIssue>, { ok: true }>;
}

/** Every refusal of Entra's create endpoint, in its order: who, for whom, the policy, then the request itself. */
async function checkIssue(
  db: DbOrTx,
  ctx: GuardedContext,
  idOrUpn: string,
  request: IssueRequest,
  now: Date,
): Promise<IssueChecks> {
  const user = await getUserByIdOrUpn(db, idOrUpn);
  check(ctx, CREATE, await userAuthzTarget(db, user.id));
  if (isExternalGuest(user)) throw new AppError('externalGuestNoPass', { target: 'user' });
  const { policy, groups } = await policyContextFor(db, user.id);
  if (!isTapEnabledFor(policy, groups)) throw new AppError('passPolicyRefusal');
  const plan = planIssue(request, policy, now, { hasPassword: user.passwordHash !== null });
  if (!plan.ok) throw plan.error;
  return { user, policy, plan };
}

/**
 * Issues a pass to a user, replacing the one they hold (recorded as a delete and a create). Concurrent issues for
 * one user queue on the user's row lock, so each replaces the previous one and exactly one pass remains.
 */
export async function issueTemporaryAccessPass(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  request: IssueRequest,
): Promise<IssuedPass> {
  let known: UserRecord | undefined;
  const refusal = () => passEntry('registered', 'Admin', known, idOrUpn);
  // A refusal is decided (and audited) before any argon2id work is spent on it.
  const first = await audited(deps, ctx, refusal, async (tx) => {
    known = await findUserByIdOrUpn(tx, idOrUpn);
    return checkIssue(tx, ctx, idOrUpn, request, deps.clock.now());
  });
  const passText = generatePass(first.plan.length, (n) => randomBytes(n));
  const passHash = await deps.hasher.hash(passText);

  return audited(deps, ctx, refusal, async (tx, record) => {
    const now = deps.clock.now();
    const { user, plan } = await checkIssue(tx, ctx, idOrUpn, request, now);
    const repo = createTemporaryAccessPassesRepo(tx);
    await repo.lockPassesOfUser(user.id);
    const old = await repo.deletePassOfUser(user.id);
    if (old) {
      await endSessionsStartedWithPass(tx, deps, user.id);
      await record(passEntry('deleted', 'Admin', user, idOrUpn, old));
    }
    const stored: StoredPass = {
      id: newId(),
      userId: user.id,
      passHash,
      createdAt: now,
      startAt: plan.startAt,
      lifetimeMinutes: plan.lifetimeMinutes,
      isUsableOnce: plan.isUsableOnce,
      usedAt: null,
      purpose: plan.purpose,
      retryWindowMinutes: plan.retryWindowMinutes,
      usedUpAt: null,
      disputedAt: null,
      issuedBy: issuerOf(ctx),
    };
    await repo.insertPass(stored);
    await record(passEntry('registered', 'Admin', user, idOrUpn, stored));
    await recordPassNotice(tx, deps, user, stored, 'issued');
    const view = await viewOf(tx, stored, now);
    return {
      ...view,
      temporaryAccessPass: passText,
      ...(old ? { replaced: { id: old.id, issuedBy: old.issuedBy, createdAt: old.createdAt } } : {}),
    };
  });
}

/** The user's pass (zero or one), for admins (`/users/{id}`) and for the user themselves (`self`, `/me`). */
export async function listTemporaryAccessPasses(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  idOrUpn: string,
): Promise<TapView[]> {
  const user = await getUserByIdOrUpn(deps.db, idOrUpn);
  check(ctx, READ, await userAuthzTarget(deps.db, user.id));
  const pass = await createTemporaryAccessPassesRepo(deps.db).findPassOfUser(user.id);
  return pass ? [await viewOf(deps.db, pass, deps.clock.now())] : [];
}

export async function getTemporaryAccessPass(
  deps: Pick<Deps, 'db' | 'clock'>,
  ctx: GuardedContext,
  idOrUpn: string,
  id: string,
): Promise<TapView> {
  const [view] = (await listTemporaryAccessPasses(deps, ctx, idOrUpn)).filter((v) => v.pass.id === id.toLowerCase());
  if (!view) throw notFoundError(id);
  return view;
}

/** Revokes a pass at once and ends the sessions and refresh tokens it started. `id` undefined: whatever pass the user holds. */
export async function deleteTemporaryAccessPass(
  deps: Deps,
  ctx: GuardedContext,
  idOrUpn: string,
  id?: string,
  who: Who = 'Admin',
): Promise<TapRecord> {
  let known: UserRecord | undefined;
  return audited(
    deps,
    ctx,
    () => passEntry('deleted', who, known, idOrUpn),
    async (tx, record: RecordAudit) => {
      const user = (known = await getUserByIdOrUpn(tx, idOrUpn));
      check(ctx, DELETE, await userAuthzTarget(tx, user.id));
      const repo = createTemporaryAccessPassesRepo(tx);
      const removed =
        id === undefined ? await repo.deletePassOfUser(user.id) : await repo.deletePass(id.toLowerCase(), user.id);
      if (!removed) throw notFoundError(id ?? idOrUpn);
      await endSessionsStartedWithPass(tx, deps, user.id);
      await record(passEntry('deleted', who, user, idOrUpn, removed));
      return removed;
    },
  );
}
