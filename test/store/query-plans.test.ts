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

// The statements that use oidc_payloads' partial indexes (migration 0023: only rows holding a value are indexed):
// a session by its uid, a grant revoked, a user's sessions ended, the sweeper.
const PARTIAL_INDEX_STATEMENTS = [
  `select "id_hash", "payload", "consumed_at" from "oidc_payloads" where "model" = ? and "uid_hash" in (?) and ("expires_at" is null or "expires_at" > ?) limit 1`,
  `delete from "oidc_payloads" where ("grant_id_hash" in (?, ?) or ("model" = ? and "id_hash" in (?, ?)))`,
  `delete from "oidc_payloads" where "model" = ? and "grant_id_hash" in (?)`,
  `delete from "oidc_payloads" where "account_id" = ?`,
  `select "id_hash", "payload" from "oidc_payloads" where "model" = ? and "account_id" = ? and "via_tap" = ?`,
  `delete from "oidc_payloads" where "expires_at" is not null and "expires_at" < ?`,
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

  const planOf = (statement: string) => {
    const parameters = Array((statement.match(/\?/g) ?? []).length).fill('x');
    return (sqlite.prepare(`explain query plan ${statement}`).all(...parameters) as { detail: string }[])
      .map((row) => row.detail)
      .join(' | ');
  };

  for (const statement of HOT_STATEMENTS)
    it(statement.slice(0, 90), () => {
      const plan = planOf(statement);
      assert.doesNotMatch(plan, /\bSCAN\b/, plan);
    });

  for (const statement of PARTIAL_INDEX_STATEMENTS)
    it(`partial index: ${statement.slice(0, 80)}`, () => {
      const plan = planOf(statement);
      assert.doesNotMatch(plan, /\bSCAN\b/, plan);
      assert.match(plan, /oidc_payloads_(grant|uid|account|expires)|sqlite_autoindex_oidc_payloads/, plan);
    });

  it('oidc_payloads indexes only the rows that hold a value (migration 0023)', () => {
    const indexes = sqlite
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and tbl_name = 'oidc_payloads' and sql is not null`,
      )
      .all() as { name: string; sql: string }[];
    assert.equal(indexes.length, 4, JSON.stringify(indexes));
    for (const index of indexes) assert.match(index.sql, /where "?\w+"? is not null$/i, index.sql);
  });
});
