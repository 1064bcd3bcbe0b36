// `gatepass policy security-defaults [on|off|show]`: the tenant's security defaults, as Graph's
// identitySecurityDefaultsEnforcementPolicy.

import type { Command } from 'commander';
import { getSecurityDefaults, setSecurityDefaults, SECURITY_DEFAULTS_OBJECT_ID } from '../services/security-defaults.js';
import { act } from './command.js';
import { CliError, EXIT } from './errors.js';

/** Graph's shape of the policy, as GET /v1.0/policies/identitySecurityDefaultsEnforcementPolicy returns it. */
export function toGraphSecurityDefaults(isEnabled: boolean) {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy',
    id: SECURITY_DEFAULTS_OBJECT_ID,
    displayName: 'Security Defaults',
    description:
      'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.',
    isEnabled,
  };
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('Tenant-wide policies');
  policy
    .command('security-defaults')
    .description('Show or change security defaults (on by default: every interactive sign-in needs a second factor)')
    .argument('[state]', 'on, off or show', 'show')
    .action(
      act(async (session, [state]) => {
        const deps = await session.deps();
        let isEnabled: boolean;
        if (state === 'show') isEnabled = (await getSecurityDefaults(deps.db)).isEnabled;
        else if (state === 'on' || state === 'off') isEnabled = (await setSecurityDefaults(deps, session.ctx, state === 'on')).isEnabled;
        else throw new CliError(`state must be on, off or show (got ${JSON.stringify(state)})`, EXIT.usage, 'badArgument', 'state');
        return {
          json: toGraphSecurityDefaults(isEnabled),
          text: isEnabled
            ? 'Security defaults are ON: a password alone never completes an interactive sign-in.'
            : 'Security defaults are OFF: a password alone completes a sign-in.',
        };
      }),
    );
}
