// The admin center's gate and frame: a signed-in user of the "Gatepass Admin Center" client who holds a directory
// role and signed in with multi-factor authentication gets a Console (their guarded context, for the same services
// Graph calls, and the page frame); anyone else gets a page saying why, with the way to /my.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Action } from '../../domain/authz/permissions.js';
import { isAppError } from '../../domain/errors.js';
import { guardedContext } from '../../services/caller-guard.js';
import { consoleAuthority, type ConsoleAuthority } from '../../services/console-access.js';
import type { Deps } from '../../services/deps.js';
import { allows, check, TENANT_TARGET, type GuardedContext } from '../../services/guard.js';
import { sendPage, type AppSessions, type SignedIn } from '../app-session.js';
import { adminPage, adminRefusalPage, type AdminFrame, type AdminSection } from '../views/admin/layout.js';
import { errorBox } from '../views/admin/users.js';
import { esc } from '../views/html.js';

export interface Console {
  signed: SignedIn;
  authority: ConsoleAuthority;
  /** The administrator's guarded context: every service call of a page goes through it. */
  ctx: GuardedContext;
  sections: readonly AdminSection[];
  /** Whether the administrator may take `action` on the tenant (what a page offers; the service decides anyway). */
  mayOnTenant(action: Action): boolean;
  /**
   * Throws the guard's refusal (its rule's words) unless the administrator may take `action` on the tenant: a form
   * for a change they may not make is refused when opened, not only when sent.
   */
  requireOnTenant(action: Action): void;
  page(current: AdminSection, title: string, body: string): string;
  /**
   * Sends the page `render()` builds with `status`; a service refusal (an AppError) instead becomes a page in the
   * frame with the refusal's own status and words (a 403 names its rule), followed by `after`. Anything else throws.
   */
  show(
    reply: FastifyReply,
    where: { section: AdminSection; title: string; after?: string },
    render: () => Promise<string>,
    status?: number,
  ): Promise<FastifyReply>;
  /** The refusal page of `show` for an error already caught; anything but an AppError is thrown on. */
  refuse(
    reply: FastifyReply,
    error: unknown,
    where: { section: AdminSection; title: string; after?: string },
  ): FastifyReply;
  /** Whether a posted form carries this session's form token. */
  validCsrf(presented: unknown): boolean;
  /** Answers 403 for a form not sent from the admin center's pages. */
  refuseCsrf(reply: FastifyReply): FastifyReply;
}

/** The blades, and the action on the tenant that opens each (undefined: every administrator). */
const SECTION_ACTIONS: readonly [AdminSection, Action | undefined][] = [
  ['home', undefined],
  ['users', undefined],
  ['groups', 'microsoft.directory/groups/standard/read'],
  ['roles', 'microsoft.directory/roleDefinitions/standard/read'],
  ['administrativeUnits', 'microsoft.directory/administrativeUnits/standard/read'],
  ['authenticationMethods', 'microsoft.directory/userCredentialPolicies/standard/read'],
  ['properties', 'microsoft.directory/policies/standard/read'],
  ['auditLogs', 'microsoft.directory/auditLogs/allProperties/read'],
  ['signInLogs', 'microsoft.directory/signInReports/allProperties/read'],
];

/** What every blade's routes get: the gate for pages and the gate for posted forms. */
export type ConsoleGate = ReturnType<typeof createConsoleGate>;

export function createConsoleGate(deps: Deps, sessions: AppSessions) {
  function consoleOf(request: FastifyRequest, signed: SignedIn, authority: ConsoleAuthority): Console {
    const ctx = guardedContext(signed.ctx, authority, (action, reason) =>
      request.log.info({ action, reason }, 'authorization denied'),
    );
    const mayOnTenant = (action: Action) => allows(ctx, action, TENANT_TARGET);
    const sections = SECTION_ACTIONS.filter(([, action]) => action === undefined || mayOnTenant(action)).map(
      ([s]) => s,
    );
    const frame = (current: AdminSection): AdminFrame => ({
      displayName: signed.user.displayName,
      userPrincipalName: signed.user.userPrincipalName,
      roleNames: authority.roleNames,
      csrf: signed.session.csrf,
      sections,
      current,
    });
    const page = (current: AdminSection, title: string, body: string) => adminPage(frame(current), title, body);
    const refuse: Console['refuse'] = (reply, error, where) => {
      if (!isAppError(error)) throw error;
      return sendPage(
        reply,
        error.status,
        page(where.section, where.title, `${errorBox(error.message)}${where.after ?? ''}`),
      );
    };
    return {
      signed,
      authority,
      ctx,
      sections,
      mayOnTenant,
      requireOnTenant: (action) => check(ctx, action, TENANT_TARGET),
      page,
      async show(reply, where, render, status = 200) {
        try {
          return sendPage(reply, status, await render());
        } catch (e) {
          return refuse(reply, e, where);
        }
      },
      refuse,
      validCsrf: (presented) => signed.isOwnCsrf(presented),
      refuseCsrf: (reply) => sessions.refuseCsrf(reply),
    };
  }

  /**
   * The console for this request, or undefined once the reply says why not: a redirect to sign in, or a 403 page
   * for a user without a directory role or without a multi-factor sign-in (with a "sign in again" button).
   */
  async function requireConsole(
    request: FastifyRequest,
    reply: FastifyReply,
    returnTo: string,
  ): Promise<Console | undefined> {
    const signed = await sessions.requireSignedIn(request, reply, returnTo);
    if (!signed) return undefined;
    const access = await consoleAuthority(deps, signed.user.id, signed.session.amr);
    if (access.ok) return consoleOf(request, signed, access.authority);
    request.log.info({ reason: access.refusal }, 'admin center refused');
    if (access.refusal === 'noRole') {
      sendPage(
        reply,
        403,
        adminRefusalPage(
          'You need an administrator role',
          `${signed.user.userPrincipalName} holds no directory role, so the admin center has nothing to offer. An administrator can assign you a role; your own sign-in methods are on My account.`,
        ),
      );
      return undefined;
    }
    sendPage(
      reply,
      403,
      adminRefusalPage(
        'Sign in with multi-factor authentication',
        'The admin center needs a multi-factor sign-in, and this one used a single factor. Sign in again with a second method (for example your password and a Temporary Access Pass, an authenticator app or a passkey).',
        `<form method="post" action="/admin/reauthenticate">
<input type="hidden" name="csrf" value="${esc(signed.session.csrf)}">
<input type="hidden" name="returnTo" value="${esc(returnTo)}">
<button type="submit">Sign in again</button>
</form>`,
      ),
    );
    return undefined;
  }

  /**
   * For a posted form: the console and the form's fields, or undefined once the reply says why not (the gate's
   * answers, or a 403 for a form without this session's token).
   */
  async function requireForm(
    request: FastifyRequest,
    reply: FastifyReply,
    returnTo: string,
  ): Promise<{ c: Console; form: Record<string, unknown> } | undefined> {
    const c = await requireConsole(request, reply, returnTo);
    if (!c) return undefined;
    const form = (request.body ?? {}) as Record<string, unknown>;
    if (c.validCsrf(form.csrf)) return { c, form };
    c.refuseCsrf(reply);
    return undefined;
  }

  return { requireConsole, requireForm };
}
