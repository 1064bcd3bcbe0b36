// `gatepass app …`: applications (OIDC clients). A daemon app (--permission) gets tokens with client credentials;
// a web app (--redirect-uri) signs users in with authorization code + PKCE. Secrets are printed once, never again.

import type { Command } from 'commander';
import {
  addApplicationSecret,
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  removeApplicationSecret,
  toGraphApplication,
  type ApplicationRecord,
  type NewSecret,
} from '../services/applications.js';
import { assignAppRole, listAppRoleAssignments, removeAppRole, type AppRoleAssignment } from '../services/app-roles.js';
import type { Deps } from '../services/deps.js';
import { delegatedNamesOf, grantDelegatedPermissions, toGraphPermissionGrant } from '../services/permission-grants.js';
import { registerAppGrantCommand } from './app-grants.js';
import { act, wholeNumber } from './command.js';
import { CliError, EXIT } from './errors.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Where a client gets tokens: the per-tenant endpoint Microsoft's libraries use, and the plain one. */
function tokenEndpoints(deps: Deps): { tenantTokenEndpoint: string; tokenEndpoint: string } {
  const issuer = deps.config.issuer;
  return {
    tenantTokenEndpoint: `${issuer}/${deps.tenant.id}/oauth2/v2.0/token`,
    tokenEndpoint: `${issuer}/oauth2/v2.0/token`,
  };
}

/** Graph's passwordCredential as addPassword returns it: the only response that ever carries secretText. */
function toGraphPasswordCredential(secret: NewSecret, displayName: string | null) {
  return {
    customKeyIdentifier: null,
    displayName,
    endDateTime: secret.endDateTime,
    hint: secret.hint,
    keyId: secret.keyId,
    secretText: secret.secretText,
    startDateTime: secret.startDateTime,
  };
}

function describeRoles(roles: AppRoleAssignment[]): string[] {
  if (roles.length === 0) return ['  Directory roles:         none'];
  return roles.map(
    (r, i) =>
      `  ${i === 0 ? 'Directory roles:' : '                '}         ${r.roleDisplayName ?? r.roleTemplateId} (${r.directoryScopeId === '/' ? 'tenant-wide' : r.directoryScopeId})`,
  );
}

/** Graph's unifiedRoleAssignment shape for `--json`, the principal being the app's service principal. */
function toGraphRoleAssignment(app: ApplicationRecord, r: AppRoleAssignment) {
  return {
    id: r.id,
    principalId: app.servicePrincipalId,
    roleDefinitionId: r.roleTemplateId,
    directoryScopeId: r.directoryScopeId,
    roleDisplayName: r.roleDisplayName,
  };
}

function describeApp(app: ApplicationRecord): string[] {
  const lines = [
    `${app.displayName}`,
    `  Client (application) id: ${app.appId}`,
    `  Object id:               ${app.id}`,
    `  Kind:                    ${app.kind}${app.kind === 'daemon' ? ' (client credentials)' : app.kind === 'web' ? ' (authorization code + PKCE)' : ''}`,
  ];
  if (app.permissions.length > 0) lines.push(`  Permissions:             ${app.permissions.join(', ')}`);
  if (app.redirectUris.length > 0) lines.push(`  Redirect URIs:           ${app.redirectUris.join(', ')}`);
  if (app.kind === 'web')
    lines.push(`  Consent:                 ${app.requireConsent ? 'asked of each user' : 'not asked (first-party)'}`);
  lines.push(`  Created:                 ${app.createdAt.toISOString()}`);
  if (app.secrets.length === 0) lines.push('  Secrets:                 none');
  for (const s of app.secrets)
    lines.push(
      `  Secret ${s.keyId}: ${s.hint}…, valid ${s.startAt.toISOString()} to ${s.endAt.toISOString()}${s.displayName ? ` (${s.displayName})` : ''}`,
    );
  return lines;
}

