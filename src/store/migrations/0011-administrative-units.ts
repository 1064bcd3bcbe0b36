// Administrative units (Entra's `administrativeUnit`) and their user members, so that a role assigned at
// "/administrativeUnits/{id}" reaches the users in that unit and no one else (ENTRA-REFERENCE §5.5).

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('administrative_units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Graph's `visibility` (null or "HiddenMembership"); kept so a unit round-trips, not yet enforced.
    .addColumn('visibility', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('administrative_unit_members')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('administrative_units.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('administrative_unit_members_pk', ['unit_id', 'member_id'])
    .execute();
  // unitIdsOfUser runs on every authorization of a user target: look members up by user.
  await db.schema
    .createIndex('administrative_unit_members_member')
    .on('administrative_unit_members')
    .column('member_id')
    .execute();
}
