// `gatepass user …`: the directory's users. Passwords come from --password-stdin or a hidden prompt, never argv.

import type { Command } from 'commander';
import { toGraphUser } from '../services/graph-shapes.js';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  resetPassword,
  setAccountEnabled,
  updateUser,
  type UserPatch,
  type UserRecord,
} from '../services/users.js';
import { act, wholeNumber, type Options } from './command.js';
import { CliError, EXIT } from './errors.js';
import { obtainPassword } from './password-input.js';
import { throttleLines, throttleState, unlockUser } from './throttle.js';

/** Graph's largest page; the CLI pages through everything unless --top limits it. */
const PAGE = 999;

function describeUser(u: UserRecord): string[] {
  return [
    `${u.userPrincipalName}`,
    `  Object id:      ${u.id}`,
    `  Display name:   ${u.displayName}`,
    ...(u.givenName ? [`  Given name:     ${u.givenName}`] : []),
    ...(u.surname ? [`  Surname:        ${u.surname}`] : []),
    ...(u.jobTitle ? [`  Job title:      ${u.jobTitle}`] : []),
    ...(u.mail ? [`  Mail:           ${u.mail}`] : []),
    `  Account:        ${u.accountEnabled ? 'enabled' : 'DISABLED'}`,
    `  Password:       ${u.passwordHash ? `set ${u.passwordChangedAt?.toISOString() ?? ''}${u.forceChangePassword ? ' (must change at next sign-in)' : ''}` : 'none'}`,
    `  Created:        ${u.createdAt.toISOString()}`,
    `  Sessions valid from: ${u.sessionsValidFrom.toISOString()}`,
  ];
}

/** The optional properties `create` and `update` share, from their options. */
function profileOf(o: Options): Pick<UserPatch, 'givenName' | 'surname' | 'jobTitle' | 'mail' | 'mailNickname'> {
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const out: Pick<UserPatch, 'givenName' | 'surname' | 'jobTitle' | 'mail' | 'mailNickname'> = {};
  if (s(o.givenName) !== undefined) out.givenName = s(o.givenName);
  if (s(o.surname) !== undefined) out.surname = s(o.surname);
  if (s(o.jobTitle) !== undefined) out.jobTitle = s(o.jobTitle);
  if (s(o.mail) !== undefined) out.mail = s(o.mail);
  if (s(o.mailNickname) !== undefined) out.mailNickname = s(o.mailNickname);
  return out;
}

