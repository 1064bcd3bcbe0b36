// A user's Overview actions in the admin center: disable or enable the account, reset the password (a temporary one,
// shown once, to change at the next sign-in), revoke sessions, and the sign-in lock-out with "Clear lock-out". Each is
// the service call Graph and the CLI make, under the administrator's guard.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import type { Deps } from '../../services/deps.js';
import { allows, userAuthzTarget } from '../../services/guard.js';
import { revokeSignInSessions } from '../../services/sessions.js';
import { clearThrottle, readSignInThrottle } from '../../services/throttle.js';
import { getUser, resetPassword, setAccountEnabled } from '../../services/users.js';
import { sendPage } from '../app-session.js';
import { userOverviewPage, type UserActions } from '../views/admin/users.js';
import type { Console, ConsoleGate } from './console.js';

const U = 'microsoft.directory/users';

/** 16 characters from 12 random bytes: well past the password policy, typed once by the user before they change it. */
export const temporaryPassword = () => `Gp-${randomBytes(12).toString('base64url')}`;

export function registerAdminUserActionRoutes(web: FastifyInstance, deps: Deps, gate: ConsoleGate): void {
  async function overview(c: Console, id: string, extra: { notice?: string; error?: string; secret?: string } = {}) {
    const user = await getUser(deps, c.ctx, id);
    const target = await userAuthzTarget(deps.db, user.id);
    const throttle = await readSignInThrottle(deps, c.ctx, user.id);
    const factors = [throttle, throttle.temporaryAccessPass, throttle.authenticatorApp, throttle.passkey];
    const actions: UserActions = {
      mayDisable: allows(c.ctx, `${U}/${user.accountEnabled ? 'disable' : 'enable'}`, target),
      mayResetPassword: allows(c.ctx, `${U}/password/update`, target),
      mayRevoke: allows(c.ctx, `${U}/invalidateAllRefreshTokens`, target),
      failures: factors.reduce((n, f) => n + f.failures + f.familiarBrowsers.failures, 0),
      lockedOut: factors.some((f) => f.lockedOut),
      csrf: c.signed.session.csrf,
    };
    return c.page('users', user.displayName, userOverviewPage(user, { actions, ...extra }));
  }

  /** The overview (with the outcome of an action) with `status`, or the service's refusal in the frame. */
  const show = (reply: FastifyReply, c: Console, id: string, status: number, extra = {}) =>
    c.show(reply, { section: 'users', title: 'Users' }, () => overview(c, id, extra), status);

  web.get<{ Params: { id: string } }>('/admin/users/:id', async (request, reply) => {
    const { id } = request.params;
    const c = await gate.requireConsole(request, reply, `/admin/users/${id.toLowerCase()}`);
    if (!c) return reply;
    if (!isGuid(id)) return sendPage(reply, 404, c.page('users', 'User not found', '<p>No such user.</p>'));
    return show(reply, c, id, 200);
  });

  const ACTIONS: Record<string, (c: Console, id: string) => Promise<{ notice: string; secret?: string }>> = {
    disable: async (c, id) => {
      await setAccountEnabled(deps, c.ctx, id, false);
      return { notice: 'The account is disabled: the user cannot sign in, and their sessions have ended.' };
    },
    enable: async (c, id) => {
      await setAccountEnabled(deps, c.ctx, id, true);
      return { notice: 'The account is enabled.' };
    },
    'reset-password': async (c, id) => {
      const secret = temporaryPassword();
      await resetPassword(deps, c.ctx, id, secret, { forceChangePasswordNextSignIn: true });
      return { notice: 'The password was reset. The user changes it at their next sign-in.', secret };
    },
    'revoke-sessions': async (c, id) => {
      await revokeSignInSessions(deps, c.ctx, id);
      return { notice: "The user's sessions were revoked: every app asks them to sign in again." };
    },
    'clear-lockout': async (c, id) => {
      await clearThrottle(deps, c.ctx, id);
      return { notice: "The user's failed sign-ins are cleared." };
    },
  };

  web.post<{ Params: { id: string; action: string } }>('/admin/users/:id/:action', async (request, reply) => {
    const { id, action } = request.params;
    const run = ACTIONS[action];
    const posted = await gate.requireForm(request, reply, `/admin/users/${id.toLowerCase()}`);
    if (!posted) return reply;
    const { c } = posted;
    if (!run || !isGuid(id)) return sendPage(reply, 404, c.page('users', 'Not found', '<p>No such action.</p>'));
    try {
      const done = await run(c, id);
      reply.header('cache-control', 'no-store');
      return show(reply, c, id, 200, done);
    } catch (e) {
      // The overview again, with the refusal's words, under the refusal's status.
      if (!isAppError(e)) throw e;
      return show(reply, c, id, e.status, { error: e.message });
    }
  });
}
