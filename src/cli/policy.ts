// `gatepass policy security-defaults [on|off|show]` (Graph's identitySecurityDefaultsEnforcementPolicy)
// `gatepass policy tap show|set` (the Temporary Access Pass method configuration), and
// `gatepass policy app-permissions-reach-privileged-users [on|off|show]` (a Gatepass tenant setting).

import type { Command } from 'commander';
import {
  ALL_USERS,
  DEFAULT_PURPOSE_PROPERTY,
  ONE_TIME_RETRY_PROPERTY,
  REGISTRATION_WINDOW_PROPERTY,
  RETIRE_PROPERTY,
  SIGN_IN_FLOW_PROPERTY,
  toGraphTapConfiguration,
  type TapPolicy,
} from '../domain/tap/policy.js';
import {
  APP_PRIVILEGED_TARGETS_POLICY_ID,
  getAppPrivilegedTargetsPolicy,
  setAppPrivilegedTargetsPolicy,
} from '../services/app-privileged-targets-policy.js';
import type { Deps, RequestContext } from '../services/deps.js';
import { getGroup } from '../services/groups.js';
import {
  getSecurityDefaults,
  setSecurityDefaults,
  SECURITY_DEFAULTS_OBJECT_ID,
} from '../services/security-defaults.js';
import { getTapPolicy, updateTapPolicy } from '../services/tap-policy.js';
import { act, wholeNumber } from './command.js';
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
        else if (state === 'on' || state === 'off')
          isEnabled = (await setSecurityDefaults(deps, session.ctx, state === 'on')).isEnabled;
        else
          throw new CliError(
            `state must be on, off or show (got ${JSON.stringify(state)})`,
            EXIT.usage,
            'badArgument',
            'state',
          );
        return {
          json: toGraphSecurityDefaults(isEnabled),
          text: isEnabled
            ? 'Security defaults are ON: a password alone never completes an interactive sign-in.'
            : 'Security defaults are OFF: a password alone completes a sign-in.',
        };
      }),
    );
  policy
    .command('app-permissions-reach-privileged-users')
    .description(
      "Show or change whether an app's permission alone may change a privileged user's credentials (off by default; on = Entra's behaviour)",
    )
    .argument('[state]', 'on, off or show', 'show')
    .action(
      act(async (session, [state]) => {
        const deps = await session.deps();
        let isEnabled: boolean;
        if (state === 'show') isEnabled = (await getAppPrivilegedTargetsPolicy(deps.db)).isEnabled;
        else if (state === 'on' || state === 'off')
          isEnabled = (await setAppPrivilegedTargetsPolicy(deps, session.ctx, state === 'on')).isEnabled;
        else
          throw new CliError(
            `state must be on, off or show (got ${JSON.stringify(state)})`,
            EXIT.usage,
            'badArgument',
            'state',
          );
        return {
          json: { id: APP_PRIVILEGED_TARGETS_POLICY_ID, isEnabled },
          text: isEnabled
            ? "ON (Entra's behaviour): an app with UserAuthenticationMethod.ReadWrite.All changes the credentials of any user, Global Administrators included."
            : 'OFF: an app changes the credentials of a user holding a privileged role only if its service principal holds a role that may (gatepass app role add).',
        };
      }),
    );
  registerTapPolicyCommands(policy);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Group names or ids to policy target ids; `all` (or all_users) means every user. */
async function targetIds(deps: Deps, ctx: RequestContext, keys: string[], allowAll: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (const key of keys) {
    if (allowAll && (key === 'all' || key === ALL_USERS)) ids.push(ALL_USERS);
    else ids.push((await getGroup(deps, ctx, key)).id);
  }
  return ids;
}

function describeTapPolicy(p: TapPolicy): string[] {
  return [
    `Temporary Access Pass policy: ${p.state.toUpperCase()}`,
    `  Lifetime:   default ${p.defaultLifetimeInMinutes} min, allowed ${p.minimumLifetimeInMinutes} to ${p.maximumLifetimeInMinutes} min`,
    `  Length:     ${p.defaultLength} characters`,
    `  One-time:   ${p.isUsableOnce ? 'every pass is one-time' : 'issuer chooses (multi-use by default)'}`,
    `  Includes:   ${p.includeTargets.map((t) => (t.id === ALL_USERS ? 'all users' : `group ${t.id}`)).join(', ') || 'nobody'}`,
    `  Excludes:   ${p.excludeTargets.map((t) => `group ${t.id}`).join(', ') || 'nobody'}`,
    `  Sign-in:    ${p.signInFlow === 'tapFirst' ? "pass asked right after the username (Entra's flow)" : 'password first, then the pass when a second factor is needed'}`,
    `  Purpose:    ${p.defaultPurpose === 'setup' ? 'set-up only' : 'access to apps'} by default (a user without a password: set-up only)`,
    `  One-time:   ${p.oneTimeRetry ? `used up by a registration or after ${p.registrationWindowInMinutes} minutes (retry-tolerant)` : `used up at the first sign-in (Entra); ${p.registrationWindowInMinutes}-minute window when retry is on`}`,
    `  Retire:     ${p.retireAfterRegistration ? 'a pass is removed once the user registers a method that replaces it' : 'a pass stays until it ends or is deleted'}`,
  ];
}

