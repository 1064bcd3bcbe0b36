// An administrator in the admin center over HTTP, for tests whose subject is a console page rather than the sign-in:
// a user given a role through the service, an /admin session stored as the callback stores one (multi-factor), and
// GET and form POST helpers that present its cookie (and, unless told otherwise, its form token).

import type { Deps } from '../../src/services/deps.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { ADMIN_SESSION_COOKIE, openMySession } from './my-session.js';
import type { TestServer } from './runtime.js';
import { cliContext, createPasswordUser } from './sign-in-fixtures.js';

export const HTML = { accept: 'text/html,application/xhtml+xml' };

type Response = Awaited<ReturnType<TestServer['server']['app']['inject']>>;

export interface AdminConsole {
  cookie: string;
  csrf: string;
  get(url: string): Promise<Response>;
  /**
   * Posts `fields` as a form (a list repeats the field, as checkboxes do), with this session's form token unless
   * `csrf` is given (null: no token at all).
   */
  post(url: string, fields?: Record<string, string | readonly string[]>, csrf?: string | null): Promise<Response>;
}

/** Gives `user` the role (tenant-wide) when one is named. */
export async function assignRole(deps: Deps, user: UserRecord, roleTemplateId: string, scope = '/'): Promise<void> {
  await createRoleAssignment(deps, cliContext(), {
    principalId: user.id,
    roleDefinitionId: roleTemplateId,
    directoryScopeId: scope,
  });
}

/** `user`'s admin center session (signed in with a password and an authenticator app), as a small browser. */
export async function openAdminConsole(s: TestServer, user: UserRecord): Promise<AdminConsole> {
  const deps = s.runtime.deps;
  const session = await openMySession(
    deps,
    user.id,
    ['pwd', 'otp', 'mfa'],
    Math.floor(Date.now() / 1000),
    undefined,
    'admin',
  );
  const cookie = `${ADMIN_SESSION_COOKIE}=${session.cookie}`;
  return {
    cookie,
    csrf: session.csrf,
    get: (url) => s.server.app.inject({ method: 'GET', url, headers: { ...HTML, cookie } }),
    post: (url, fields = {}, csrf = session.csrf) =>
      s.server.app.inject({
        method: 'POST',
        url,
        headers: { ...HTML, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(
          Object.entries({ ...fields, ...(csrf === null ? {} : { csrf }) }).flatMap(([name, value]) =>
            (typeof value === 'string' ? [value] : value).map((v) => [name, v]),
          ),
        ).toString(),
      }),
  };
}

/** A new password user `upnLocal`, holding `roleTemplateId` tenant-wide when one is named, and their console session. */
export async function newAdministrator(
  s: TestServer,
  upnLocal: string,
  roleTemplateId?: string,
): Promise<AdminConsole & { user: UserRecord }> {
  const user = await createPasswordUser(s.runtime.deps, upnLocal, `a long passphrase for ${upnLocal}`);
  if (roleTemplateId) await assignRole(s.runtime.deps, user, roleTemplateId);
  return { user, ...(await openAdminConsole(s, user)) };
}
