// The deployment's one tenant and its verified domains.

import type { DbOrTx } from '../db.js';
import { bool } from '../db.js';

export interface Tenant {
  id: string;
  displayName: string;
  domains: { name: string; isDefault: boolean }[];
  defaultDomain: string;
}

export function createTenantRepo(db: DbOrTx) {
  return {
    async findTenant(): Promise<Tenant | undefined> {
      const row = await db.selectFrom('tenants').selectAll().executeTakeFirst();
      if (!row) return undefined;
      const domains = (
        await db.selectFrom('tenant_domains').selectAll().orderBy('created_at').orderBy('name').execute()
      ).map((d) => ({ name: d.name, isDefault: bool(d.is_default) }));
      const defaultDomain = domains.find((d) => d.isDefault)?.name ?? domains[0]?.name ?? '';
      return { id: row.id, displayName: row.display_name, domains, defaultDomain };
    },

    /** Graph organization.securityComplianceNotificationMails: who is told when a user disputes a pass. */
    async findSecurityContacts(): Promise<string[]> {
      const row = await db.selectFrom('tenants').select('security_compliance_notification_mails').executeTakeFirst();
      const list: unknown = row ? JSON.parse(row.security_compliance_notification_mails) : [];
      return Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string') : [];
    },

    async updateSecurityContacts(addresses: string[]): Promise<void> {
      await db
        .updateTable('tenants')
        .set({ security_compliance_notification_mails: JSON.stringify(addresses) })
        .execute();
    },

    /** Idempotent: a second process racing on an empty store inserts nothing. */
    async insertTenantIfAbsent(id: string, displayName: string, now: number): Promise<void> {
      await db
        .insertInto('tenants')
        .values({ id, display_name: displayName, created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    /** Makes the verified domains match configuration; the first is the default. Existing users keep their UPNs. */
    async syncDomains(tenantId: string, names: string[], now: number): Promise<void> {
      for (const [i, name] of names.entries()) {
        await db
          .insertInto('tenant_domains')
          .values({ name, tenant_id: tenantId, is_default: i === 0 ? 1 : 0, created_at: now + i })
          .onConflict((oc) => oc.column('name').doUpdateSet({ is_default: i === 0 ? 1 : 0 }))
          .execute();
      }
      await db.deleteFrom('tenant_domains').where('name', 'not in', names).execute();
    },
  };
}
