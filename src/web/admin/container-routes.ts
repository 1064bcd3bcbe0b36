// One route builder for the admin center's member containers — groups and administrative units — as
// services/memberships.ts is one use case for both: a ContainerKind says which services to call and what the blade
// is called, and the pages and their checks are the same for both.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Action } from '../../domain/authz/permissions.js';
import { isAppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import type { Deps } from '../../services/deps.js';
import type { GuardedContext } from '../../services/guard.js';
import { getUser, listUsers, type UserRecord } from '../../services/users.js';
import { sendPage } from '../app-session.js';
import {
  containerListPage,
  containerMembersPage,
  containerOverviewPage,
  deleteContainerPage,
  newContainerPage,
  removeMemberPage,
  type ContainerForm,
  type ContainerItem,
  type ContainerNames,
  type MembersView,
} from '../views/admin/containers.js';
import type { Console, ConsoleGate } from './console.js';
import { formErrorOf, startsWithFilter, text, type Form, type FormError } from './form-values.js';

const PAGE = 50;

export interface ContainerKind<C extends ContainerItem> {
  readonly section: 'groups' | 'administrativeUnits';
  readonly names: ContainerNames;
  /** What the blade offers, asked of the tenant (the services decide anyway). */
  readonly actions: { readonly create: Action; readonly updateMembers: Action; readonly delete: Action };
  list(
    deps: Deps,
    ctx: GuardedContext,
    q: { top: number; filter?: string; skipToken?: string },
  ): Promise<{ items: C[]; nextSkipToken?: string }>;
  get(deps: Deps, ctx: GuardedContext, id: string): Promise<C>;
  create(deps: Deps, ctx: GuardedContext, form: ContainerForm): Promise<C>;
  remove(deps: Deps, ctx: GuardedContext, id: string): Promise<void>;
  members(
    deps: Deps,
    ctx: GuardedContext,
    id: string,
    q: { top: number; skipToken?: string },
  ): Promise<{ members: UserRecord[]; limited: ReadonlySet<string>; nextSkipToken?: string }>;
  addMember(deps: Deps, ctx: GuardedContext, id: string, userIdOrUpn: string): Promise<void>;
  removeMember(deps: Deps, ctx: GuardedContext, id: string, userId: string): Promise<void>;
  /** Rows of the Overview's Basic info beyond name, description, object id and creation. */
  details(item: C): [string, string][];
  /** Further sections of the Overview (a unit's scoped roles); empty when there are none. */
  more(deps: Deps, c: Console, item: C): Promise<string>;
}

/** The service's targets that the New form has a field for. */
const CREATE_FIELDS = {
  displayName: { name: 'displayName', label: 'Name' },
  description: { name: 'description', label: 'Description' },
};
/** The add-member refusals name Graph's reference; the form's field is the typed user. */
const MEMBER_FIELDS = {
  '@odata.id': { name: 'member', label: 'User principal name' },
  members: { name: 'member', label: 'User principal name' },
};

export function registerContainerRoutes<C extends ContainerItem>(
  web: FastifyInstance,
  deps: Deps,
  gate: ConsoleGate,
  kind: ContainerKind<C>,
): void {
  const { names, section } = kind;
  const base = names.path;
  const where = { section, title: names.plural, after: `<p><a href="${base}">Back to ${names.plural}</a></p>` };
  const notFound = (reply: FastifyReply, c: Console) =>
    sendPage(reply, 404, c.page(section, 'Not found', `<p>No such ${names.singular}.</p>${where.after}`));
  const returnTo = (id: string, rest = '') => `${base}/${id.toLowerCase()}${rest}`;

  web.get<{ Querystring: { search?: string; page?: string; deleted?: string } }>(base, async (request, reply) => {
    const c = await gate.requireConsole(request, reply, base);
    if (!c) return reply;
    const search = text(request.query.search).slice(0, 256);
    const page = text(request.query.page);
    const mayCreate = c.mayOnTenant(kind.actions.create);
    return c.show(reply, where, async () => {
      const filter = startsWithFilter(search, ['displayName']);
      const found = await kind.list(deps, c.ctx, {
        top: PAGE,
        ...(filter ? { filter } : {}),
        ...(page ? { skipToken: page } : {}),
      });
      const body = containerListPage(names, {
        search,
        items: found.items,
        mayCreate,
        ...(found.nextSkipToken ? { nextPage: found.nextSkipToken } : {}),
        ...(request.query.deleted === '1' ? { notice: `The ${names.singular} was deleted.` } : {}),
      });
      return c.page(section, names.plural, body);
    });
  });

  const newForm = (reply: FastifyReply, c: Console, form: ContainerForm, status: number, error?: FormError) =>
    sendPage(
      reply,
      status,
      c.page(
        section,
        `New ${names.singular}`,
        newContainerPage(names, { form, csrf: c.signed.session.csrf, ...(error ? { error } : {}) }),
      ),
    );

  web.get(`${base}/new`, async (request, reply) => {
    const c = await gate.requireConsole(request, reply, `${base}/new`);
    if (!c) return reply;
    try {
      c.requireOnTenant(kind.actions.create);
    } catch (e) {
      return c.refuse(reply, e, where);
    }
    return newForm(reply, c, { displayName: '', description: '' }, 200);
  });

  web.post<{ Body: Form }>(base, async (request, reply) => {
    const posted = await gate.requireForm(request, reply, `${base}/new`);
    if (!posted) return reply;
    const { c, form } = posted;
    const chosen: ContainerForm = { displayName: text(form.displayName), description: text(form.description) };
    try {
      const created = await kind.create(deps, c.ctx, chosen);
      return reply.header('cache-control', 'no-store').redirect(`${base}/${created.id}?created=1`, 303);
    } catch (e) {
      // Who may not create is refused in the frame; a value the service refuses goes back to the form.
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, where);
      return newForm(reply, c, chosen, e.status, formErrorOf(e, CREATE_FIELDS));
    }
  });

  /** A container's page: a 404 for an id that is not one, else what `render` builds or the service's refusal. */
  const itemPage = async (reply: FastifyReply, c: Console, id: string, render: () => Promise<string>, status = 200) =>
    isGuid(id) ? c.show(reply, where, render, status) : notFound(reply, c);

  web.get<{ Params: { id: string }; Querystring: { created?: string } }>(`${base}/:id`, async (request, reply) => {
    const { id } = request.params;
    const c = await gate.requireConsole(request, reply, returnTo(id));
    if (!c) return reply;
    return itemPage(reply, c, id, async () => {
      const item = await kind.get(deps, c.ctx, id);
      const body = containerOverviewPage(names, item, {
        details: kind.details(item),
        mayDelete: c.mayOnTenant(kind.actions.delete),
        more: await kind.more(deps, c, item),
        ...(request.query.created === '1' ? { notice: `The ${names.singular} was created.` } : {}),
      });
      return c.page(section, item.displayName, body);
    });
  });

  async function membersPage(c: Console, id: string, q: { page: string; find: string }, extra: Partial<MembersView>) {
    const item = await kind.get(deps, c.ctx, id);
    const list = await kind.members(deps, c.ctx, id, { top: PAGE, ...(q.page ? { skipToken: q.page } : {}) });
    let found: UserRecord[] | undefined;
    const filter = startsWithFilter(q.find, ['displayName', 'userPrincipalName']);
    if (filter) found = (await listUsers(deps, c.ctx, { top: 20, filter })).users;
    const view: MembersView = {
      members: list.members,
      limited: list.limited,
      mayUpdate: c.mayOnTenant(kind.actions.updateMembers),
      csrf: c.signed.session.csrf,
      find: q.find,
      ...(found ? { found } : {}),
      ...(list.nextSkipToken ? { nextPage: list.nextSkipToken } : {}),
      ...extra,
    };
    return c.page(section, `${item.displayName}: Members`, containerMembersPage(names, item, view));
  }

  web.get<{ Params: { id: string }; Querystring: { page?: string; find?: string; added?: string; removed?: string } }>(
    `${base}/:id/members`,
    async (request, reply) => {
      const { id } = request.params;
      const c = await gate.requireConsole(request, reply, returnTo(id, '/members'));
      if (!c) return reply;
      const q = request.query;
      const notice =
        q.added === '1' ? 'The member was added.' : q.removed === '1' ? 'The member was removed.' : undefined;
      return itemPage(reply, c, id, () =>
        membersPage(c, id, { page: text(q.page), find: text(q.find).slice(0, 256) }, notice ? { notice } : {}),
      );
    },
  );

  web.post<{ Params: { id: string }; Body: Form }>(`${base}/:id/members`, async (request, reply) => {
    const { id } = request.params;
    const posted = await gate.requireForm(request, reply, returnTo(id, '/members'));
    if (!posted) return reply;
    const { c, form } = posted;
    if (!isGuid(id)) return notFound(reply, c);
    const member = text(form.member).trim();
    const back = (status: number, error: FormError) =>
      itemPage(reply, c, id, () => membersPage(c, id, { page: '', find: '' }, { member, error }), status);
    if (member === '') return back(400, { message: 'User principal name: enter the user to add.', field: 'member' });
    try {
      await kind.addMember(deps, c.ctx, id, member);
    } catch (e) {
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, where);
      return back(e.status, formErrorOf(e, MEMBER_FIELDS));
    }
    return reply.header('cache-control', 'no-store').redirect(`${returnTo(id, '/members')}?added=1`, 303);
  });

  web.get<{ Params: { id: string; userId: string } }>(`${base}/:id/members/:userId/remove`, async (request, reply) => {
    const { id, userId } = request.params;
    const c = await gate.requireConsole(request, reply, returnTo(id, '/members'));
    if (!c) return reply;
    if (!isGuid(userId)) return notFound(reply, c);
    return itemPage(reply, c, id, async () => {
      const item = await kind.get(deps, c.ctx, id);
      const name = await userNameOrId(deps, c, userId);
      const body = removeMemberPage(names, item, { member: { id: userId, name }, csrf: c.signed.session.csrf });
      return c.page(section, 'Remove member', body);
    });
  });

  web.post<{ Params: { id: string; userId: string } }>(`${base}/:id/members/:userId/remove`, async (request, reply) => {
    const { id, userId } = request.params;
    const posted = await gate.requireForm(request, reply, returnTo(id, '/members'));
    if (!posted) return reply;
    const { c } = posted;
    if (!isGuid(id) || !isGuid(userId)) return notFound(reply, c);
    try {
      await kind.removeMember(deps, c.ctx, id, userId);
    } catch (e) {
      return c.refuse(reply, e, where);
    }
    return reply.header('cache-control', 'no-store').redirect(`${returnTo(id, '/members')}?removed=1`, 303);
  });

  web.get<{ Params: { id: string } }>(`${base}/:id/delete`, async (request, reply) => {
    const { id } = request.params;
    const c = await gate.requireConsole(request, reply, returnTo(id));
    if (!c) return reply;
    return itemPage(reply, c, id, async () => {
      const item = await kind.get(deps, c.ctx, id);
      const body = deleteContainerPage(names, item, { csrf: c.signed.session.csrf });
      return c.page(section, `Delete ${names.singular}`, body);
    });
  });

  web.post<{ Params: { id: string } }>(`${base}/:id/delete`, async (request, reply) => {
    const { id } = request.params;
    const posted = await gate.requireForm(request, reply, returnTo(id));
    if (!posted) return reply;
    const { c } = posted;
    if (!isGuid(id)) return notFound(reply, c);
    try {
      await kind.remove(deps, c.ctx, id);
    } catch (e) {
      return c.refuse(reply, e, where);
    }
    return reply.header('cache-control', 'no-store').redirect(`${base}?deleted=1`, 303);
  });
}

/** A member's name for the confirmation; one the administrator may not read as a user is named by id (as Graph does). */
async function userNameOrId(deps: Deps, c: Console, userId: string): Promise<string> {
  try {
    const user = await getUser(deps, c.ctx, userId);
    return `${user.displayName} (${user.userPrincipalName})`;
  } catch (e) {
    if (!isAppError(e)) throw e;
    return userId;
  }
}
