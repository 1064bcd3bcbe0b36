// What a refused request must leave alone: the row count and a hash of the content of the store's main tables, read
// the same way on SQLite and PostgreSQL. Refusals are audited by design, so audit rows count only when they record a
// success.

import { createHash } from 'node:crypto';
import type { Deps } from '../../src/services/deps.js';

/** The tables of the directory, its methods and policies, the applications and the successful audit entries. */
export const SNAPSHOT_TABLES = [
  'users',
  'groups',
  'group_members',
  'administrative_units',
  'administrative_unit_members',
  'role_definitions',
  'role_assignments',
  'service_principal_role_assignments',
  'oauth2_permission_grants',
  'applications',
  'application_secrets',
  'policies',
  'temporary_access_passes',
  'software_oath_methods',
  'fido2_methods',
  'audit_events',
] as const;

export type StoreSnapshot = Record<(typeof SNAPSHOT_TABLES)[number], { rows: number; hash: string }>;

/** Rows in a stable order whatever the dialect: each row's JSON (keys sorted, numbers as numbers) sorted as text. */
function digest(rows: Record<string, unknown>[]): { rows: number; hash: string } {
  const lines = rows
    .map((row) =>
      JSON.stringify(
        Object.keys(row)
          .sort()
          .map((k) => {
            const v = row[k];
            return [k, typeof v === 'bigint' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : v];
          }),
      ),
    )
    .sort();
  return { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

export async function storeSnapshot(deps: Deps): Promise<StoreSnapshot> {
  // Read in parallel: PostgreSQL's pool answers them at once, which keeps a run of the property cheap.
  const digests = await Promise.all(
    SNAPSHOT_TABLES.map(async (table) => {
      const rows =
        table === 'audit_events'
          ? await deps.db.selectFrom('audit_events').selectAll().where('result', '=', 'success').execute()
          : await deps.db.selectFrom(table).selectAll().execute();
      return [table, digest(rows as Record<string, unknown>[])] as const;
    }),
  );
  return Object.fromEntries(digests) as StoreSnapshot;
}

/** The tables whose count or content differ, for a failure message. */
export function changedTables(before: StoreSnapshot, after: StoreSnapshot): string[] {
  return SNAPSHOT_TABLES.filter((t) => before[t].rows !== after[t].rows || before[t].hash !== after[t].hash).map(
    (t) => `${t} (${before[t].rows} → ${after[t].rows} rows)`,
  );
}
