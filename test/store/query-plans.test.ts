// Directory size must not matter: the statements of every token request and every sign-in step find their rows
// through an index, never by reading a whole table. Checked with SQLite's query planner on a migrated store (the
// statements are the same SQL on PostgreSQL, whose planner may still scan a table this small).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { sqliteFileIn } from '../../src/store/db.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const HOT_STATEMENTS = [
  // Client authentication at the token endpoint: the change count at every request (services/client-cache.ts),
  // the client and its secrets when it moved.
  `select "value" from "change_counts" where "name" = ?`,
  `select "secret_hash", "start_at", "end_at" from "application_secrets" where "application_id" = (select "id" from "applications" where "app_id" = ?)`,
  // The resource server's scope: the client's tenant-wide grants.
  `select "g"."scope" from "oauth2_permission_grants" as "g" where "g"."client_id" = (select "service_principal_id" from "applications" where "app_id" = ?) and "g"."consent_type" = ? and "g"."resource_id" = ?`,
  `select * from "applications" where "app_id" = ?`,
  `select "id_hash", "payload", "consumed_at" from "oidc_payloads" where "model" = ? and "id_hash" in (?) and ("expires_at" is null or "expires_at" > ?)`,
  `select * from "sign_in_states" where "uid_hash" = ? and "expires_at" > ?`,
  `select * from "users" where "id" = ?`,
  `select * from "temporary_access_passes" where "user_id" = ?`,
];

describe('hot statements use an index (SQLite query plans)', () => {
  let t: TestRuntime;
  let sqlite: SQLite.Database;
  before(async () => {
    t = await openTestRuntime('sqlite');
    sqlite = new SQLite(sqliteFileIn(t.database.dataDir), { readonly: true });
  });
  after(async () => {
    sqlite?.close();
    await t?.close();
  });

  for (const statement of HOT_STATEMENTS)
    it(statement.slice(0, 90), () => {
      const parameters = Array((statement.match(/\?/g) ?? []).length).fill('x');
      const plan = (sqlite.prepare(`explain query plan ${statement}`).all(...parameters) as { detail: string }[])
        .map((row) => row.detail)
        .join(' | ');
      assert.doesNotMatch(plan, /\bSCAN\b/, plan);
    });
});
