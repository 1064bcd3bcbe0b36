// Tenant-wide delegated permission grants (Graph's oauth2PermissionGrant, consentType AllPrincipals): what an
// administrator consented to for an application on behalf of every user. Admin-only scopes (domain/consent.ts) reach a
// delegated token only through one of these. Create, grant more and delete are audited as Entra records them
// ("Add delegated permission grant", "Remove delegated permission grant", ApplicationManagement).
//
// Who may: the CLI (the operator), or a Graph caller holding Graph's permissions for grants (DelegatedPermissionGrant.
// ReadWrite.All; reading also Directory.Read.All) and, when delegated, a role with Entra's oAuth2PermissionGrants
// actions: Privileged Role Administrator (Entra's role for consenting to Graph permissions) or Global Administrator.

import type { AuditEntry, TargetResource } from '../domain/audit.js';
import { DELEGATED_PERMISSION_NAMES } from '../domain/authz/permissions.js';
import { ALL_PRINCIPALS, GRAPH_RESOURCE_ID } from '../domain/consent.js';
import { ensure } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import { createPermissionGrantsRepo, type PermissionGrantRecord } from '../store/repos/oauth2-permission-grants.js';
import { getApplication } from './applications.js';
import { audited } from './audited.js';
import type { Deps } from './deps.js';
import { check, TENANT_TARGET, type GuardedContext } from './guard.js';

export type { PermissionGrantRecord } from '../store/repos/oauth2-permission-grants.js';

const READ = 'microsoft.directory/oAuth2PermissionGrants/standard/read';
const WRITE = 'microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks';

export interface NewGrantInput {
  /** The client's service principal id. */
  clientId: string;
  consentType: string;
  resourceId: string;
  /** Space-separated permission names, as Graph takes them. */
  scope: string;
}

/** Known delegated permission names, each once, in the given order; an unknown one is a 400 naming it. */
export function delegatedNamesOf(names: readonly string[], target = 'scope'): string[] {
  const known = new Set(DELEGATED_PERMISSION_NAMES);
  const unique = [...new Set(names.flatMap((n) => n.split(' ')).filter(Boolean))];
  for (const name of unique)
    ensure(known.has(name), 'delegatedPermissionUnknown', {
      target,
      params: { permission: name, known: DELEGATED_PERMISSION_NAMES },
    });
  ensure(unique.length > 0, 'delegatedPermissionNeeded', { target });
  return unique;
}

function entry(
  activity: 'Add delegated permission grant' | 'Remove delegated permission grant',
  client: { id: string; displayName: string | null },
  scope?: readonly string[],
): AuditEntry {
  const target: TargetResource = { id: client.id, displayName: client.displayName, type: 'App' };
  return {
    activityDisplayName: activity,
    category: 'ApplicationManagement',
    loggedByService: 'Core Directory',
    operationType: activity === 'Add delegated permission grant' ? 'Assign' : 'Unassign',
    targetResources: [target],
    additionalDetails: [
      { key: 'ConsentType', value: ALL_PRINCIPALS },
      ...(scope ? [{ key: 'DelegatedPermissionGrant.Scope', value: scope.join(' ') }] : []),
    ],
  };
}

export async function listPermissionGrants(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
): Promise<PermissionGrantRecord[]> {
  check(ctx, READ, TENANT_TARGET);
  return createPermissionGrantsRepo(deps.db).listPermissionGrants();
}

export async function getPermissionGrant(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  id: string,
): Promise<PermissionGrantRecord> {
  check(ctx, READ, TENANT_TARGET);
  const grant = await createPermissionGrantsRepo(deps.db).findPermissionGrant(id);
  ensure(grant, 'permissionGrantNotFound', { target: 'id', params: { id } });
  return grant;
}

