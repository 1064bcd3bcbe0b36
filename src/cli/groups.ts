// `gatepass group …`: security groups and their members. A group is named by its id or its (unique) display name.

import type { Command } from 'commander';
import { toGraphGroup } from '../services/graph-shapes.js';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  getGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
  type GroupRecord,
} from '../services/groups.js';
import type { Deps, RequestContext } from '../services/deps.js';
import type { UserRecord } from '../services/users.js';
import { act, wholeNumber } from './command.js';
import { allPages, containerWithMembers, registerMemberCommands } from './container-commands.js';

async function allMembers(
  deps: Deps,
  ctx: RequestContext,
  key: string,
): Promise<{ group: GroupRecord; members: UserRecord[] }> {
  let group: GroupRecord | undefined;
  const members = await allPages(undefined, async (top, skipToken) => {
    const page = await listGroupMembers(deps, ctx, key, { top, ...(skipToken ? { skipToken } : {}) });
    group = page.group;
    return { items: page.members, nextSkipToken: page.nextSkipToken };
  });
  return { group: group!, members };
}

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('Security groups');

  group
    .command('create')
    .description('Create a security group')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description')
    .option('--mail-nickname <alias>', 'mail alias (default: derived from the name)')
    .action(
      act(async (session, _args, o) => {
        const created = await createGroup(await session.deps(), session.ctx, {
          displayName: String(o.name),
          ...(typeof o.description === 'string' ? { description: o.description } : {}),
          ...(typeof o.mailNickname === 'string' ? { mailNickname: o.mailNickname } : {}),
        });
        return { json: toGraphGroup(created), text: `Created group ${created.displayName} (${created.id}).` };
      }),
    );

  group
    .command('list')
    .description('List groups, optionally filtered with an OData $filter')
    .option('--filter <filter>', `e.g. "startswith(displayName,'Site')"`)
    .option('--top <n>', 'at most this many groups (default: all)')
    .action(
      act(async (session, _args, o) => {
        const top = wholeNumber(o.top, '--top', 1, 1_000_000);
        const deps = await session.deps();
        const filter = typeof o.filter === 'string' ? o.filter : undefined;
        const groups = await allPages(top, async (want, skipToken) => {
          const page = await listGroups(deps, session.ctx, {
            top: want,
            ...(filter === undefined ? {} : { filter }),
            ...(skipToken ? { skipToken } : {}),
          });
          return { items: page.groups, nextSkipToken: page.nextSkipToken };
        });
        return {
          json: {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups',
            value: groups.map((g) => toGraphGroup(g)),
          },
          text: groups.length === 0 ? 'No groups.' : groups.map((g) => `${g.id}  ${g.displayName}`),
        };
      }),
    );

  group
    .command('show')
    .description('Show a group and its members')
    .argument('<group>', 'object id or display name')
    .action(
      act(async (session, [key]) => {
        const { group: found, members } = await allMembers(await session.deps(), session.ctx, key!);
        return containerWithMembers(toGraphGroup(found), found, members);
      }),
    );

  registerMemberCommands(group, {
    noun: 'group',
    argument: 'group',
    idKey: 'groupId',
    add: addGroupMember,
    remove: removeGroupMember,
    get: getGroup,
  });

  group
    .command('delete')
    .description('Delete a group (its members stay in the directory)')
    .argument('<group>', 'object id or display name')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const found = await getGroup(deps, session.ctx, key!).catch(() => undefined);
        await deleteGroup(deps, session.ctx, found?.id ?? key!);
        return {
          json: { id: found?.id ?? null, displayName: found?.displayName ?? null, deleted: true },
          text: `Deleted group ${found?.displayName ?? key}.`,
        };
      }),
    );
}