export function registerAppCommands(program: Command): void {
  const app = program.command('app').description('Applications that get tokens from Gatepass');

  app
    .command('create')
    .description(
      'Create a daemon app (--permission, client credentials) or a web app (--redirect-uri, code + PKCE); prints its secret once',
    )
    .requiredOption('--name <name>', 'display name')
    .option(
      '--permission <permission>',
      'Graph application permission, e.g. User.ReadWrite.All (repeatable): makes a daemon app',
      collect,
    )
    .option('--redirect-uri <url>', 'redirect URI, https or http://localhost (repeatable): makes a web app', collect)
    .option('--require-consent', 'web app: ask each user for consent (default: first-party, no consent)')
    .option(
      '--delegated-permission <name>',
      'web app: delegated Graph permission granted for every user (admin consent; repeatable), e.g. User.ReadWrite.All',
      collect,
    )
    .option('--secret-days <days>', 'lifetime of the client secret in days, 1 to 730 (default 180)')
    .action(
      act(async (session, _args, o) => {
        const permissions = (o.permission as string[] | undefined) ?? [];
        const redirectUris = (o.redirectUri as string[] | undefined) ?? [];
        if (permissions.length > 0 && redirectUris.length > 0)
          throw new CliError(
            'give either --permission (a daemon app) or --redirect-uri (a web app), not both',
            EXIT.usage,
            'badArgument',
            'permission',
          );
        if (permissions.length === 0 && redirectUris.length === 0)
          throw new CliError(
            'give --permission P (a daemon app) or --redirect-uri URL (a web app)',
            EXIT.usage,
            'badArgument',
            'permission',
          );
        if (o.requireConsent && permissions.length > 0)
          throw new CliError(
            '--require-consent applies to web apps only (a daemon app signs in no user)',
            EXIT.usage,
            'badArgument',
            'require-consent',
          );
        const delegated = (o.delegatedPermission as string[] | undefined) ?? [];
        if (delegated.length > 0 && permissions.length > 0)
          throw new CliError(
            '--delegated-permission applies to web apps only (a daemon app signs in no user)',
            EXIT.usage,
            'badArgument',
            'delegated-permission',
          );
        if (delegated.length > 0) delegatedNamesOf(delegated, 'delegated-permission');
        const days = wholeNumber(o.secretDays, '--secret-days', 1, 730);
        const deps = await session.deps();
        const { app: created, secret } = await createApplication(deps, session.ctx, {
          displayName: String(o.name),
          kind: permissions.length > 0 ? 'daemon' : 'web',
          permissions,
          redirectUris,
          requireConsent: o.requireConsent === true,
          ...(days === undefined ? {} : { secretLifetimeDays: days }),
        });
        const grant =
          delegated.length > 0
            ? await grantDelegatedPermissions(deps, session.ctx, created.appId, delegated)
            : undefined;
        const endpoints = tokenEndpoints(deps);
        const graph = toGraphApplication(created);
        const credentials = (graph.passwordCredentials as { keyId: string }[]).map((c) =>
          c.keyId === secret.keyId ? toGraphPasswordCredential(secret, 'Created with the application') : c,
        );
        return {
          json: {
            ...graph,
            passwordCredentials: credentials,
            gatepassTenantId: deps.tenant.id,
            gatepassTokenEndpoint: endpoints.tenantTokenEndpoint,
            ...(grant ? { gatepassDelegatedPermissionGrant: toGraphPermissionGrant(grant) } : {}),
          },
          text: [
            `Application created: ${created.displayName} (${created.kind})`,
            `  Tenant id:      ${deps.tenant.id} (domain ${deps.tenant.defaultDomain})`,
            `  Client id:      ${created.appId}`,
            `  Client secret:  ${secret.secretText}`,
            `  Secret expires: ${secret.endDateTime} (secret id ${secret.keyId})`,
            `  Token endpoint: ${endpoints.tenantTokenEndpoint}`,
            ...(created.kind === 'daemon'
              ? [`  Scope:          https://graph.microsoft.com/.default (roles: ${created.permissions.join(', ')})`]
              : [`  Authorize at:   ${deps.config.issuer}/${deps.tenant.id}/oauth2/v2.0/authorize`]),
            ...(grant ? [`  Granted for every user: ${grant.scope.join(' ')}`] : []),
            '',
            'The client secret is shown only now: Gatepass keeps just a keyed hash of it. Store it in your secret manager.',
          ],
        };
      }),
    );

  app
    .command('list')
    .description('List applications')
    .action(
      act(async (session) => {
        const apps = await listApplications(await session.deps());
        return {
          json: {
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications',
            value: apps.map(toGraphApplication),
          },
          text:
            apps.length === 0
              ? 'No applications.'
              : apps.map((a) => `${a.appId}  ${a.kind.padEnd(7)}  ${a.displayName}`),
        };
      }),
    );

  app
    .command('show')
    .description('Show an application (secrets by id and hint only: their values are never shown again)')
    .argument('<app>', 'client id, object id or display name')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        const found = await getApplication(deps, key!);
        const roles = await listAppRoleAssignments(deps.db, found.servicePrincipalId);
        return {
          json: {
            ...toGraphApplication(found),
            gatepassRoleAssignments: roles.map((r) => toGraphRoleAssignment(found, r)),
          },
          text: [...describeApp(found), ...describeRoles(roles)],
        };
      }),
    );

  app
    .command('delete')
    .description('Delete an application; its secrets stop working at once')
    .argument('<app>', 'client id, object id or display name')
    .action(
      act(async (session, [key]) => {
        const deps = await session.deps();
        // Looked up first only to name it afterwards; the delete resolves it again so a refusal is audited.
        const found = await getApplication(deps, key!).catch(() => undefined);
        await deleteApplication(deps, session.ctx, found?.id ?? key!);
        return {
          json: { id: found?.id ?? null, appId: found?.appId ?? null, deleted: true },
          text: `Deleted application ${found ? `${found.displayName} (${found.appId})` : key}.`,
        };
      }),
    );

  const role = app
    .command('role')
    .description(
      "Directory roles of an application's service principal: what lets it act on privileged users (see app show)",
    );
  role
    .command('add')
    .description('Assign a built-in directory role to the app, tenant-wide (audited)')
    .argument('<app>', 'client id, object id or display name')
    .argument('<role>', 'role name or template id, e.g. "Privileged Authentication Administrator"')
    .action(
      act(async (session, [appKey, roleKey]) => {
        const deps = await session.deps();
        const { app: found, role: assigned } = await assignAppRole(deps, session.ctx, appKey!, roleKey!);
        return {
          json: {
            appId: found.appId,
            principalId: found.servicePrincipalId,
            roleDefinitionId: assigned.templateId,
            directoryScopeId: '/',
            assigned: true,
          },
          text: `${found.displayName} now holds ${assigned.displayName} (tenant-wide).`,
        };
      }),
    );
  role
    .command('remove')
    .description(
      'Remove a directory role from the app (audited); its next token request sees the change, its current tokens at once',
    )
    .argument('<app>', 'client id, object id or display name')
    .argument('<role>', 'role name or template id')
    .action(
      act(async (session, [appKey, roleKey]) => {
        const deps = await session.deps();
        const { app: found, role: removed } = await removeAppRole(deps, session.ctx, appKey!, roleKey!);
        return {
          json: {
            appId: found.appId,
            principalId: found.servicePrincipalId,
            roleDefinitionId: removed.templateId,
            directoryScopeId: '/',
            removed: true,
          },
          text: `${found.displayName} no longer holds ${removed.displayName}.`,
        };
      }),
    );

  registerAppGrantCommand(app);

  const secret = app.command('secret').description('Client secrets of an application');
  secret
    .command('add')
    .description('Add a client secret; prints it once')
    .argument('<app>', 'client id, object id or display name')
    .option('--days <days>', 'lifetime in days, 1 to 730 (default 180)')
    .option('--description <text>', 'a name for the secret')
    .action(
      act(async (session, [key], o) => {
        const days = wholeNumber(o.days, '--days', 1, 730);
        const deps = await session.deps();
        const description = typeof o.description === 'string' ? o.description : undefined;
        const added = await addApplicationSecret(deps, session.ctx, key!, {
          ...(days === undefined ? {} : { lifetimeDays: days }),
          ...(description === undefined ? {} : { displayName: description }),
        });
        return {
          json: toGraphPasswordCredential(added, description?.trim() || null),
          text: [
            `Client secret:  ${added.secretText}`,
            `Secret id:      ${added.keyId}`,
            `Expires:        ${added.endDateTime}`,
            '',
            'The client secret is shown only now. Remove the old one with `gatepass app secret remove` once clients use this one.',
          ],
        };
      }),
    );
  secret
    .command('remove')
    .description('Remove a client secret; it stops working at once')
    .argument('<app>', 'client id, object id or display name')
    .argument('<keyId>', 'the secret id (see app show)')
    .action(
      act(async (session, [key, keyId]) => {
        await removeApplicationSecret(await session.deps(), session.ctx, key!, keyId!);
        return { json: { keyId, removed: true }, text: `Removed secret ${keyId}.` };
      }),
    );
}
