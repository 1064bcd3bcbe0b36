// An administrator signed in to the admin center over HTTP: a password user holding a directory role (or none) and an
// admin-client session stored as the /admin callback stores one, with GET and form-POST helpers that present it.

import type { LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/services/deps.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { ADMIN_SESSION_COOKIE, openMySession } from './my-session.js';
import type { TestServer } from './runtime.js';
import { cliContext, createPasswordUser } from './sign-in-fixtures.js';

/** What a browser sends for a page (the 404 handler answers browsers with HTML and API clients with JSON). */
export const HTML_ACCEPT = { accept: 'text/html,application/xhtml+xml' };

export interface AdminConsole {
  user: UserRecord;
  cookie: string;
  csrf: string;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts `fields` as a form, with this session's form token unless `fields` names its own. */
  post(url: string, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export const giveRole = (deps: Deps, principalId: string, roleDefinitionId: string) =>
  createRoleAssignment(deps, cliContext(), { principalId, roleDefinitionId, directoryScopeId: '/' });

/** A console session for a new user `upnLocal` holding `roleTemplateId`, signed in with a password and a second factor. */
export async function openAdminConsole(
  s: TestServer,
  upnLocal: string,
  roleTemplateId?: string,
  amr: string[] = ['pwd', 'otp', 'mfa'],
): Promise<AdminConsole> {
  const deps = s.runtime.deps;
  const user = await createPasswordUser(deps, upnLocal, `a long passphrase for ${upnLocal}`);
  if (roleTemplateId) await giveRole(deps, user.id, roleTemplateId);
  const session = await openMySession(deps, user.id, amr, Math.floor(Date.now() / 1000), undefined, 'admin');
  const cookie = `${ADMIN_SESSION_COOKIE}=${session.cookie}`;
  return {
    user,
    cookie,
    csrf: session.csrf,
    get: (url) => s.server.app.inject({ method: 'GET', url, headers: { ...HTML_ACCEPT, cookie } }),
    post: (url, fields = {}) =>
      s.server.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf: session.csrf, ...fields }).toString(),
      }),
  };
}
