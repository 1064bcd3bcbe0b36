// `gatepass tap create|show|delete|why USER`: a user's Temporary Access Pass. The pass is printed once, at creation;
// afterwards only its metadata. Issuing replaces any pass the user holds (one pass per user).

import type { Command } from 'commander';
import { formatPassForDisplay, PASS_DISPLAY_NOTE } from '../domain/tap/code.js';
import { AppError } from '../domain/errors.js';
import type { TapPurpose } from '../domain/tap/constants.js';
import { passEndsAt, retryWindowEndsAt } from '../domain/tap/pass.js';
import { getUser } from '../services/users.js';
import {
  deleteTemporaryAccessPass,
  issueTemporaryAccessPass,
  listTemporaryAccessPasses,
  toGraphTap,
  type TapView,
} from '../services/temporary-access-passes.js';
import { act, wholeNumber } from './command.js';
import { registerTapWhyCommand } from './tap-why.js';

const PURPOSE_WORDS: Record<TapPurpose, string> = {
  setup: 'setup (signs in to Security info only, to add a sign-in method)',
  access: 'access (signs in to every app until the pass ends)',
};

function useOf(view: TapView): string {
  const p = view.pass;
  if (!p.isUsableOnce) return `multi-use${p.usedAt ? `, last used ${p.usedAt.toISOString()}` : ''}`;
  if (p.retryWindowMinutes == null) return `one-time${p.usedAt ? `, used ${p.usedAt.toISOString()}` : ''}`;
  const window = `one-time, retry-tolerant (${p.retryWindowMinutes}-minute registration window)`;
  if (p.usedUpAt) return `${window}, used up by a registration ${p.usedUpAt.toISOString()}`;
  const ends = retryWindowEndsAt(p);
  return ends ? `${window}, first used ${p.usedAt!.toISOString()}, window ends ${ends.toISOString()}` : window;
}

function describePass(view: TapView): string[] {
  return [
    `  Pass id:    ${view.pass.id}`,
    `  Valid:      ${view.pass.startAt.toISOString()} to ${passEndsAt(view.pass).toISOString()} (${view.pass.lifetimeMinutes} minutes)`,
    `  Use:        ${useOf(view)}`,
    `  Purpose:    ${PURPOSE_WORDS[view.pass.purpose]}`,
    `  Usable now: ${view.usability.isUsable ? 'yes' : 'no'} (${view.usability.methodUsabilityReason})`,
    `  Issued by:  ${view.issuedBy.displayName} at ${view.pass.createdAt.toISOString()}`,
  ];
}

export function registerTapCommands(program: Command): void {
  const tap = program.command('tap').description("Users' Temporary Access Passes");

  tap
    .command('create')
    .description('Issue a Temporary Access Pass to a user (replacing theirs, if any) and print it once')
    .argument('<user>', 'userPrincipalName or object id')
    .option('--lifetime <minutes>', "lifetime in minutes, within the policy's range (default: the policy's default)")
    .option('--one-time', "the pass works for one sign-in only (default: the policy's setting)")
    .option(
      '--purpose <purpose>',
      "setup (Security info only) or access (every app) (default: the policy's default; setup for a user without a password)",
    )
    .option(
      '--start <datetime>',
      'activation time, ISO 8601 with a time zone, e.g. 2026-06-05T08:00:00Z (default: now)',
    )
    .action(
      act(async (session, [key], o) => {
        const lifetime = wholeNumber(o.lifetime, '--lifetime', 1, 1_000_000);
        const deps = await session.deps();
        const issued = await issueTemporaryAccessPass(deps, session.ctx, key!, {
          ...(lifetime === undefined ? {} : { lifetimeInMinutes: lifetime }),
          ...(o.oneTime ? { isUsableOnce: true } : {}),
          ...(typeof o.start === 'string' ? { startDateTime: o.start } : {}),
          ...(o.purpose === undefined ? {} : { purpose: o.purpose }),
        });
        const user = await getUser(deps, session.ctx, issued.pass.userId);
        return {
          json: toGraphTap(issued, issued.temporaryAccessPass),
          text: [
            `Temporary Access Pass for ${user.userPrincipalName}:`,
            '',
            `  ${formatPassForDisplay(issued.temporaryAccessPass)}`,
            '',
            `  ${PASS_DISPLAY_NOTE}`,
            ...describePass(issued),
            `  Sign in at:  ${deps.config.issuer}/my/security-info`,
            ...(issued.replaced
              ? [
                  `This replaces the pass issued by ${issued.replaced.issuedBy.displayName} at ${issued.replaced.createdAt.toISOString()}; that one no longer works.`,
                ]
              : []),
          ],
        };
      }),
    );

  tap
    .command('show')
    .description("Show a user's pass (its metadata: the pass itself is never shown again)")
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const user = await getUser(deps, session.ctx, key!);
        const views = await listTemporaryAccessPasses(deps, session.ctx, user.id);
        return {
          json: {
            '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${user.id}')/authentication/temporaryAccessPassMethods`,
            value: views.map((v) => toGraphTap(v)),
          },
          text:
            views.length === 0
              ? `${user.userPrincipalName} holds no Temporary Access Pass.`
              : [`${user.userPrincipalName}:`, ...views.flatMap(describePass)],
        };
      }),
    );

  tap
    .command('delete')
    .description("Revoke a user's pass at once; the sessions it started end too")
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const user = await getUser(deps, session.ctx, key!);
        if ((await listTemporaryAccessPasses(deps, session.ctx, user.id)).length === 0)
          throw new AppError('userHoldsNoPass', { target: 'user', params: { user: user.userPrincipalName } });
        const removed = await deleteTemporaryAccessPass(deps, session.ctx, user.id);
        return {
          json: { id: removed.id, deleted: true },
          text: `Deleted the Temporary Access Pass of ${user.userPrincipalName} and ended the sessions it started.`,
        };
      }),
    );

  registerTapWhyCommand(tap);
}
