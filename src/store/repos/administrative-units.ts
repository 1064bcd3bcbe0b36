// Administrative units of the directory and their (user) members.

import { sql, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { isUniqueViolation } from '../db.js';
import type { AdministrativeUnitsTable } from '../schema.js';
import type { ColumnMap, ListPage } from './query.js';
import { toUserRecord, type UserRecord } from './users.js';
import { rowLimit } from '../prepared.js';

export interface AdministrativeUnitRecord {
  id: string;
  displayName: string;
  description: string | null;
  /** Graph's `visibility`: null (public) or "HiddenMembership". */
  visibility: string | null;
  createdAt: Date;
}

export type AdministrativeUnitChanges = Partial<Pick<AdministrativeUnitRecord, 'displayName' | 'description'>>;

export function toAdministrativeUnitRecord(r: Selectable<AdministrativeUnitsTable>): AdministrativeUnitRecord {
  return {
    id: r.id,
    displayName: r.display_name,
    description: r.description,
    visibility: r.visibility,
    createdAt: new Date(Number(r.created_at)),
  };
}

function toRow(c: AdministrativeUnitChanges): Updateable<AdministrativeUnitsTable> {
  const row: Updateable<AdministrativeUnitsTable> = {};
  if (c.displayName !== undefined) row.display_name = c.displayName;
  if (c.description !== undefined) row.description = c.description;
  return row;
}

/** Filterable unit properties (allow-list keys) → columns. */
export const ADMINISTRATIVE_UNIT_FILTER_COLUMNS = {
  id: { column: 'id', kind: 'guid' },
  displayName: { column: 'display_name', kind: 'ci-text' },
  description: { column: 'description', kind: 'ci-text' },
  createdDateTime: { column: 'created_at', kind: 'time' },
} as const satisfies ColumnMap<string>;
export type AdministrativeUnitFilterKey = keyof typeof ADMINISTRATIVE_UNIT_FILTER_COLUMNS;

/**
 * The ids of the units the user is a member of: what an authorization target carries, so that a role assigned at
 * "/administrativeUnits/{id}" reaches exactly the members of that unit.
 */
export async function unitIdsOfUser(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('administrative_unit_members')
    .select('unit_id')
    .where('member_id', '=', userId)
    .orderBy('unit_id')
    .execute();
  return rows.map((r) => r.unit_id);
}

export function createAdministrativeUnitsRepo(db: DbOrTx) {
  return {
    async findUnitById(id: string): Promise<AdministrativeUnitRecord | undefined> {
      const r = await db.selectFrom('administrative_units').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toAdministrativeUnitRecord(r);
    },

    /**
     * The unit, share-locked until the transaction ends on PostgreSQL: an assignment scoped to it then either commits
     * before a concurrent delete takes the unit's row (and that delete removes it), or finds the unit gone. SQLite
     * serialises writers by itself.
     */
    async findUnitByIdForShare(
      id: string,
      dialect: 'sqlite' | 'postgres',
    ): Promise<AdministrativeUnitRecord | undefined> {
      const q = db.selectFrom('administrative_units').selectAll().where('id', '=', id);
      const r = await (dialect === 'postgres' ? q.forShare() : q).executeTakeFirst();
      return r && toAdministrativeUnitRecord(r);
    },

    /** Case-insensitive, as Graph compares displayName; at most `limit` rows (2 is enough to tell "ambiguous"). */
    async findUnitsByDisplayName(displayName: string, limit = 2): Promise<AdministrativeUnitRecord[]> {
      const rows = await db
        .selectFrom('administrative_units')
        .selectAll()
        .where(sql<string>`lower(display_name)`, '=', displayName.toLowerCase())
        .orderBy('id')
        .limit(rowLimit(limit))
        .execute();
      return rows.map(toAdministrativeUnitRecord);
    },

    async insertUnit(u: AdministrativeUnitRecord): Promise<void> {
      await db
        .insertInto('administrative_units')
        .values({
          id: u.id,
          display_name: u.displayName,
          description: u.description,
          visibility: u.visibility,
          created_at: u.createdAt.getTime(),
        })
        .execute();
    },

    /** Returns false when no such unit exists. */
    async updateUnit(id: string, changes: AdministrativeUnitChanges): Promise<boolean> {
      const row = toRow(changes);
      if (Object.keys(row).length === 0)
        return (
          (await db.selectFrom('administrative_units').select('id').where('id', '=', id).executeTakeFirst()) !==
          undefined
        );
      const result = await db.updateTable('administrative_units').set(row).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Memberships go with it (ON DELETE CASCADE). */
    async deleteUnit(id: string): Promise<boolean> {
      const result = await db.deleteFrom('administrative_units').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async listUnits(page: ListPage<'administrative_units'>): Promise<AdministrativeUnitRecord[]> {
      let q = db.selectFrom('administrative_units').selectAll();
      if (page.where) q = q.where(page.where);
      if (page.afterId !== undefined) q = q.where('id', '>', page.afterId);
      const rows = await q.orderBy('id').limit(rowLimit(page.limit)).execute();
      return rows.map(toAdministrativeUnitRecord);
    },

    async countUnits(page: Pick<ListPage<'administrative_units'>, 'where'> = {}): Promise<number> {
      let q = db.selectFrom('administrative_units').select((eb) => eb.fn.countAll<number>().as('n'));
      if (page.where) q = q.where(page.where);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },

    /**
     * Adds a member; false when it already was one. Inside a PostgreSQL transaction a failed insert aborts the
     * transaction, so the duplicate is detected with ON CONFLICT DO NOTHING, not by catching.
     */
    async insertMember(unitId: string, memberId: string, at: Date): Promise<boolean> {
      try {
        const result = await db
          .insertInto('administrative_unit_members')
          .values({ unit_id: unitId, member_id: memberId, created_at: at.getTime() })
          .onConflict((oc) => oc.columns(['unit_id', 'member_id']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },

    async deleteMember(unitId: string, memberId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('administrative_unit_members')
        .where('unit_id', '=', unitId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** The unit's members in id order (keyset paging). */
    async listMembers(unitId: string, page: { afterId?: string; limit: number }): Promise<UserRecord[]> {
      let q = db
        .selectFrom('administrative_unit_members')
        .innerJoin('users', 'users.id', 'administrative_unit_members.member_id')
        .selectAll('users')
        .where('administrative_unit_members.unit_id', '=', unitId);
      if (page.afterId !== undefined) q = q.where('users.id', '>', page.afterId);
      const rows = await q.orderBy('users.id').limit(rowLimit(page.limit)).execute();
      return rows.map(toUserRecord);
    },

    /** The units the user is a member of, in id order. */
    async listUnitsOf(memberId: string): Promise<AdministrativeUnitRecord[]> {
      const rows = await db
        .selectFrom('administrative_unit_members')
        .innerJoin('administrative_units', 'administrative_units.id', 'administrative_unit_members.unit_id')
        .selectAll('administrative_units')
        .where('administrative_unit_members.member_id', '=', memberId)
        .orderBy('administrative_units.id')
        .execute();
      return rows.map(toAdministrativeUnitRecord);
    },
  };
}
