// Groups of the directory and their (user) members.

import { sql, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { prepared, rowLimit } from '../prepared.js';
import { bool, int, isUniqueViolation } from '../db.js';
import type { GroupsTable } from '../schema.js';
import type { ColumnMap, ListPage } from './query.js';
import { toUserRecord, type UserRecord } from './users.js';

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
  createdAt: Date;
}

export type GroupChanges = Partial<Omit<GroupRecord, 'id' | 'createdAt'>>;

export function toGroupRecord(r: Selectable<GroupsTable>): GroupRecord {
  return {
    id: r.id,
    displayName: r.display_name,
    description: r.description,
    mailNickname: r.mail_nickname,
    securityEnabled: bool(r.security_enabled),
    mailEnabled: bool(r.mail_enabled),
    createdAt: new Date(r.created_at),
  };
}

function toRow(c: GroupChanges): Updateable<GroupsTable> {
  const row: Updateable<GroupsTable> = {};
  if (c.displayName !== undefined) row.display_name = c.displayName;
  if (c.description !== undefined) row.description = c.description;
  if (c.mailNickname !== undefined) row.mail_nickname = c.mailNickname;
  if (c.securityEnabled !== undefined) row.security_enabled = int(c.securityEnabled);
  if (c.mailEnabled !== undefined) row.mail_enabled = int(c.mailEnabled);
  return row;
}

/** Filterable group properties (allow-list keys) → columns. */
export const GROUP_FILTER_COLUMNS = {
  id: { column: 'id', kind: 'guid' },
  displayName: { column: 'display_name', kind: 'ci-text' },
  mailNickname: { column: 'mail_nickname', kind: 'ci-text' },
  description: { column: 'description', kind: 'ci-text' },
  securityEnabled: { column: 'security_enabled', kind: 'boolean' },
  mailEnabled: { column: 'mail_enabled', kind: 'boolean' },
  createdDateTime: { column: 'created_at', kind: 'time' },
} as const satisfies ColumnMap<string>;
export type GroupFilterKey = keyof typeof GROUP_FILTER_COLUMNS;

// Read by every sign-in step (a pass's policy may name groups).
const groupIdsQuery = prepared((db, p: { memberId: string }) =>
  db.selectFrom('group_members').select('group_id').where('member_id', '=', p.memberId),
);

export function createGroupsRepo(db: DbOrTx) {
  return {
    async findGroupById(id: string): Promise<GroupRecord | undefined> {
      const r = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toGroupRecord(r);
    },

    /** Case-insensitive, as Graph compares displayName; at most `limit` rows (2 is enough to tell "ambiguous"). */
    async findGroupsByDisplayName(displayName: string, limit = 2): Promise<GroupRecord[]> {
      const rows = await db
        .selectFrom('groups')
        .selectAll()
        .where(sql<string>`lower(display_name)`, '=', displayName.toLowerCase())
        .orderBy('id')
        .limit(rowLimit(limit))
        .execute();
      return rows.map(toGroupRecord);
    },

    async insertGroup(g: GroupRecord): Promise<void> {
      await db
        .insertInto('groups')
        .values({
          id: g.id,
          display_name: g.displayName,
          description: g.description,
          mail_nickname: g.mailNickname,
          security_enabled: int(g.securityEnabled),
          mail_enabled: int(g.mailEnabled),
          created_at: g.createdAt.getTime(),
        })
        .execute();
    },

    /** Returns false when no such group exists. */
    async updateGroup(id: string, changes: GroupChanges): Promise<boolean> {
      const row = toRow(changes);
      if (Object.keys(row).length === 0)
        return (await db.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
      const result = await db.updateTable('groups').set(row).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Memberships go with it (ON DELETE CASCADE). */
    async deleteGroup(id: string): Promise<boolean> {
      const result = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async listGroups(page: ListPage<'groups'>): Promise<GroupRecord[]> {
      let q = db.selectFrom('groups').selectAll();
      if (page.where) q = q.where(page.where);
      if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
      const rows = await q.orderBy('id').limit(rowLimit(page.limit)).execute();
      return rows.map(toGroupRecord);
    },

    async countGroups(page: Pick<ListPage<'groups'>, 'where'> = {}): Promise<number> {
      let q = db.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n'));
      if (page.where) q = q.where(page.where);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    /**
     * Adds a member; false when it already was one. Inside a PostgreSQL transaction a failed insert
     * aborts the transaction, so the duplicate is detected with ON CONFLICT DO NOTHING, not by catching.
     */
    async insertMember(groupId: string, memberId: string, at: Date): Promise<boolean> {
      try {
        const result = await db
          .insertInto('group_members')
          .values({ group_id: groupId, member_id: memberId, created_at: at.getTime() })
          .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },

    async deleteMember(groupId: string, memberId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async isMember(groupId: string, memberId: string): Promise<boolean> {
      const r = await db
        .selectFrom('group_members')
        .select('member_id')
        .where('group_id', '=', groupId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return r !== undefined;
    },

    /** The group's members in id order (keyset paging). */
    async listMembers(groupId: string, page: { afterId?: string; limit: number }): Promise<UserRecord[]> {
      let q = db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.member_id')
        .selectAll('users')
        .where('group_members.group_id', '=', groupId);
      if (page.afterId !== undefined) q = q.where('users.id', '>', page.afterId);
      const rows = await q.orderBy('users.id').limit(rowLimit(page.limit)).execute();
      return rows.map(toUserRecord);
    },

    async listGroupIdsOf(memberId: string): Promise<string[]> {
      return (await groupIdsQuery(db, { memberId })).rows.map((r) => r.group_id);
    },
  };
}