export function registerTapPolicyCommands(policy: Command): void {
  const tap = policy.command('tap').description('The Temporary Access Pass policy (authentication methods policy)');
  tap
    .command('show')
    .description('Show the Temporary Access Pass policy')
    .action(
      act(async (session) => {
        const p = await getTapPolicy((await session.deps()).db);
        return { json: toGraphTapConfiguration(p), text: describeTapPolicy(p) };
      }),
    );
  tap
    .command('set')
    .description(
      'Change the Temporary Access Pass policy (only the options given; a change that breaks a rule is refused whole)',
    )
    .option('--state <state>', 'enabled or disabled')
    .option('--default-lifetime <minutes>', 'default lifetime, 10 to 43200')
    .option('--min-lifetime <minutes>', 'minimum lifetime, 10 to 43200')
    .option('--max-lifetime <minutes>', 'maximum lifetime, 10 to 43200')
    .option('--length <n>', 'characters in a new pass, 8 to 48')
    .option('--one-time', 'every pass is one-time')
    .option('--no-one-time', 'issuers may issue multi-use passes')
    .option(
      '--include <group>',
      'a group (name or id) the policy applies to, or `all` (repeatable; replaces the list)',
      collect,
    )
    .option(
      '--exclude <group>',
      'a group (name or id) excluded from the policy (repeatable; replaces the list)',
      collect,
    )
    .option('--no-exclude', 'exclude nobody')
    .option('--sign-in-flow <flow>', "passwordFirst (default) or tapFirst (Entra's: the pass right after the username)")
    .option(
      '--default-purpose <purpose>',
      'setup (a pass opens Security info only) or access (every app; the default) for users who have a password',
    )
    .option('--one-time-retry', 'a one-time pass survives a failed first try: used up by a registration or its window')
    .option('--no-one-time-retry', "a one-time pass is used up at its first sign-in (Entra's rule; the default)")
    .option(
      '--registration-window <minutes>',
      'registration window of a retry-tolerant one-time pass, 5 to 60 minutes (default 10)',
    )
    .option('--retire-after-registration', 'remove a pass once the user registers a method that replaces it (default)')
    .option('--no-retire-after-registration', 'keep a pass until it ends or is deleted, as Entra does')
    .action(
      act(async (session, _args, o) => {
        const deps = await session.deps();
        const patch: Record<string, unknown> = {};
        const num = (v: unknown, name: string) => wholeNumber(v, name, 0, 1_000_000);
        if (o.state !== undefined) patch.state = o.state;
        if (o.defaultLifetime !== undefined)
          patch.defaultLifetimeInMinutes = num(o.defaultLifetime, '--default-lifetime');
        if (o.minLifetime !== undefined) patch.minimumLifetimeInMinutes = num(o.minLifetime, '--min-lifetime');
        if (o.maxLifetime !== undefined) patch.maximumLifetimeInMinutes = num(o.maxLifetime, '--max-lifetime');
        if (o.length !== undefined) patch.defaultLength = num(o.length, '--length');
        if (typeof o.oneTime === 'boolean') patch.isUsableOnce = o.oneTime;
        if (Array.isArray(o.include))
          patch.includeTargets = (await targetIds(deps, session.ctx, o.include as string[], true)).map((id) => ({
            targetType: 'group',
            id,
            isRegistrationRequired: false,
          }));
        if (o.exclude === false) patch.excludeTargets = [];
        else if (Array.isArray(o.exclude))
          patch.excludeTargets = (await targetIds(deps, session.ctx, o.exclude as string[], false)).map((id) => ({
            targetType: 'group',
            id,
          }));
        if (o.signInFlow !== undefined) patch[SIGN_IN_FLOW_PROPERTY] = o.signInFlow;
        if (o.defaultPurpose !== undefined) patch[DEFAULT_PURPOSE_PROPERTY] = o.defaultPurpose;
        if (typeof o.retireAfterRegistration === 'boolean') patch[RETIRE_PROPERTY] = o.retireAfterRegistration;
        if (typeof o.oneTimeRetry === 'boolean') patch[ONE_TIME_RETRY_PROPERTY] = o.oneTimeRetry;
        if (o.registrationWindow !== undefined)
          patch[REGISTRATION_WINDOW_PROPERTY] = num(o.registrationWindow, '--registration-window');
        if (Object.keys(patch).length === 0)
          throw new CliError('nothing to change: give at least one option (see --help)', EXIT.usage, 'badArgument');
        const after = await updateTapPolicy(deps, session.ctx, patch);
        return { json: toGraphTapConfiguration(after), text: describeTapPolicy(after) };
      }),
    );
}
