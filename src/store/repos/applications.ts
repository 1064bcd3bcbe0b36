// Applications (OIDC clients) and their secrets; a secret is stored only as a keyed hash.

import type { Selectable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { bool, int } from '../db.js';
import { first, prepared } from '../prepared.js';
import type { ApplicationSecretsTable, ApplicationsTable } from '../schema.js';

export type ApplicationKind = 'daemon' | 'web' | 'builtin';

export interface ApplicationSecretRecord {
  keyId: string;
  applicationId: string;
  secretHash: string;
  hint: string;
  displayName: string | null;
  startAt: Date;
  endAt: Date;
  createdAt: Date;
}

export interface ApplicationRecord {
  /** Object id of the application. */
  id: string;
  /** The client id. */
  appId: string;
  displayName: string;
  kind: ApplicationKind;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Graph application permissions (daemon apps): the `roles` of its tokens. */
  permissions: string[];
  requireConsent: boolean;
  servicePrincipalId: string;
  createdAt: Date;
  updatedAt: Date;
  secrets: ApplicationSecretRecord[];
}

const kindOf = (k: string): ApplicationKind => (k === 'daemon' || k === 'web' ? k : 'builtin');

function toSecret(r: Selectable<ApplicationSecretsTable>): ApplicationSecretRecord {
  return {
    keyId: r.id,
    applicationId: r.application_id,
    secretHash: r.secret_hash,
    hint: r.hint,
    displayName: r.display_name,
    startAt: new Date(r.start_at),
    endAt: new Date(r.end_at),
    createdAt: new Date(r.created_at),
  };
}

/** An application without its secrets: all that sign-in and oidc-provider's client lookups need. */
export type ApplicationMetadata = Omit<ApplicationRecord, 'secrets'>;

function toMetadata(r: Selectable<ApplicationsTable>): ApplicationMetadata {
  return {
    id: r.id,
    appId: r.app_id,
    displayName: r.display_name,
    kind: kindOf(r.kind),
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
    permissions: JSON.parse(r.permissions) as string[],
    requireConsent: bool(r.require_consent),
    servicePrincipalId: r.service_principal_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toApplication(r: Selectable<ApplicationsTable>, secrets: ApplicationSecretRecord[]): ApplicationRecord {
  return { ...toMetadata(r), secrets };
}

export type NewApplication = Omit<ApplicationRecord, 'secrets' | 'updatedAt'>;

// Read on every authorization request, sign-in page and token request (oidc-provider's client lookup).
const metadataQuery = prepared((db, p: { appId: string }) =>
  db.selectFrom('applications').selectAll().where('app_id', '=', p.appId),
);

// Read by every token request that authenticates a client: whether what the client cache holds still stands.
const changeCountQuery = prepared((db, p: { name: string }) =>
  db.selectFrom('change_counts').select('value').where('name', '=', p.name),
);
// Every secret of an application with its validity, checked at each use (services/applications.ts validSecretHashes).
// A subquery, not a join: SQLite re-prepares a join with a bound value at every run (see src/store/prepared.ts).
const secretValidityQuery = prepared((db, p: { appId: string }) =>
  db
    .selectFrom('application_secrets')
    .select(['secret_hash', 'start_at', 'end_at'])
    .where('application_id', '=', (eb) => eb.selectFrom('applications').select('id').where('app_id', '=', p.appId)),
);

/** A secret's keyed hash and when it is valid (epoch ms, end excluded). */
export interface SecretValidity {
  hash: string;
  startAt: number;
  endAt: number;
}

export function createApplicationsRepo(db: DbOrTx) {
  async function withSecrets(rows: Selectable<ApplicationsTable>[]): Promise<ApplicationRecord[]> {
    if (rows.length === 0) return [];
    const secrets = await db
      .selectFrom('application_secrets')
      .selectAll()
      .where(
        'application_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('created_at')
      .execute();
    return rows.map((r) => toApplication(r, secrets.filter((s) => s.application_id === r.id).map(toSecret)));
  }

  return {
    async findApplicationByAppId(appId: string): Promise<ApplicationRecord | undefined> {
      const r = await db.selectFrom('applications').selectAll().where('app_id', '=', appId).executeTakeFirst();
      return r ? (await withSecrets([r]))[0] : undefined;
    },

    /** One statement: the secrets are read only where a client authenticates (listSecretValidity). */
    async findApplicationMetadataByAppId(appId: string): Promise<ApplicationMetadata | undefined> {
      const r = first(await metadataQuery(db, { appId }));
      return r ? toMetadata(r) : undefined;
    },

    async findApplicationById(id: string): Promise<ApplicationRecord | undefined> {
      const r = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? (await withSecrets([r]))[0] : undefined;
    },

    /** The application whose service principal has this object id (the principalId of its role assignments). */
    async findApplicationByServicePrincipalId(servicePrincipalId: string): Promise<ApplicationRecord | undefined> {
      const r = await db
        .selectFrom('applications')
        .selectAll()
        .where('service_principal_id', '=', servicePrincipalId)
        .executeTakeFirst();
      return r ? (await withSecrets([r]))[0] : undefined;
    },

    /** Display names are not unique (as in Entra): every match is returned. */
    async findApplicationsByDisplayName(name: string): Promise<ApplicationRecord[]> {
      const rows = await db.selectFrom('applications').selectAll().where('display_name', '=', name).execute();
      return withSecrets(rows);
    },

    async listApplications(): Promise<ApplicationRecord[]> {
      const rows = await db.selectFrom('applications').selectAll().orderBy('created_at').orderBy('id').execute();
      return withSecrets(rows);
    },

    /** Idempotent on `app_id`: returns false when it already existed (a racing process created it). */
    async insertApplication(a: NewApplication): Promise<boolean> {
      const result = await db
        .insertInto('applications')
        .values({
          id: a.id,
          app_id: a.appId,
          display_name: a.displayName,
          kind: a.kind,
          redirect_uris: JSON.stringify(a.redirectUris),
          post_logout_redirect_uris: JSON.stringify(a.postLogoutRedirectUris),
          permissions: JSON.stringify(a.permissions),
          require_consent: int(a.requireConsent),
          service_principal_id: a.servicePrincipalId,
          created_at: a.createdAt.getTime(),
          updated_at: a.createdAt.getTime(),
        })
        .onConflict((oc) => oc.column('app_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async touchApplication(id: string, now: Date): Promise<void> {
      await db.updateTable('applications').set({ updated_at: now.getTime() }).where('id', '=', id).execute();
    },

    async deleteApplication(id: string): Promise<boolean> {
      const result = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insertSecret(s: ApplicationSecretRecord): Promise<void> {
      await db
        .insertInto('application_secrets')
        .values({
          id: s.keyId,
          application_id: s.applicationId,
          secret_hash: s.secretHash,
          hint: s.hint,
          display_name: s.displayName,
          start_at: s.startAt.getTime(),
          end_at: s.endAt.getTime(),
          created_at: s.createdAt.getTime(),
        })
        .execute();
    },

    async deleteSecret(applicationId: string, keyId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('application_secrets')
        .where('application_id', '=', applicationId)
        .where('id', '=', keyId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** How many writes applications and their secrets have had (migration 0022's triggers count them). */
    async readChangeCount(): Promise<number> {
      return Number(first(await changeCountQuery(db, { name: 'applications' }))?.value ?? 0);
    },

    async listSecretValidity(appId: string): Promise<SecretValidity[]> {
      const { rows } = await secretValidityQuery(db, { appId });
      return rows.map((r) => ({ hash: r.secret_hash, startAt: Number(r.start_at), endAt: Number(r.end_at) }));
    },
  };
}
