// Custom directory roles (role_definitions); the built-ins are data in src/domain/authz/permissions.ts.

import type { DbOrTx } from '../db.js';
import type { RoleDefinitionsTable } from '../schema.js';

export interface CustomRoleDefinitionRecord {
  id: string;
  displayName: string;
  description: string | null;
  isEnabled: boolean;
  allowedResourceActions: string[];
  version: string;
  createdAt: Date;
}

export interface CustomRoleDefinitionChanges {
  displayName?: string;
  description?: string | null;
  isEnabled?: boolean;
  allowedResourceActions?: string[];
  version?: string;
}

function actionsOf(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === 'string') : [];
}

function toRecord(r: RoleDefinitionsTable): CustomRoleDefinitionRecord {
  return {
    id: r.id,
    displayName: r.display_name,
    description: r.description,
    isEnabled: r.is_enabled === 1,
    allowedResourceActions: actionsOf(r.allowed_resource_actions),
    version: r.version,
    createdAt: new Date(Number(r.created_at)),
  };
}

export function createRoleDefinitionsRepo(db: DbOrTx) {
  return {
    async listRoleDefinitions(options: { enabledOnly?: boolean } = {}): Promise<CustomRoleDefinitionRecord[]> {
      let q = db.selectFrom('role_definitions').selectAll().orderBy('display_name').orderBy('id');
      if (options.enabledOnly) q = q.where('is_enabled', '=', 1);
      return (await q.execute()).map(toRecord);
    },

    async findRoleDefinitionById(id: string): Promise<CustomRoleDefinitionRecord | undefined> {
      const r = await db.selectFrom('role_definitions').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toRecord(r);
    },

    /** The custom roles among `ids`, in one statement (unknown ids are left out). */
    async findRoleDefinitionsByIds(ids: readonly string[]): Promise<CustomRoleDefinitionRecord[]> {
      if (ids.length === 0) return [];
      return (
        await db
          .selectFrom('role_definitions')
          .selectAll()
          .where('id', 'in', [...ids])
          .execute()
      ).map(toRecord);
    },

    /** Display names compare without regard to case, as Entra's do. */
    async findRoleDefinitionByName(displayName: string): Promise<CustomRoleDefinitionRecord | undefined> {
      const rows = await db.selectFrom('role_definitions').selectAll().execute();
      const key = displayName.toLowerCase();
      const r = rows.find((row) => row.display_name.toLowerCase() === key);
      return r && toRecord(r);
    },

    async insertRoleDefinition(d: CustomRoleDefinitionRecord): Promise<void> {
      await db
        .insertInto('role_definitions')
        .values({
          id: d.id,
          display_name: d.displayName,
          description: d.description,
          is_enabled: d.isEnabled ? 1 : 0,
          allowed_resource_actions: JSON.stringify(d.allowedResourceActions),
          version: d.version,
          created_at: d.createdAt.getTime(),
        })
        .execute();
    },

    async updateRoleDefinition(id: string, c: CustomRoleDefinitionChanges): Promise<void> {
      const values: Partial<RoleDefinitionsTable> = {};
      if (c.displayName !== undefined) values.display_name = c.displayName;
      if (c.description !== undefined) values.description = c.description;
      if (c.isEnabled !== undefined) values.is_enabled = c.isEnabled ? 1 : 0;
      if (c.allowedResourceActions !== undefined)
        values.allowed_resource_actions = JSON.stringify(c.allowedResourceActions);
      if (c.version !== undefined) values.version = c.version;
      if (Object.keys(values).length === 0) return;
      await db.updateTable('role_definitions').set(values).where('id', '=', id).execute();
    },

    async deleteRoleDefinition(id: string): Promise<void> {
      await db.deleteFrom('role_definitions').where('id', '=', id).execute();
    },
  };
}