function profileOptions(cmd: Command, clearable: boolean): Command {
  const hint = clearable ? ' ("" clears it)' : '';
  return cmd
    .option('--given-name <name>', `given name${hint}`)
    .option('--surname <name>', `surname${hint}`)
    .option('--job-title <title>', `job title${hint}`)
    .option('--mail <address>', `mail address${hint}`)
    .option('--mail-nickname <alias>', 'mail alias (default: the part of the UPN before @)');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('Users of the directory');

  profileOptions(
    user
      .command('create')
      .description('Create a user, with a password from stdin or the prompt, or with none (--no-password)')
      .requiredOption(
        '--upn <userPrincipalName>',
        'e.g. alice@contoso.test (its domain must be one of GATEPASS_DOMAINS)',
      )
      .requiredOption('--display-name <name>', 'display name')
      .option('--password-stdin', 'read the password from standard input (one line)')
      .option('--no-password', 'create the user without a password (they onboard with a Temporary Access Pass)')
      .option('--force-change-password', 'the user must change the password at the next sign-in')
      .option('--disabled', 'create the account disabled'),
    false,
  ).action(
    act(async (session, _args, o) => {
      const upn = String(o.upn);
      let password: string | undefined;
      if (o.password === false) {
        if (o.passwordStdin)
          throw new CliError(
            '--password-stdin and --no-password contradict each other',
            EXIT.usage,
            'badArgument',
            'password',
          );
        if (o.forceChangePassword)
          throw new CliError(
            '--force-change-password needs a password',
            EXIT.usage,
            'badArgument',
            'force-change-password',
          );
      } else if (o.passwordStdin || (process.stdin.isTTY && process.stderr.isTTY)) {
        password = await obtainPassword(Boolean(o.passwordStdin), upn);
      } else {
        throw new CliError(
          'give --password-stdin (and pipe the password in), or --no-password for a user who onboards with a Temporary Access Pass',
          EXIT.usage,
          'badArgument',
          'password',
        );
      }
      const created = await createUser(await session.deps(), session.ctx, {
        userPrincipalName: upn,
        displayName: String(o.displayName),
        ...profileOf(o),
        accountEnabled: !o.disabled,
        ...(password === undefined ? {} : { password, forceChangePasswordNextSignIn: Boolean(o.forceChangePassword) }),
      });
      return {
        json: toGraphUser(created),
        text: [
          `Created user ${created.userPrincipalName} (${created.id}).`,
          ...(password ? [] : ['It has no password.']),
        ],
      };
    }),
  );

  user
    .command('list')
    .description('List users, optionally filtered with an OData $filter')
    .option('--filter <filter>', `e.g. "startswith(displayName,'Al')" or "userPrincipalName eq 'alice@contoso.test'"`)
    .option('--top <n>', 'at most this many users (default: all)')
    .action(
      act(async (session, _args, o) => {
        const top = wholeNumber(o.top, '--top', 1, 1_000_000);
        const deps = await session.deps();
        const filter = typeof o.filter === 'string' ? o.filter : undefined;
        const users: UserRecord[] = [];
        let skipToken: string | undefined;
        do {
          const want = Math.min(PAGE, top === undefined ? PAGE : top - users.length);
          const page = await listUsers(deps, session.ctx, {
            top: want,
            ...(filter === undefined ? {} : { filter }),
            ...(skipToken ? { skipToken } : {}),
          });
          users.push(...page.users);
          skipToken = page.nextSkipToken;
        } while (skipToken && (top === undefined || users.length < top));
        return {
          json: {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
            value: users.map((u) => toGraphUser(u)),
          },
          text:
            users.length === 0
              ? 'No users.'
              : users.map(
                  (u) =>
                    `${u.id}  ${u.accountEnabled ? 'enabled ' : 'disabled'}  ${u.userPrincipalName}  ${u.displayName}`,
                ),
        };
      }),
    );

  user
    .command('show')
    .description('Show a user, with the state of their sign-in throttle')
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const found = await getUser(deps, session.ctx, key!);
        const throttle = await throttleState(deps, found);
        return {
          json: { ...toGraphUser(found), ...(throttle === undefined ? {} : { '@gatepass.signInThrottle': throttle }) },
          text: [...describeUser(found), ...throttleLines(throttle)],
        };
      }),
    );

  profileOptions(
    user
      .command('update')
      .description("Change a user's properties (only those given)")
      .argument('<user>', 'userPrincipalName or object id')
      .option('--display-name <name>', 'display name')
      .option('--upn <userPrincipalName>', 'new userPrincipalName')
      .option('--force-change-password', 'the user must change the password at the next sign-in')
      .option('--no-force-change-password', 'clear that requirement'),
    true,
  ).action(
    act(async (session, [key], o) => {
      const patch: UserPatch = { ...profileOf(o) };
      if (typeof o.displayName === 'string') patch.displayName = o.displayName;
      if (typeof o.upn === 'string') patch.userPrincipalName = o.upn;
      if (typeof o.forceChangePassword === 'boolean') patch.forceChangePasswordNextSignIn = o.forceChangePassword;
      if (Object.keys(patch).length === 0)
        throw new CliError('nothing to change: give at least one option (see --help)', EXIT.usage, 'badArgument');
      const updated = await updateUser(await session.deps(), session.ctx, key!, patch);
      return { json: toGraphUser(updated), text: `Updated ${updated.userPrincipalName}.` };
    }),
  );

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    user
      .command(name)
      .description(
        enabled ? "Enable a user's account" : "Disable a user's account; their sessions and refresh tokens end at once",
      )
      .argument('<user>', 'userPrincipalName or object id')
      .action(
        act(async (session, [key]) => {
          const changed = await setAccountEnabled(await session.deps(), session.ctx, key!, enabled);
          return {
            json: toGraphUser(changed),
            text: `${enabled ? 'Enabled' : 'Disabled'} ${changed.userPrincipalName}.`,
          };
        }),
      );
  }

  user
    .command('reset-password')
    .description("Set a new password (from stdin or the prompt); the user's sessions end at once")
    .argument('<user>', 'userPrincipalName or object id')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--force-change-password', 'the user must change it at the next sign-in')
    .action(
      act(async (session, [key], o) => {
        const deps = await session.deps();
        const target = await getUser(deps, session.ctx, key!);
        const password = await obtainPassword(Boolean(o.passwordStdin), target.userPrincipalName);
        await resetPassword(deps, session.ctx, target.id, password, {
          forceChangePasswordNextSignIn: Boolean(o.forceChangePassword),
        });
        const after = await getUser(deps, session.ctx, target.id);
        return {
          json: toGraphUser(after),
          text: `Password reset for ${after.userPrincipalName}; their sessions were ended.`,
        };
      }),
    );

  user
    .command('unlock')
    .description('Clear the sign-in throttle of a user (every address), e.g. after a password-guessing attack')
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const found = await getUser(deps, session.ctx, key!);
        const cleared = await unlockUser(deps, session.ctx, found);
        return {
          json: { ...toGraphUser(found), '@gatepass.signInThrottle': cleared },
          text: `Cleared the sign-in throttle of ${found.userPrincipalName}.`,
        };
      }),
    );

  user
    .command('delete')
    .description('Delete a user; their sessions and refresh tokens end at once')
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const found = await getUser(deps, session.ctx, key!).catch(() => undefined);
        await deleteUser(deps, session.ctx, found?.id ?? key!);
        return {
          json: { id: found?.id ?? null, userPrincipalName: found?.userPrincipalName ?? null, deleted: true },
          text: `Deleted ${found?.userPrincipalName ?? key}.`,
        };
      }),
    );
}
