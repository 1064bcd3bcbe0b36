// Users of the directory.

import type { Selectable, Updateable } from 'kysely';
import type { DbOrTx } from '../db.js';
import type { ColumnMap, ListPage, TableWhere } from './query.js';
import { bool, int } from '../db.js';
import { first, prepared, rowLimit } from '../prepared.js';
import type { UsersTable } from '../schema.js';

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mailNickname: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  mail: string | null;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  forceChangePassword: boolean;
  sessionsValidFrom: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type NewUser = Omit<UserRecord, 'updatedAt'>;
export type UserChanges = Partial<Omit<UserRecord, 'id' | 'createdAt'>>;

export function toUserRecord(r: Selectable<UsersTable>): UserRecord {
  return {
    id: r.id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
    mailNickname: r.mail_nickname,
    givenName: r.given_name,
    surname: r.surname,
    jobTitle: r.job_title,
    mail: r.mail,
    userType: r.user_type === 'Guest' ? 'Guest' : 'Member',
    accountEnabled: bool(r.account_enabled),
    passwordHash: r.password_hash,
    passwordChangedAt: r.password_changed_at === null ? null : new Date(r.password_changed_at),
    forceChangePassword: bool(r.force_change_password),
    sessionsValidFrom: new Date(r.sessions_valid_from),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toRow(c: UserChanges): Updateable<UsersTable> {
  const row: Updateable<UsersTable> = {};
  if (c.userPrincipalName !== undefined) row.user_principal_name = c.userPrincipalName;
  if (c.displayName !== undefined) row.display_name = c.displayName;
  if (c.mailNickname !== undefined) row.mail_nickname = c.mailNickname;
  if (c.givenName !== undefined) row.given_name = c.givenName;
  if (c.surname !== undefined) row.surname = c.surname;
  if (c.jobTitle !== undefined) row.job_title = c.jobTitle;
  if (c.mail !== undefined) row.mail = c.mail;
  if (c.userType !== undefined) row.user_type = c.userType;
  if (c.accountEnabled !== undefined) row.account_enabled = int(c.accountEnabled);
  if (c.passwordHash !== undefined) row.password_hash = c.passwordHash;
  if (c.passwordChangedAt !== undefined) row.password_changed_at = c.passwordChangedAt?.getTime() ?? null;
  if (c.forceChangePassword !== undefined) row.force_change_password = int(c.forceChangePassword);
  if (c.sessionsValidFrom !== undefined) row.sessions_valid_from = c.sessionsValidFrom.getTime();
  if (c.updatedAt !== undefined) row.updated_at = c.updatedAt.getTime();
  return row;
}

/** Filterable user properties (allow-list keys) → columns. UPNs are stored normalised, so values are normalised too. */
export const USER_FILTER_COLUMNS = {
  id: { column: 'id', kind: 'guid' },
  userPrincipalName: {
    column: 'user_principal_name',
    kind: 'text',
    normalize: (v: string) => v.normalize('NFC').toLowerCase(),
  },
  displayName: { column: 'display_name', kind: 'ci-text' },
  givenName: { column: 'given_name', kind: 'ci-text' },
  surname: { column: 'surname', kind: 'ci-text' },
  mail: { column: 'mail', kind: 'ci-text' },
  mailNickname: { column: 'mail_nickname', kind: 'ci-text' },
  accountEnabled: { column: 'account_enabled', kind: 'boolean' },
  userType: { column: 'user_type', kind: 'text' },
  createdDateTime: { column: 'created_at', kind: 'time' },
} as const satisfies ColumnMap<string>;
export type UserFilterKey = keyof typeof USER_FILTER_COLUMNS;

/** The row a new user is stored as (one insert, or the benchmark's bulk seeding). */
export function newUserRow(u: NewUser) {
  return {
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
  };
}

// Read by every step of every sign-in: compiled once.
const byIdQuery = prepared((db, p: { id: string }) => db.selectFrom('users').selectAll().where('id', '=', p.id));
const byUpnQuery = prepared((db, p: { upn: string }) =>
  db.selectFrom('users').selectAll().where('user_principal_name', '=', p.upn),
);

export function createUsersRepo(db: DbOrTx) {
  return {
    async findUserById(id: string): Promise<UserRecord | undefined> {
      const r = first(await byIdQuery(db, { id }));
      return r && toUserRecord(r);
    },

    /** `upn` must already be normalised (lower-case, NFC). */
    async findUserByUpn(upn: string): Promise<UserRecord | undefined> {
      const r = first(await byUpnQuery(db, { upn }));
      return r && toUserRecord(r);
    },

    async insertUser(u: NewUser): Promise<void> {
      await db.insertInto('users').values(newUserRow(u)).execute();
    },

    /** Returns false when no such user exists. */
    async updateUser(id: string, changes: UserChanges): Promise<boolean> {
      const row = toRow(changes);
      if (Object.keys(row).length === 0)
        return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
      const result = await db.updateTable('users').set(row).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async deleteUser(id: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async countUsers(where?: TableWhere<'users'>): Promise<number> {
      let q = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
      if (where) q = q.where(where);
      const r = await q.executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** One page in id order (keyset): rows after `afterId` that match `where`, at most `limit`. */
    async listUsers(page: ListPage<'users'>): Promise<UserRecord[]> {
      let q = db.selectFrom('users').selectAll();
      if (page.where) q = q.where(page.where);
      if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
      const rows = await q.orderBy('id').limit(rowLimit(page.limit)).execute();
      return rows.map(toUserRecord);
    },

    async findUsersByIds(ids: readonly string[]): Promise<UserRecord[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(toUserRecord);
    },

    /** Moves sessions_valid_from forward to `at` (never backwards) and returns whether the user exists. */
    async bumpSessionsValidFrom(id: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({ sessions_valid_from: at.getTime(), updated_at: at.getTime() })
        .where('id', '=', id)
        .where('sessions_valid_from', '<', at.getTime())
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) return true;
      return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    },

    /**
     * The user's WebAuthn user handle, set to `candidate` the first time (a conditional update, so two concurrent
     * registrations agree on one handle). Undefined when the user does not exist.
     */
    async ensureWebauthnUserHandle(id: string, candidate: string): Promise<string | undefined> {
      await db
        .updateTable('users')
        .set({ webauthn_user_handle: candidate })
        .where('id', '=', id)
        .where('webauthn_user_handle', 'is', null)
        .execute();
      const r = await db.selectFrom('users').select('webauthn_user_handle').where('id', '=', id).executeTakeFirst();
      return r?.webauthn_user_handle ?? undefined;
    },

    async findUserByWebauthnHandle(handle: string): Promise<UserRecord | undefined> {
      const r = await db.selectFrom('users').selectAll().where('webauthn_user_handle', '=', handle).executeTakeFirst();
      return r && toUserRecord(r);
    },
  };
}
