// Bulk inserts of users and passes, used only by the benchmark's seeder: a directory of 100k users is written in
// multi-row statements inside one transaction, where one insert per row through the services would take minutes.
// Rows go in as given (hashes precomputed by the caller); no audit, no checks: this is a loading path, not a use case.

import type { DbOrTx } from '../db.js';
import { newPassRow, type StoredPass } from './temporary-access-passes.js';
import { newUserRow, type NewUser } from './users.js';

// 500 rows × 16 columns stays under SQLite's and PostgreSQL's limits on bound parameters per statement.
const ROWS_PER_STATEMENT = 500;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

export async function insertUsersInBulk(db: DbOrTx, users: readonly NewUser[]): Promise<void> {
  for (const chunk of chunks(users)) {
    await db.insertInto('users').values(chunk.map(newUserRow)).execute();
  }
}

export async function insertPassesInBulk(db: DbOrTx, passes: readonly StoredPass[]): Promise<void> {
  for (const chunk of chunks(passes)) {
    await db.insertInto('temporary_access_passes').values(chunk.map(newPassRow)).execute();
  }
}
