// The admin center's Users pages: search, a user's overview, their authentication methods, issuing a Temporary Access
// Pass (shown once) and deleting a method after a confirmation. Every read and change is the same service call Graph
// makes, under the administrator's guard; what they may not do is not offered, and refused anyway if tried.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { deleteAuthenticationMethod, listAuthenticationMethods } from '../../services/authentication-methods.js';
import type { Deps } from '../../services/deps.js';
import { allows, userAuthzTarget } from '../../services/guard.js';
import { defaultPurposeFor } from '../../domain/tap/pass.js';
import { getTapPolicy } from '../../services/tap-policy.js';
import { deleteTemporaryAccessPass, issueTemporaryAccessPass } from '../../services/temporary-access-passes.js';
import { getUser, listUsers } from '../../services/users.js';
import { sendPage } from '../app-session.js';
import {
  addMethodChoicePage,
  addPassPage,
  authenticationMethodsPage,
  deleteMethodPage,
  passIssuedPage,
  usersListPage,
  type PassForm,
} from '../views/admin/users.js';
import type { Console, ConsoleGate } from './console.js';
import { startsWithFilter, text, type Form } from './form-values.js';
import { localInstant } from './local-time.js';

const M = 'microsoft.directory/users/authenticationMethods';

/** The instant the admin chose in their own time zone (the page's script sends the browser's offset), or now. */
function startOf(form: Form): string | undefined {
  if (text(form.activation) !== 'later') return undefined;
  return localInstant(text(form.date), text(form.time), text(form.tzOffset))?.toISOString() ?? 'not a date and time';
}

