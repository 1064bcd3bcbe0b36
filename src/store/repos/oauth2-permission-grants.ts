// Tenant-wide delegated permission grants (oauth2_permission_grants), with the client application they name.

import type { DbOrTx } from '../db.js';
import { prepared } from '../prepared.js';

export interface PermissionGrantRecord {
  id: string;
  /** The client's service principal id. */
  clientId: string;
  /** The client's application (client) id, for the token side. */
  clientAppId: string;
  clientDisplayName: string;
  consentType: string;
  resourceId: string;
  /** Permission names, in grant order. */
  scope: string[];
  createdAt: Date;
}

export interface NewPermissionGrant {
  id: string;
  clientId: string;
  consentType: string;
  resourceId: string;
  scope: string[];
  createdAt: Date;
}

const namesOf = (scope: string) => scope.split(' ').filter(Boolean);

// Read by every authorization and token request that names a resource's permissions: compiled once. A subquery,
// not a join: SQLite re-prepares a join with a bound value at every run (see src/store/prepared.ts).
const tenantWideScopesQuery = prepared((db, p: { clientAppId: string; resourceId: string }) =>
  db
    .selectFrom('oauth2_permission_grants as g')
    .select('g.scope')
    .where('g.client_id', '=', (eb) =>
      eb.selectFrom('applications').select('service_principal_id').where('app_id', '=', p.clientAppId),
    )
    .where('g.consent_type', '=', 'AllPrincipals')
    .where('g.resource_id', '=', p.resourceId),
);

export function createPermissionGrantsRepo(db: DbOrTx) {
  const base = () =>
    db
      .selectFrom('oauth2_permission_grants as g')
      .innerJoin('applications as a', 'a.service_principal_id', 'g.client_id')
      .select([
        'g.id',
        'g.client_id',
        'g.consent_type',
        'g.resource_id',
        'g.scope',
        'g.created_at',
        'a.app_id',
        'a.display_name',
      ]);
  type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>;
  const toRecord = (r: Row): PermissionGrantRecord => ({
    id: r.id,
    clientId: r.client_id,
    clientAppId: r.app_id,
    clientDisplayName: r.display_name,
    consentType: r.consent_type,
    resourceId: r.resource_id,
    scope: namesOf(r.scope),
    createdAt: new Date(Number(r.created_at)),
  });
  return {
    /** The client application named by its service principal id (Graph's clientId). */
    async findClient(
      servicePrincipalId: string,
    ): Promise<{ servicePrincipalId: string; appId: string; displayName: string } | undefined> {
      const row = await db
        .selectFrom('applications')
        .select(['service_principal_id', 'app_id', 'display_name'])
        .where('service_principal_id', '=', servicePrincipalId.toLowerCase())
        .executeTakeFirst();
      return row
        ? { servicePrincipalId: row.service_principal_id, appId: row.app_id, displayName: row.display_name }
        : undefined;
    },

    async listPermissionGrants(): Promise<PermissionGrantRecord[]> {
      return (await base().orderBy('g.created_at').orderBy('g.id').execute()).map(toRecord);
    },

    async findPermissionGrant(id: string): Promise<PermissionGrantRecord | undefined> {
      const row = await base().where('g.id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async findPermissionGrantOf(
      clientId: string,
      consentType: string,
      resourceId: string,
    ): Promise<PermissionGrantRecord | undefined> {
      const row = await base()
        .where('g.client_id', '=', clientId)
        .where('g.consent_type', '=', consentType)
        .where('g.resource_id', '=', resourceId)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    /** The names granted to a client (by application id) for every user: the union of its AllPrincipals grants. */
    async listTenantWideScopesOf(clientAppId: string, resourceId: string): Promise<string[]> {
      const { rows } = await tenantWideScopesQuery(db, { clientAppId, resourceId });
      return [...new Set(rows.flatMap((r) => namesOf(r.scope)))];
    },

    /** Returns false when the client already holds a grant of this type for this resource. */
    async insertPermissionGrantIfAbsent(g: NewPermissionGrant): Promise<boolean> {
      const result = await db
        .insertInto('oauth2_permission_grants')
        .values({
          id: g.id,
          client_id: g.clientId,
          consent_type: g.consentType,
          resource_id: g.resourceId,
          scope: g.scope.join(' '),
          created_at: g.createdAt.getTime(),
        })
        .onConflict((oc) => oc.columns(['client_id', 'consent_type', 'resource_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async updatePermissionGrantScope(id: string, scope: string[]): Promise<void> {
      await db
        .updateTable('oauth2_permission_grants')
        .set({ scope: scope.join(' ') })
        .where('id', '=', id)
        .execute();
    },

    async deletePermissionGrant(id: string): Promise<boolean> {
      const result = await db.deleteFrom('oauth2_permission_grants').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
