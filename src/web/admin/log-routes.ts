// The admin center's Audit logs and Sign-in logs blades (a filtered, paged listing and one entry in full) and a user's
// Temporary Access Pass history. Every read is the log service Graph calls, under the administrator's guard, so an
// administrator without log read is refused with the rule's words, and bad input is a 400 page naming its field.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { getDirectoryAudit, getSignIn, listDirectoryAudits, listSignIns } from '../../services/audit-logs.js';
import type { Deps } from '../../services/deps.js';
import { readPassHistory } from '../../services/pass-history.js';
import { getUser } from '../../services/users.js';
import { sendPage } from '../app-session.js';
import { auditDetailPage, passHistoryPage, signInDetailPage } from '../views/admin/log-details.js';
import { auditLogsPage, signInLogsPage, type LogListView } from '../views/admin/logs.js';
import { errorBox } from '../views/admin/users.js';
import type { Console, ConsoleGate } from './console.js';
import {
  auditUserClause,
  formQuery,
  readAuditForm,
  readSignInForm,
  type LogForm,
  type LogQueryString,
  type ParsedLogForm,
} from './log-filters.js';

const PAGE_SIZE = 50;
const AUDIT_FIELDS: readonly (keyof LogForm)[] = [
  'from',
  'to',
  'user',
  'activity',
  'result',
  'correlationId',
  'tzOffset',
];
const SIGN_IN_FIELDS: readonly (keyof LogForm)[] = ['from', 'to', 'user', 'app', 'result', 'correlationId', 'tzOffset'];

const AUDITS = {
  section: 'auditLogs',
  title: 'Audit logs',
  after: '<p><a href="/admin/audit-logs">Back to Audit logs</a></p>',
} as const;
const SIGN_INS = {
  section: 'signInLogs',
  title: 'Sign-in logs',
  after: '<p><a href="/admin/sign-in-logs">Back to Sign-in logs</a></p>',
} as const;

const USERS = {
  section: 'users',
  title: 'Temporary Access Pass history',
  after: '<p><a href="/admin/users">Back to Users</a></p>',
} as const;

/** A "Next page" link that is not one of this listing's pages: the service names `$skiptoken`, the form says "Page". */
const BAD_PAGE = {
  field: 'Page',
  message: 'this link is not a page of this listing; start again from the first page.',
};

