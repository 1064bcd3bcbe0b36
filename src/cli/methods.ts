// `gatepass method list|delete USER`: a user's sign-in methods, as an administrator sees them (Graph's
// /users/{id}/authentication/methods), and deleting an authenticator app or a passkey — e.g. a lost phone, or
// Entra's "require re-register MFA", which is deleting each method.

import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { passEndsAt } from '../domain/tap/pass.js';
import {
  deleteAuthenticationMethod,
  listAuthenticationMethods,
  toGraphFido2,
  toGraphPassword,
  toGraphSoftwareOath,
  type AuthenticationMethods,
} from '../services/authentication-methods.js';
import { toGraphTap } from '../services/temporary-access-passes.js';
import { toGraphEmailMethod } from '../services/email-methods.js';
import { act } from './command.js';

const when = (d: Date | null) => (d ? d.toISOString() : 'never');

function lines(m: AuthenticationMethods): string[] {
  const out = [`Sign-in methods of ${m.user.userPrincipalName}:`];
  out.push(
    m.password
      ? `  Password                last changed ${when(m.password.changedAt)}`
      : '  Password                none',
  );
  if (m.pass)
    out.push(
      `  Temporary Access Pass   ${m.pass.pass.id}  until ${passEndsAt(m.pass.pass).toISOString()}, ${m.pass.usability.methodUsabilityReason}`,
    );
  for (const a of m.apps)
    out.push(
      `  Authenticator app       ${a.id}  "${a.displayName}", added ${when(a.createdAt)}, last used ${when(a.lastUsedAt)}`,
    );
  for (const k of m.passkeys)
    out.push(
      `  Passkey                 ${k.id}  "${k.displayName}", ${k.deviceType === 'multiDevice' ? 'synced' : 'device-bound'}, added ${when(k.createdAt)}, last used ${when(k.lastUsedAt)}`,
    );
  if (m.email)
    out.push(`  Email (notices)         ${m.email.id}  ${m.email.emailAddress}, added ${when(m.email.createdAt)}`);
  return out;
}

export function registerMethodCommands(program: Command): void {
  const method = program.command('method').description("Users' sign-in methods (authenticator apps, passkeys, …)");

  method
    .command('list')
    .description("List a user's sign-in methods (never a secret)")
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const m = await listAuthenticationMethods(deps, session.ctx, key!);
        const value = [
          ...(m.password ? [toGraphPassword(m.password)] : []),
          ...(m.pass ? [toGraphTap(m.pass)] : []),
          ...m.apps.map(toGraphSoftwareOath),
          ...m.passkeys.map(toGraphFido2),
          ...(m.email ? [toGraphEmailMethod(m.email)] : []),
        ];
        return {
          json: {
            '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${m.user.id}')/authentication/methods`,
            value,
          },
          text: lines(m),
        };
      }),
    );

  method
    .command('delete')
    .description("Delete one of a user's authenticator apps or passkeys (the id from `method list`); audited")
    .argument('<user>', 'userPrincipalName or object id')
    .argument('<method-id>', 'the method id')
    .action(
      act(async (session, [key, methodId]) => {
        const deps = await session.deps();
        const m = await listAuthenticationMethods(deps, session.ctx, key!);
        const kind = m.apps.some((a) => a.id === methodId)
          ? 'softwareOath'
          : m.passkeys.some((k) => k.id === methodId)
            ? 'fido2'
            : undefined;
        if (!kind)
          throw new AppError('userMethodNotFound', {
            target: 'method-id',
            params: { user: m.user.userPrincipalName, methodId: String(methodId) },
          });
        await deleteAuthenticationMethod(deps, session.ctx, m.user.id, kind, methodId!, 'Admin');
        const what = kind === 'fido2' ? 'passkey' : 'authenticator app';
        return {
          json: { id: methodId, deleted: true },
          text: `Deleted the ${what} ${methodId} of ${m.user.userPrincipalName}; it no longer signs in.`,
        };
      }),
    );
}
