// `gatepass unit …`: administrative units and their user members. A unit is named by its id or its (unique) display
// name, a user by id or userPrincipalName.

import type { Command } from 'commander';
import {
  addAdministrativeUnitMember,
  createAdministrativeUnit,
  deleteAdministrativeUnit,
  getAdministrativeUnit,
  listAdministrativeUnitMembers,
  listAdministrativeUnits,
  removeAdministrativeUnitMember,
  type AdministrativeUnitRecord,
} from '../services/administrative-units.js';
import type { Deps, RequestContext } from '../services/deps.js';
import { toGraphAdministrativeUnit } from '../services/graph-shapes.js';
import type { UserRecord } from '../services/users.js';
import { act, wholeNumber } from './command.js';
import { allPages, containerWithMembers, registerMemberCommands } from './container-commands.js';

const UNIT_TYPE = '#microsoft.graph.administrativeUnit';

async function allMembers(
  deps: Deps,
  ctx: RequestContext,
  key: string,
): Promise<{ unit: AdministrativeUnitRecord; members: UserRecord[] }> {
  let unit: AdministrativeUnitRecord | undefined;
  const members = await allPages(undefined, async (top, skipToken) => {
    const page = await listAdministrativeUnitMembers(deps, ctx, key, { top, ...(skipToken ? { skipToken } : {}) });
    unit = page.unit;
    return { items: page.members, nextSkipToken: page.nextSkipToken };
  });
  return { unit: unit!, members };
}

export function registerUnitCommands(program: Command): void {
  const unit = program.command('unit').description('Administrative units (the scopes of unit-scoped role assignments)');

  unit
    .command('create')
    .description('Create an administrative unit')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description')
    .action(
      act(async (session, _args, o) => {
        const created = await createAdministrativeUnit(await session.deps(), session.ctx, {
          displayName: String(o.name),
          ...(typeof o.description === 'string' ? { description: o.description } : {}),
        });
        return {
          json: { '@odata.type': UNIT_TYPE, ...toGraphAdministrativeUnit(created) },
          text: `Created administrative unit ${created.displayName} (${created.id}).`,
        };
      }),
    );

  unit
    .command('list')
    .description('List administrative units, optionally filtered with an OData $filter')
    .option('--filter <filter>', `e.g. "startswith(displayName,'Site')"`)
    .option('--top <n>', 'at most this many units (default: all)')
    .action(
      act(async (session, _args, o) => {
        const top = wholeNumber(o.top, '--top', 1, 1_000_000);
        const deps = await session.deps();
        const filter = typeof o.filter === 'string' ? o.filter : undefined;
        const units = await allPages(top, async (want, skipToken) => {
          const page = await listAdministrativeUnits(deps, session.ctx, {
            top: want,
            ...(filter === undefined ? {} : { filter }),
            ...(skipToken ? { skipToken } : {}),
          });
          return { items: page.units, nextSkipToken: page.nextSkipToken };
        });
        return {
          json: {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directory/administrativeUnits',
            value: units.map((u) => ({ '@odata.type': UNIT_TYPE, ...toGraphAdministrativeUnit(u) })),
          },
          text: units.length === 0 ? 'No administrative units.' : units.map((u) => `${u.id}  ${u.displayName}`),
        };
      }),
    );

  unit
    .command('show')
    .description('Show an administrative unit and its members')
    .argument('<unit>', 'object id or display name')
    .action(
      act(async (session, [key]) => {
        const { unit: found, members } = await allMembers(await session.deps(), session.ctx, key!);
        return containerWithMembers({ '@odata.type': UNIT_TYPE, ...toGraphAdministrativeUnit(found) }, found, members);
      }),
    );

  registerMemberCommands(unit, {
    noun: 'administrative unit',
    argument: 'unit',
    idKey: 'administrativeUnitId',
    add: addAdministrativeUnitMember,
    remove: removeAdministrativeUnitMember,
    get: getAdministrativeUnit,
  });

  unit
    .command('delete')
    .description(
      'Delete an administrative unit: its members stay in the directory, role assignments scoped to it are removed',
    )
    .argument('<unit>', 'object id or display name')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const found = await getAdministrativeUnit(deps, session.ctx, key!).catch(() => undefined);
        await deleteAdministrativeUnit(deps, session.ctx, found?.id ?? key!);
        return {
          json: { id: found?.id ?? null, displayName: found?.displayName ?? null, deleted: true },
          text: `Deleted administrative unit ${found?.displayName ?? key}.`,
        };
      }),
    );
}