/** Graph's POST: a new AllPrincipals grant for Microsoft Graph; a second one for the same client is a 409. */
export async function createPermissionGrant(
  deps: Deps,
  ctx: GuardedContext,
  input: NewGrantInput,
): Promise<PermissionGrantRecord> {
  const client = { id: input.clientId, displayName: null as string | null };
  return audited(
    deps,
    ctx,
    () => entry('Add delegated permission grant', client),
    async (tx, record) => {
      check(ctx, WRITE, TENANT_TARGET);
      ensure(input.resourceId === GRAPH_RESOURCE_ID, 'permissionGrantResourceUnknown', {
        target: 'resourceId',
        params: { resourceId: input.resourceId, graph: GRAPH_RESOURCE_ID },
      });
      const scope = delegatedNamesOf([input.scope]);
      const repo = createPermissionGrantsRepo(tx);
      const app = await repo.findClient(input.clientId);
      ensure(app, 'permissionGrantClientNotFound', { target: 'clientId', params: { clientId: input.clientId } });
      client.displayName = app.displayName;
      const id = newId();
      const inserted = await repo.insertPermissionGrantIfAbsent({
        id,
        clientId: app.servicePrincipalId,
        consentType: ALL_PRINCIPALS,
        resourceId: GRAPH_RESOURCE_ID,
        scope,
        createdAt: deps.clock.now(),
      });
      ensure(inserted, 'permissionGrantExists', { target: 'clientId' });
      await record(entry('Add delegated permission grant', client, scope));
      return (await repo.findPermissionGrant(id))!;
    },
  );
}

/**
 * The CLI's grant (`app create --delegated-permission`, `app grant`): adds the names to the app's tenant-wide grant
 * for Graph, creating it when there is none. Names already granted are kept once.
 */
export async function grantDelegatedPermissions(
  deps: Deps,
  ctx: GuardedContext,
  appKey: string,
  names: readonly string[],
): Promise<PermissionGrantRecord> {
  const client = { id: appKey, displayName: null as string | null };
  return audited(
    deps,
    ctx,
    () => entry('Add delegated permission grant', client),
    async (tx, record) => {
      check(ctx, WRITE, TENANT_TARGET);
      const wanted = delegatedNamesOf(names, 'permission');
      const app = await getApplication({ db: tx }, appKey);
      Object.assign(client, { id: app.servicePrincipalId, displayName: app.displayName });
      const repo = createPermissionGrantsRepo(tx);
      const existing = await repo.findPermissionGrantOf(app.servicePrincipalId, ALL_PRINCIPALS, GRAPH_RESOURCE_ID);
      const scope = [...new Set([...(existing?.scope ?? []), ...wanted])];
      const id = existing?.id ?? newId();
      if (existing) await repo.updatePermissionGrantScope(existing.id, scope);
      else
        await repo.insertPermissionGrantIfAbsent({
          id,
          clientId: app.servicePrincipalId,
          consentType: ALL_PRINCIPALS,
          resourceId: GRAPH_RESOURCE_ID,
          scope,
          createdAt: deps.clock.now(),
        });
      await record(entry('Add delegated permission grant', client, scope));
      return (await repo.findPermissionGrant(id))!;
    },
  );
}

export async function deletePermissionGrant(deps: Deps, ctx: GuardedContext, id: string): Promise<void> {
  const client = { id, displayName: null as string | null };
  await audited(
    deps,
    ctx,
    () => entry('Remove delegated permission grant', client),
    async (tx, record) => {
      check(ctx, WRITE, TENANT_TARGET);
      const repo = createPermissionGrantsRepo(tx);
      const grant = await repo.findPermissionGrant(id);
      ensure(grant, 'permissionGrantNotFound', { target: 'id', params: { id } });
      Object.assign(client, { id: grant.clientId, displayName: grant.clientDisplayName });
      await repo.deletePermissionGrant(grant.id);
      await record(entry('Remove delegated permission grant', client, grant.scope));
    },
  );
}

/** The delegated permission names granted to a client (by application id) for every user: what tokens may carry. */
export async function tenantWidePermissionsOf(db: DbOrTx, clientAppId: string): Promise<Set<string>> {
  return new Set(await createPermissionGrantsRepo(db).listTenantWideScopesOf(clientAppId, GRAPH_RESOURCE_ID));
}

/** Graph's oAuth2PermissionGrant JSON, for the API and the CLI's `--json`. */
export function toGraphPermissionGrant(grant: PermissionGrantRecord): Record<string, unknown> {
  return {
    id: grant.id,
    clientId: grant.clientId,
    consentType: grant.consentType,
    principalId: null,
    resourceId: grant.resourceId,
    scope: grant.scope.join(' '),
  };
}
