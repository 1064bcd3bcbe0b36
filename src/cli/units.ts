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
import { toGraphAdministrativeUnit, toGraphUser } from '../services/graph-shapes.js';
import type { UserRecord } from '../services/users.js';
import { act, wholeNumber } from './command.js';

const PAGE = 999;
const UNIT_TYPE = '#microsoft.graph.administrativeUnit';

async function allMembers(
  deps: Deps,
  ctx: RequestContext,
  key: string,
): Promise<{ unit: AdministrativeUnitRecord; members: UserRecord[] }> {
  const members: UserRecord[] = [];
  let skipToken: string | undefined;
  let unit: AdministrativeUnitRecord;
  do {
    const page = await listAdministrativeUnitMembers(deps, ctx, key, {
      top: PAGE,
      ...(skipToken ? { skipToken } : {}),
    });
    unit = page.unit;
    members.push(...page.members);
    skipToken = page.nextSkipToken;
  } while (skipToken);
  return { unit, members };
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
        const units: AdministrativeUnitRecord[] = [];
        let skipToken: string | undefined;
        do {
          const want = Math.min(PAGE, top === undefined ? PAGE : top - units.length);
          const page = await listAdministrativeUnits(deps, session.ctx, {
            top: want,
            ...(filter === undefined ? {} : { filter }),
            ...(skipToken ? { skipToken } : {}),
          });
          units.push(...page.units);
          skipToken = page.nextSkipToken;
        } while (skipToken && (top === undefined || units.length < top));
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
        return {
          json: {
            '@odata.type': UNIT_TYPE,
            ...toGraphAdministrativeUnit(found),
            members: members.map((m) => ({ '@odata.type': '#microsoft.graph.user', ...toGraphUser(m) })),
          },
          text: [
            found.displayName,
            `  Object id:   ${found.id}`,
            ...(found.description ? [`  Description: ${found.description}`] : []),
            `  Created:     ${found.createdAt.toISOString()}`,
            `  Members:     ${members.length === 0 ? 'none' : ''}`,
            ...members.map((m) => `    ${m.userPrincipalName}  ${m.displayName}`),
          ],
        };
      }),
    );

  for (const [name, adding] of [
    ['add-member', true],
    ['remove-member', false],
  ] as const) {
    unit
      .command(name)
      .description(adding ? 'Add a user to an administrative unit' : 'Remove a user from an administrative unit')
      .argument('<unit>', 'object id or display name')
      .argument('<user>', 'userPrincipalName or object id')
      .action(
        act(async (session, [unitKey, userKey]) => {
          const deps = await session.deps();
          await (adding ? addAdministrativeUnitMember : removeAdministrativeUnitMember)(
            deps,
            session.ctx,
            unitKey!,
            userKey!,
          );
          const found = await getAdministrativeUnit(deps, session.ctx, unitKey!);
          return {
            json: { administrativeUnitId: found.id, member: userKey, [adding ? 'added' : 'removed']: true },
            text: `${adding ? 'Added' : 'Removed'} ${userKey} ${adding ? 'to' : 'from'} ${found.displayName}.`,
          };
        }),
      );
  }

  unit
    .command('delete')
    .description('Delete an administrative unit (its members stay in the directory)')
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
