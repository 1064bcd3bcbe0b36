// /admin — the Gatepass Admin Center: a built-in first-party client with its own session (app-session.ts), open to
// users who hold a directory role and signed in with multi-factor authentication (console.ts), and pages that call
// the same services as Graph under the administrator's guard.

import type { FastifyInstance } from 'fastify';
import { FIRST_PARTY_APPS } from '../../domain/first-party-apps.js';
import type { OidcHandle } from '../../oidc/index.js';
import type { Deps } from '../../services/deps.js';
import { createAppSessions, sendPage } from '../app-session.js';
import { registerAppSessionRoutes } from '../app-session-routes.js';
import { type AdminSection, breadcrumb, SECTION_LINKS } from '../views/admin/layout.js';
import { createConsoleGate } from './console.js';
import { registerAdminDirectoryRoutes } from './directory-routes.js';
import { registerAdminLogRoutes } from './log-routes.js';
import { registerAdminPolicyRoutes } from './policy-routes.js';
import { registerAdminRoleRoutes } from './role-routes.js';
import { registerAdminUserActionRoutes } from './user-actions-routes.js';
import { registerAdminUserRoutes } from './users-routes.js';

/** What each blade is for, on the home page's tiles. */
const SECTION_HINTS: Record<Exclude<AdminSection, 'home'>, string> = {
  users: 'Find or create a user, see their authentication methods, issue a Temporary Access Pass.',
  groups: 'Groups and their members, for targeting policies.',
  roles: 'Built-in and custom roles, their permissions, and who holds them on the tenant or on a unit.',
  administrativeUnits: 'Units of users and groups that a role can be scoped to.',
  authenticationMethods: 'Policies: enable and configure the Temporary Access Pass.',
  properties: 'Security defaults for the whole tenant.',
  auditLogs: 'Every change and every refusal, by whom and when.',
  signInLogs: 'Every sign-in, with its methods, result and reason.',
};

export function registerAdminRoutes(
  web: FastifyInstance,
  deps: Deps,
  oidc: Pick<OidcHandle, 'endBrowserSession'>,
): void {
  const sessions = createAppSessions(deps, FIRST_PARTY_APPS.admin);
  registerAppSessionRoutes(web, deps, sessions, oidc, {
    landing: (_amr, asked) => asked ?? '/admin',
    stepUpReturnTo: '/admin',
  });
  const gate = createConsoleGate(deps, sessions);
  const { requireConsole } = gate;

  web.get('/admin', async (request, reply) => {
    const c = await requireConsole(request, reply, '/admin');
    if (!c) return reply;
    // A helpdesk agent's whole job is finding a user: their first screen is the user search.
    if (!c.sections.includes('authenticationMethods'))
      return reply.header('cache-control', 'no-store').redirect('/admin/users', 303);
    const tiles = c.sections
      .filter((s) => s !== 'home')
      .map((s) => {
        const { href, label } = SECTION_LINKS[s];
        return `<li class="blade"><h2><a href="${href}">${label}</a></h2><p class="hint">${SECTION_HINTS[s]}</p></li>`;
      })
      .join('');
    return sendPage(
      reply,
      200,
      c.page('home', 'Home', `${breadcrumb([{ label: 'Home' }])}<ul class="tiles">${tiles}</ul>`),
    );
  });

  registerAdminUserRoutes(web, deps, gate);
  registerAdminUserActionRoutes(web, deps, gate);
  registerAdminPolicyRoutes(web, deps, gate);
  registerAdminRoleRoutes(web, deps, gate);
  registerAdminDirectoryRoutes(web, deps, gate);
  registerAdminLogRoutes(web, deps, gate);
}
