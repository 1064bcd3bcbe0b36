// Bulk inserts of users and passes, used only by the benchmark's seeder: a directory of 100k users is written in
// multi-row statements inside one transaction, where one insert per row through the services would take minutes.
// Rows go in as given (hashes precomputed by the caller); no audit, no checks: this is a loading path, not a use case.

import type { DbOrTx } from '../db.js';
import { int } from '../db.js';
import type { StoredPass } from './temporary-access-passes.js';
import type { NewUser } from './users.js';

// 500 rows × 16 columns stays under SQLite's and PostgreSQL's limits on bound parameters per statement.
const ROWS_PER_STATEMENT = 500;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

export async function insertUsersInBulk(db: DbOrTx, users: readonly NewUser[]): Promise<void> {
  for (const chunk of chunks(users)) {
    await db
      .insertInto('users')
      .values(
        chunk.map((u) => ({
          id: u.id,
          user_principal_name: u.userPrincipalName,
          display_name: u.displayName,
          mail_nickname: u.mailNickname,
          given_name: u.givenName,
          surname: u.surname,
          job_title: u.jobTitle,
          mail: u.mail,
          user_type: u.userType,
          account_enabled: int(u.accountEnabled),
          password_hash: u.passwordHash,
          password_changed_at: u.passwordChangedAt?.getTime() ?? null,
          force_change_password: int(u.forceChangePassword),
          sessions_valid_from: u.sessionsValidFrom.getTime(),
          created_at: u.createdAt.getTime(),
          updated_at: u.createdAt.getTime(),
        })),
      )
      .execute();
  }
}

export async function insertPassesInBulk(db: DbOrTx, passes: readonly StoredPass[]): Promise<void> {
  for (const chunk of chunks(passes)) {
    await db
      .insertInto('temporary_access_passes')
      .values(
        chunk.map((p) => ({
          id: p.id,
          user_id: p.userId,
          pass_hash: p.passHash,
          created_at: p.createdAt.getTime(),
          start_at: p.startAt.getTime(),
          lifetime_minutes: p.lifetimeMinutes,
          is_usable_once: int(p.isUsableOnce),
          used_at: null,
          issued_by: JSON.stringify(p.issuedBy),
        })),
      )
      .execute();
  }
}