export function registerAdminUserRoutes(web: FastifyInstance, deps: Deps, gate: ConsoleGate): void {
  /** Where a refused user page is shown: in the Users blade, with the way back to the search. */
  const USERS = { section: 'users', title: 'Users', after: '<p><a href="/admin/users">Back to Users</a></p>' } as const;
  const userPage = async (reply: FastifyReply, c: Console, id: string, render: () => Promise<string>) => {
    if (!isGuid(id)) return sendPage(reply, 404, c.page('users', 'User not found', '<p>No such user.</p>'));
    return c.show(reply, USERS, render);
  };

  web.get<{ Querystring: { search?: string; page?: string } }>('/admin/users', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/users');
    if (!c) return reply;
    const search = text(request.query.search).slice(0, 256);
    try {
      const filter = startsWithFilter(search, ['displayName', 'userPrincipalName']);
      const page = await listUsers(deps, c.ctx, {
        top: 50,
        ...(filter ? { filter } : {}),
        ...(request.query.page ? { skipToken: text(request.query.page) } : {}),
      });
      const body = usersListPage({
        search,
        users: page.users,
        mayCreate: c.mayOnTenant('microsoft.directory/users/create'),
        ...(page.nextSkipToken ? { nextPage: page.nextSkipToken } : {}),
      });
      return sendPage(reply, 200, c.page('users', 'Users', body));
    } catch (e) {
      if (!isAppError(e)) throw e;
      return sendPage(
        reply,
        e.status,
        c.page('users', 'Users', usersListPage({ search, users: [], error: e.message })),
      );
    }
  });

  const methodsPage = async (c: Console, id: string, extra: { notice?: string; error?: string } = {}) => {
    const methods = await listAuthenticationMethods(deps, c.ctx, id);
    const target = await userAuthzTarget(deps.db, methods.user.id);
    return c.page(
      'users',
      `${methods.user.displayName}: Authentication methods`,
      authenticationMethodsPage({
        methods,
        mayAdd: allows(c.ctx, `${M}/create`, target),
        mayDelete: allows(c.ctx, `${M}/delete`, target),
        ...extra,
      }),
    );
  };

  web.get<{ Params: { id: string }; Querystring: { deleted?: string } }>(
    '/admin/users/:id/authentication-methods',
    async (request, reply) => {
      const c = await gate.requireConsole(
        request,
        reply,
        `/admin/users/${request.params.id.toLowerCase()}/authentication-methods`,
      );
      if (!c) return reply;
      const notice = request.query.deleted === '1' ? 'The authentication method was deleted.' : undefined;
      return userPage(reply, c, request.params.id, () => methodsPage(c, request.params.id, notice ? { notice } : {}));
    },
  );

  const passForm = async (
    c: Console,
    id: string,
    form: PassForm,
    status: number,
    reply: FastifyReply,
    error?: string,
  ) => {
    const methods = await listAuthenticationMethods(deps, c.ctx, id);
    const policy = await getTapPolicy(deps.db);
    const current = methods.pass;
    const body = addPassPage({
      user: methods.user,
      form,
      policy: {
        minimum: policy.minimumLifetimeInMinutes,
        maximum: policy.maximumLifetimeInMinutes,
        forcedOneTime: policy.isUsableOnce,
      },
      ...(current ? { replaces: { by: current.issuedBy.displayName, at: current.pass.createdAt } } : {}),
      csrf: c.signed.session.csrf,
      ...(error ? { error } : {}),
    });
    return sendPage(reply, status, c.page('users', 'Add authentication method', body));
  };

  web.get<{ Params: { id: string }; Querystring: { method?: string } }>(
    '/admin/users/:id/authentication-methods/add',
    async (request, reply) => {
      const { id } = request.params;
      const c = await gate.requireConsole(request, reply, `/admin/users/${id.toLowerCase()}/authentication-methods`);
      if (!c) return reply;
      if (!isGuid(id)) return userPage(reply, c, id, async () => '');
      try {
        if (request.query.method !== 'temporaryAccessPass') {
          const user = await getUser(deps, c.ctx, id);
          return sendPage(reply, 200, c.page('users', 'Add authentication method', addMethodChoicePage(user)));
        }
        const [policy, holder] = await Promise.all([getTapPolicy(deps.db), getUser(deps, c.ctx, id)]);
        const form: PassForm = {
          activation: 'now',
          date: '',
          time: '',
          durationMinutes: String(policy.defaultLifetimeInMinutes),
          oneTime: policy.isUsableOnce,
          purpose: defaultPurposeFor({ hasPassword: holder.passwordHash !== null }, policy),
        };
        return await passForm(c, id, form, 200, reply);
      } catch (e) {
        return c.refuse(reply, e, USERS);
      }
    },
  );

  web.post<{ Params: { id: string }; Body: Form }>(
    '/admin/users/:id/authentication-methods/temporary-access-pass',
    async (request, reply) => {
      const { id } = request.params;
      const posted = await gate.requireForm(request, reply, `/admin/users/${id.toLowerCase()}/authentication-methods`);
      if (!posted) return reply;
      const { c, form } = posted;
      if (!isGuid(id)) return userPage(reply, c, id, async () => '');
      const chosen: PassForm = {
        activation: text(form.activation) === 'later' ? 'later' : 'now',
        date: text(form.date),
        time: text(form.time),
        durationMinutes: text(form.durationMinutes),
        oneTime: text(form.oneTime) === 'yes',
        purpose: text(form.purpose) === 'access' ? 'access' : 'setup',
      };
      const minutes = Number(chosen.durationMinutes);
      const start = startOf(form);
      try {
        const issued = await issueTemporaryAccessPass(deps, c.ctx, id, {
          lifetimeInMinutes:
            chosen.durationMinutes.trim() !== '' && Number.isFinite(minutes) ? minutes : chosen.durationMinutes,
          isUsableOnce: chosen.oneTime,
          // As posted, so that a forged value is refused by the service naming the field; absent: the default.
          ...(form.purpose === undefined ? {} : { purpose: text(form.purpose) }),
          ...(start ? { startDateTime: start } : {}),
        });
        reply.header('cache-control', 'no-store');
        return sendPage(
          reply,
          201,
          c.page(
            'users',
            'Temporary Access Pass',
            passIssuedPage({ user: await getUser(deps, c.ctx, id), issued, origin: deps.config.issuer }),
          ),
        );
      } catch (e) {
        // Who may not issue, or to whom, is refused in the frame; a value the policy refuses goes back to the form.
        if (!isAppError(e) || e.status === 403 || e.status === 404) return c.refuse(reply, e, USERS);
        return passForm(c, id, chosen, e.status, reply, e.message);
      }
    },
  );

  const LABELS: Record<string, string> = {
    temporaryAccessPass: 'Temporary Access Pass',
    softwareOath: 'authenticator app',
    fido2: 'passkey',
  };

  web.get<{ Params: { id: string }; Querystring: { kind?: string; id?: string } }>(
    '/admin/users/:id/authentication-methods/delete',
    async (request, reply) => {
      const { id } = request.params;
      const c = await gate.requireConsole(request, reply, `/admin/users/${id.toLowerCase()}/authentication-methods`);
      if (!c) return reply;
      const kind = text(request.query.kind);
      const methodId = text(request.query.id);
      return userPage(reply, c, id, async () => {
        const user = await getUser(deps, c.ctx, id);
        if (!LABELS[kind] || !isGuid(methodId)) return methodsPage(c, id, { error: 'Choose a method to delete.' });
        return c.page(
          'users',
          'Delete authentication method',
          deleteMethodPage({ user, kind, id: methodId, label: LABELS[kind]!, csrf: c.signed.session.csrf }),
        );
      });
    },
  );

  web.post<{ Params: { id: string }; Body: Form }>(
    '/admin/users/:id/authentication-methods/delete',
    async (request, reply) => {
      const { id } = request.params;
      const posted = await gate.requireForm(request, reply, `/admin/users/${id.toLowerCase()}/authentication-methods`);
      if (!posted) return reply;
      const { c, form } = posted;
      const kind = text(form.kind);
      const methodId = text(form.id);
      if (!isGuid(id)) return userPage(reply, c, id, async () => '');
      try {
        if (kind === 'temporaryAccessPass') await deleteTemporaryAccessPass(deps, c.ctx, id, methodId);
        else if (kind === 'softwareOath' || kind === 'fido2')
          await deleteAuthenticationMethod(deps, c.ctx, id, kind, methodId, 'Admin');
        else return userPage(reply, c, id, () => methodsPage(c, id, { error: 'Choose a method to delete.' }));
      } catch (e) {
        return c.refuse(reply, e, USERS);
      }
      return reply
        .header('cache-control', 'no-store')
        .redirect(`/admin/users/${id.toLowerCase()}/authentication-methods?deleted=1`, 303);
    },
  );
}
