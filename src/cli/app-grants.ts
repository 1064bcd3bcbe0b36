// `gatepass app grant APP NAME…`: an administrator's tenant-wide grant of delegated Graph permissions to an app, for
// every user (Graph's oauth2PermissionGrant, consentType AllPrincipals). Admin-only permissions reach a delegated
// token only this way; `app create --delegated-permission` does the same at creation.

import type { Command } from 'commander';
import { grantDelegatedPermissions, toGraphPermissionGrant } from '../services/permission-grants.js';
import { act } from './command.js';

export function registerAppGrantCommand(app: Command): void {
  app
    .command('grant')
    .description(
      'Grant delegated Graph permissions to an app for every user (admin consent, audited); needed for admin-only ones such as User.ReadWrite.All',
    )
    .argument('<app>', 'client id, object id or display name')
    .argument('<permission...>', 'delegated permission names, e.g. UserAuthenticationMethod.ReadWrite.All')
    .action(
      act(async (session, [appKey, ...names]) => {
        const grant = await grantDelegatedPermissions(await session.deps(), session.ctx, appKey!, names.flat());
        return {
          json: toGraphPermissionGrant(grant),
          text: `${grant.clientDisplayName} holds, for every user: ${grant.scope.join(' ')}.`,
        };
      }),
    );
}
