// `gatepass group …`: security groups and their members. A group is named by its id or its (unique) display name.

import type { Command } from 'commander';
import { toGraphGroup, toGraphUser } from '../services/graph-shapes.js';
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

const PAGE = 999;

async function allMembers(
  deps: Deps,
  ctx: RequestContext,
  key: string,
): Promise<{ group: GroupRecord; members: UserRecord[] }> {
  const members: UserRecord[] = [];
  let skipToken: string | undefined;
  let group: GroupRecord;
  do {
    const page = await listGroupMembers(deps, ctx, key, { top: PAGE, ...(skipToken ? { skipToken } : {}) });
    group = page.group;
    members.push(...page.members);
    skipToken = page.nextSkipToken;
  } while (skipToken);
  return { group, members };
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
        const groups: GroupRecord[] = [];
        let skipToken: string | undefined;
        do {
          const want = Math.min(PAGE, top === undefined ? PAGE : top - groups.length);
          const page = await listGroups(deps, session.ctx, {
            top: want,
            ...(filter === undefined ? {} : { filter }),
            ...(skipToken ? { skipToken } : {}),
          });
          groups.push(...page.groups);
          skipToken = page.nextSkipToken;
        } while (skipToken && (top === undefined || groups.length < top));
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
        return {
          json: {
            ...toGraphGroup(found),
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
    group
      .command(name)
      .description(adding ? 'Add a user to a group' : 'Remove a user from a group')
      .argument('<group>', 'object id or display name')
      .argument('<user>', 'userPrincipalName or object id')
      .action(
        act(async (session, [groupKey, userKey]) => {
          const deps = await session.deps();
          await (adding ? addGroupMember : removeGroupMember)(deps, session.ctx, groupKey!, userKey!);
          const found = await getGroup(deps, session.ctx, groupKey!);
          return {
            json: { groupId: found.id, member: userKey, [adding ? 'added' : 'removed']: true },
            text: `${adding ? 'Added' : 'Removed'} ${userKey} ${adding ? 'to' : 'from'} ${found.displayName}.`,
          };
        }),
      );
  }

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
