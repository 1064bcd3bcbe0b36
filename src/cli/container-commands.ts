// What `gatepass group …` and `gatepass unit …` share: reading every page of a list, showing a container with its
// members, and the add-member / remove-member pair.

import type { Command } from 'commander';
import type { Deps, RequestContext } from '../services/deps.js';
import { toGraphUser } from '../services/graph-shapes.js';
import type { UserRecord } from '../services/users.js';
import { act } from './command.js';
import type { Outcome } from './session.js';

/** The largest page the services give, so a CLI listing takes as few round trips as it can. */
export const PAGE = 999;

/** Every item of a paged list, or the first `top` of them. */
export async function allPages<T>(
  top: number | undefined,
  page: (want: number, skipToken: string | undefined) => Promise<{ items: T[]; nextSkipToken?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let skipToken: string | undefined;
  do {
    const next = await page(Math.min(PAGE, top === undefined ? PAGE : top - items.length), skipToken);
    items.push(...next.items);
    skipToken = next.nextSkipToken;
  } while (skipToken && (top === undefined || items.length < top));
  return items;
}

interface Container {
  id: string;
  displayName: string;
  description: string | null;
  createdAt: Date;
}

/** The `show` answer: the container's Graph shape with its members, or a few lines of text. */
export function containerWithMembers(
  graphShape: Record<string, unknown>,
  container: Container,
  members: UserRecord[],
): Outcome {
  return {
    json: {
      ...graphShape,
      members: members.map((m) => ({ '@odata.type': '#microsoft.graph.user', ...toGraphUser(m) })),
    },
    text: [
      container.displayName,
      `  Object id:   ${container.id}`,
      ...(container.description ? [`  Description: ${container.description}`] : []),
      `  Created:     ${container.createdAt.toISOString()}`,
      `  Members:     ${members.length === 0 ? 'none' : ''}`,
      ...members.map((m) => `    ${m.userPrincipalName}  ${m.displayName}`),
    ],
  };
}

type MemberChange = (deps: Deps, ctx: RequestContext, containerKey: string, userKey: string) => Promise<void>;

/** `add-member <container> <user>` and `remove-member <container> <user>`. */
export function registerMemberCommands(
  command: Command,
  spec: {
    /** "group", "administrative unit". */
    noun: string;
    /** The argument's name in --help: "group", "unit". */
    argument: string;
    /** The JSON answer's key for the container's id: "groupId", "administrativeUnitId". */
    idKey: string;
    add: MemberChange;
    remove: MemberChange;
    get: (deps: Deps, ctx: RequestContext, key: string) => Promise<{ id: string; displayName: string }>;
  },
): void {
  for (const adding of [true, false]) {
    command
      .command(adding ? 'add-member' : 'remove-member')
      .description(adding ? `Add a user to ${article(spec.noun)}` : `Remove a user from ${article(spec.noun)}`)
      .argument(`<${spec.argument}>`, 'object id or display name')
      .argument('<user>', 'userPrincipalName or object id')
      .action(
        act(async (session, [containerKey, userKey]) => {
          const deps = await session.deps();
          await (adding ? spec.add : spec.remove)(deps, session.ctx, containerKey!, userKey!);
          const found = await spec.get(deps, session.ctx, containerKey!);
          return {
            json: { [spec.idKey]: found.id, member: userKey, [adding ? 'added' : 'removed']: true },
            text: `${adding ? 'Added' : 'Removed'} ${userKey} ${adding ? 'to' : 'from'} ${found.displayName}.`,
          };
        }),
      );
  }
}

const article = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
