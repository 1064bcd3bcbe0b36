// First start and every start: checks the server key against the store, creates the tenant, its keys, default
// policies and the first Global Administrator once. Runs under the store-wide lock (store/migrate.ts).

import type { Keyring } from '../crypto/keyring.js';
import { userTarget } from '../domain/audit.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { GLOBAL_ADMINISTRATOR } from '../domain/roles.js';
import type { Db } from '../store/db.js';
import { createKeysRepo } from '../store/repos/keys.js';
import { createPoliciesRepo } from '../store/repos/policies.js';
import { createRoleAssignmentsRepo } from '../store/repos/role-assignments.js';
import { createTenantRepo, type Tenant } from '../store/repos/tenant.js';
import { createUsersRepo } from '../store/repos/users.js';
import { COOKIE_KEYS_SECRET, newCookieKey, sealCookieKeys } from './cookie-keys.js';
import { ensureBuiltinApplications } from './applications.js';
import { recordAuditEvent } from './audited.js';
import { SECURITY_DEFAULTS_POLICY_ID } from './security-defaults.js';
import { generateSigningKey } from './signing-keys.js';
import { ensureTapPolicy } from './tap-policy.js';

export interface BootstrapInput {
  keyring: Keyring;
  clock: Clock;
  domains: string[];
}

export interface BootstrapResult {
  tenant: Tenant;
  /** Set on the very first start: the Global Administrator just created, with no credential yet. */
  createdAdmin?: { id: string; userPrincipalName: string };
  /** Set when a new server key was recorded next to a previous one (a rotation). */
  recordedNewKey?: string;
}

async function checkServerKey(db: Db, keyring: Keyring, now: number): Promise<string | undefined> {
  const repo = createKeysRepo(db);
  const stored = await repo.listKeyChecks();
  if (stored.length > 0 && !stored.some((s) => keyring.matchesCheckValue(s.keyId, s.checkValue)))
    throw new AppError('keyMismatch');
  let recorded: string | undefined;
  for (const check of keyring.checkValues()) {
    if (stored.some((s) => s.keyId === check.keyId)) continue;
    // Only the current key is recorded; retired keys are never added to a store that did not know them.
    if (check.keyId !== keyring.currentKeyId) continue;
    await repo.insertKeyCheck(check.keyId, check.checkValue, now);
    if (stored.length > 0) recorded = check.keyId;
  }
  return recorded;
}

async function ensureSigningKey(db: Db, keyring: Keyring, now: number): Promise<void> {
  const repo = createKeysRepo(db);
  if ((await repo.listActiveSigningKeys()).length > 0) return;
  await repo.insertSigningKey(generateSigningKey(keyring, now));
}

async function ensureCookieKeys(db: Db, keyring: Keyring, now: number): Promise<void> {
  await createKeysRepo(db).insertServerSecretIfAbsent(
    COOKIE_KEYS_SECRET,
    sealCookieKeys({ keyring }, [newCookieKey(now, null)]),
    now,
  );
}

export async function bootstrap(db: Db, input: BootstrapInput): Promise<BootstrapResult> {
  const now = input.clock.now();
  const ms = now.getTime();
  const recordedNewKey = await checkServerKey(db, input.keyring, ms);
  const tenants = createTenantRepo(db);
  const existing = await tenants.findTenant();
  const tenantId = existing?.id ?? newId();
  if (!existing) await tenants.insertTenantIfAbsent(tenantId, 'Gatepass', ms);
  await tenants.syncDomains(tenantId, input.domains, ms);
  await ensureSigningKey(db, input.keyring, ms);
  await ensureCookieKeys(db, input.keyring, ms);
  await ensureBuiltinApplications(db, now);
  await createPoliciesRepo(db).insertPolicyIfAbsent(SECURITY_DEFAULTS_POLICY_ID, { isEnabled: true }, ms);
  await ensureTapPolicy(db, now);

  let createdAdmin: BootstrapResult['createdAdmin'];
  if (!existing) {
    const upn = `admin@${input.domains[0]}`;
    const admin = {
      id: newId(),
      userPrincipalName: upn,
      displayName: 'Administrator',
      mailNickname: 'admin',
      givenName: null,
      surname: null,
      jobTitle: null,
      mail: null,
      userType: 'Member' as const,
      accountEnabled: true,
      passwordHash: null,
      passwordChangedAt: null,
      forceChangePassword: false,
      sessionsValidFrom: now,
      createdAt: now,
    };
    await db.transaction().execute(async (tx) => {
      await createUsersRepo(tx).insertUser(admin);
      await createRoleAssignmentsRepo(tx).insertRoleAssignmentIfAbsent({
        id: newId(),
        principalId: admin.id,
        roleDefinitionId: GLOBAL_ADMINISTRATOR,
        directoryScopeId: '/',
        createdAt: now,
      });
      const ctx = { actor: { kind: 'system' as const }, correlationId: newId(), ipAddress: null };
      await recordAuditEvent(
        tx,
        input,
        ctx,
        {
          activityDisplayName: 'Add user',
          category: 'UserManagement',
          loggedByService: 'Core Directory',
          operationType: 'Add',
          targetResources: [userTarget(admin)],
        },
        'success',
        'First start: Global Administrator created without a credential',
      );
      await recordAuditEvent(
        tx,
        input,
        ctx,
        {
          activityDisplayName: 'Add member to role',
          category: 'RoleManagement',
          loggedByService: 'Core Directory',
          operationType: 'Assign',
          targetResources: [
            userTarget(admin),
            { id: GLOBAL_ADMINISTRATOR, displayName: 'Global Administrator', type: 'Role' },
          ],
        },
        'success',
      );
    });
    createdAdmin = { id: admin.id, userPrincipalName: upn };
  }
  const tenant = await tenants.findTenant();
  if (!tenant) throw new Error('tenant missing after bootstrap');
  return { tenant, createdAdmin, recordedNewKey };
}
