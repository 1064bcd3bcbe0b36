// The tenant's security contacts (Graph organization.securityComplianceNotificationMails): who is mailed when a user
// disputes a Temporary Access Pass. Changed by holders of the tenant's strong-authentication settings (Global or
// Authentication Policy Administrator; apps with Policy.ReadWrite.AuthenticationMethod), audited.

import { jsonValue } from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import { createTenantRepo } from '../store/repos/tenant.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { readEmailAddress } from './email-methods.js';
import { check, type GuardedContext } from './guard.js';

const UPDATE = 'microsoft.directory/organization/strongAuthentication/allTasks';
export const SECURITY_CONTACTS_PROPERTY = 'securityComplianceNotificationMails';

export const listSecurityContacts = (deps: Pick<Deps, 'db'>): Promise<string[]> =>
  createTenantRepo(deps.db).findSecurityContacts();

/** Reads Graph's collection strictly: an array of addresses, at most 50, each named by its index when refused. */
export function readSecurityContacts(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 50)
    throw new AppError('invalidEmailAddress', { target: SECURITY_CONTACTS_PROPERTY });
  return [
    ...new Set(
      value.map((v, i) => {
        try {
          return readEmailAddress(v).toLowerCase();
        } catch {
          throw new AppError('invalidEmailAddress', { target: `${SECURITY_CONTACTS_PROPERTY}.${i}` });
        }
      }),
    ),
  ];
}

export async function setSecurityContacts(deps: Deps, ctx: GuardedContext, value: unknown): Promise<string[]> {
  const entry = (oldValue: string[] | null, newValue: string[] | null) => ({
    activityDisplayName: 'Set Company Information' as const,
    category: 'DirectoryManagement' as const,
    loggedByService: 'Core Directory',
    operationType: 'Update' as const,
    targetResources: [
      {
        id: deps.tenant.id,
        displayName: deps.tenant.displayName,
        type: 'Directory' as const,
        modifiedProperties: [
          {
            displayName: SECURITY_CONTACTS_PROPERTY,
            oldValue: oldValue && jsonValue(oldValue),
            newValue: newValue && jsonValue(newValue),
          },
        ],
      },
    ],
  });
  return audited(
    deps,
    ctx,
    () => entry(null, null),
    async (tx, record) => {
      check(ctx, UPDATE, { kind: 'tenant' });
      const next = readSecurityContacts(value);
      const repo = createTenantRepo(tx);
      const before = await repo.findSecurityContacts();
      await repo.updateSecurityContacts(next);
      await record(entry(before, next));
      return next;
    },
  );
}