export function registerAdminLogRoutes(web: FastifyInstance, deps: Deps, gate: ConsoleGate): void {
  /**
   * Probes read permission before answering 400 for a field, so an administrator who may not read a log is told
   * that, whatever they typed.
   */
  const mayRead = {
    audits: (c: Console) => listDirectoryAudits(deps, c.ctx, { top: 1 }),
    signIns: (c: Console) => listSignIns(deps, c.ctx, { top: 1 }),
  };

  /** One listing page: the form's 400, the service's page, or its refusal (a page link it did not issue is a 400). */
  async function listing<T>(
    reply: FastifyReply,
    c: Console,
    where: typeof AUDITS | typeof SIGN_INS,
    read: ParsedLogForm,
    fetch: (filter: string | undefined, page: string | undefined) => Promise<{ items: T[]; nextSkipToken?: string }>,
    render: (v: LogListView<T>) => string,
    fields: readonly (keyof LogForm)[],
  ): Promise<FastifyReply> {
    const page = (v: LogListView<T>) => c.page(where.section, where.title, render(v));
    const probe = where.section === 'auditLogs' ? mayRead.audits : mayRead.signIns;
    if (!read.ok) {
      const { key, field, message } = read;
      return c.show(
        reply,
        where,
        async () => {
          await probe(c);
          return page({ form: read.form, items: [], invalid: { key, field, message } });
        },
        400,
      );
    }
    let found: { items: T[]; nextSkipToken?: string };
    try {
      found = await fetch(read.clauses.length > 0 ? read.clauses.join(' and ') : undefined, read.page);
    } catch (e) {
      if (isAppError(e) && e.target === '$skiptoken')
        return sendPage(reply, 400, page({ form: read.form, items: [], invalid: BAD_PAGE }));
      return c.refuse(reply, e, where);
    }
    const next = found.nextSkipToken && formQuery(read.form, found.nextSkipToken, fields);
    return sendPage(reply, 200, page({ form: read.form, items: found.items, ...(next ? { next } : {}) }));
  }

  web.get<{ Querystring: LogQueryString }>('/admin/audit-logs', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/audit-logs');
    if (!c) return reply;
    const read = readAuditForm(request.query);
    return listing(
      reply,
      c,
      AUDITS,
      read,
      async (filter, skipToken) => {
        const clauses = filter ? [filter] : [];
        if (read.form.user) clauses.push(auditUserClause(...(await initiatorOrTarget(c, read.form.user))));
        return listDirectoryAudits(deps, c.ctx, {
          top: PAGE_SIZE,
          ...(clauses.length > 0 ? { filter: clauses.join(' and ') } : {}),
          ...(skipToken ? { skipToken } : {}),
        });
      },
      auditLogsPage,
      AUDIT_FIELDS,
    );
  });

  /**
   * The user a name stands for: the initiator is matched by name, a target by id, so the id is looked up (a user
   * since deleted is still matched as the initiator).
   */
  async function initiatorOrTarget(c: Console, upn: string): Promise<[string, string | undefined]> {
    try {
      const user = await getUser(deps, c.ctx, upn);
      return [user.userPrincipalName, user.id];
    } catch (e) {
      if (isAppError(e) && e.status === 404) return [upn, undefined];
      throw e;
    }
  }

  web.get<{ Querystring: LogQueryString }>('/admin/sign-in-logs', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/sign-in-logs');
    if (!c) return reply;
    return listing(
      reply,
      c,
      SIGN_INS,
      readSignInForm(request.query),
      (filter, skipToken) =>
        listSignIns(deps, c.ctx, {
          top: PAGE_SIZE,
          ...(filter ? { filter } : {}),
          ...(skipToken ? { skipToken } : {}),
        }),
      signInLogsPage,
      SIGN_IN_FIELDS,
    );
  });

  /** An entry's page: 400 for an id that cannot be one (after the permission probe), the service's 404 for an unknown one. */
  async function entry(
    reply: FastifyReply,
    c: Console,
    where: typeof AUDITS | typeof SIGN_INS | typeof USERS,
    id: string,
    label: string,
    probe: (c: Console) => Promise<unknown>,
    render: () => Promise<string>,
  ): Promise<FastifyReply> {
    if (isGuid(id)) return c.show(reply, where, render);
    return c.show(
      reply,
      where,
      async () => {
        await probe(c);
        const message = `${label}: not an ID; it has the form 00000000-0000-0000-0000-000000000000.`;
        return c.page(where.section, where.title, `${errorBox(message)}${where.after}`);
      },
      400,
    );
  }

  web.get<{ Params: { id: string } }>('/admin/audit-logs/:id', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/audit-logs');
    if (!c) return reply;
    const { id } = request.params;
    return entry(reply, c, AUDITS, id, 'Audit ID', mayRead.audits, async () => {
      const audit = await getDirectoryAudit(deps, c.ctx, id.toLowerCase());
      return c.page('auditLogs', audit.activityDisplayName, auditDetailPage(audit));
    });
  });

  web.get<{ Params: { id: string } }>('/admin/sign-in-logs/:id', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/sign-in-logs');
    if (!c) return reply;
    const { id } = request.params;
    return entry(reply, c, SIGN_INS, id, 'Request ID', mayRead.signIns, async () =>
      c.page('signInLogs', 'Sign-in details', signInDetailPage(await getSignIn(deps, c.ctx, id))),
    );
  });

  web.get<{ Params: { id: string } }>('/admin/users/:id/pass-history', async (request, reply) => {
    const { id } = request.params;
    const c = await gate.requireConsole(
      request,
      reply,
      `/admin/users/${encodeURIComponent(id.toLowerCase())}/pass-history`,
    );
    if (!c) return reply;
    return entry(reply, c, USERS, id, 'User ID', mayRead.audits, async () => {
      const history = await readPassHistory(deps, c.ctx, id);
      return c.page('users', `${history.user.displayName}: Temporary Access Pass history`, passHistoryPage(history));
    });
  });
}
