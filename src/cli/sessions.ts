// `gatepass session revoke USER`: ends every session and refresh token of a user at once (Graph revokeSignInSessions).

import type { Command } from 'commander';
import { revokeSignInSessions } from '../services/sessions.js';
import { getUserByIdOrUpn } from '../services/user-lookup.js';
import { act } from './command.js';

export function registerSessionCommands(program: Command): void {
  const session = program.command('session').description("Users' sign-in sessions");
  session
    .command('revoke')
    .description('End every session and refresh token of a user now; access tokens issued before now are refused too')
    .argument('<user>', 'userPrincipalName or object id')
    .action(
      act(async (s, [key]) => {
        const deps = await s.deps();
        await revokeSignInSessions(deps, s.ctx, key!);
        const user = await getUserByIdOrUpn(deps.db, key!);
        return {
          // What Graph's POST /users/{id}/revokeSignInSessions answers.
          json: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true },
          text: `Ended every session of ${user.userPrincipalName}; tokens issued before ${user.sessionsValidFrom.toISOString()} are void.`,
        };
      }),
    );
}
