// Test databases: a temporary SQLite file, or a fresh PostgreSQL database per run, dropped afterwards.
// PostgreSQL being down fails the suite clearly; it never skips.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const dialects = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof dialects)[number];

export const PG_ADMIN_URL = process.env.GATEPASS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is unreachable at ${PG_ADMIN_URL} (${(e as Error).message}). Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  dialect: Dialect;
  /** Environment for loadConfig: GATEPASS_DATA_DIR and, on PostgreSQL, DATABASE_URL. */
  env: Record<string, string>;
  dataDir: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatepass-test-'));
  // A fixed key per database: every process of one test shares it, like a real deployment.
  const env: Record<string, string> = {
    GATEPASS_DATA_DIR: dataDir,
    GATEPASS_SECRET_KEY: randomBytes(32).toString('base64url'),
    GATEPASS_LOG_LEVEL: process.env.GATEPASS_TEST_LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
  };
  if (dialect === 'sqlite') {
    return { dialect, env, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `gatepass_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const databaseUrl = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  env.DATABASE_URL = databaseUrl;
  return {
    dialect,
    env,
    dataDir,
    databaseUrl,
    drop: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
