// "New user" in the admin center's Users blade: the form, then the service Graph's POST /users calls, with an
// auto-generated password shown once (to be changed at the first sign-in) and, when chosen, the new user added to an
// administrative unit.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Action } from '../../domain/authz/permissions.js';
import { isAppError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { addAdministrativeUnitMember, listAdministrativeUnits } from '../../services/administrative-units.js';
import type { Deps } from '../../services/deps.js';
import { createUser } from '../../services/users.js';
import { sendPage } from '../app-session.js';
import { newUserPage, type NewUserForm } from '../views/admin/new-user.js';
import { userOverviewPage } from '../views/admin/users.js';
import type { Console, ConsoleGate } from './console.js';
import { formErrorOf, text, type Form, type FormError } from './form-values.js';
import { temporaryPassword } from './user-actions-routes.js';

const UNIT_MEMBERS: Action = 'microsoft.directory/administrativeUnits/members/update';
const USERS = { section: 'users', title: 'Users', after: '<p><a href="/admin/users">Back to Users</a></p>' } as const;

/** The service's targets, named by the form's fields (the mail nickname comes from the user principal name). */
const FIELDS = {
  userPrincipalName: { name: 'userPrincipalName', label: 'User principal name' },
  mailNickname: { name: 'userPrincipalName', label: 'User principal name' },
  displayName: { name: 'displayName', label: 'Display name' },
  'passwordProfile.password': { name: 'password', label: 'Password' },
};

export function registerAdminNewUserRoutes(web: FastifyInstance, deps: Deps, gate: ConsoleGate): void {
  /** The units offered: only to whom may add members to them, and none when they may not read them either. */
  async function unitsFor(c: Console): Promise<{ id: string; displayName: string }[]> {
    if (!c.mayOnTenant(UNIT_MEMBERS)) return [];
    try {
      return (await listAdministrativeUnits(deps, c.ctx, { top: 999 })).units;
    } catch (e) {
      if (!isAppError(e)) throw e;
      return [];
    }
  }

  async function form(reply: FastifyReply, c: Console, chosen: NewUserForm, status: number, error?: FormError) {
    const body = newUserPage({
      form: chosen,
      domains: deps.tenant.domains.map((d) => d.name),
      units: await unitsFor(c),
      csrf: c.signed.session.csrf,
      ...(error ? { error } : {}),
    });
    return sendPage(reply, status, c.page('users', 'New user', body));
  }

  web.get('/admin/users/new', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/users/new');
    if (!c) return reply;
    try {
      c.requireOnTenant('microsoft.directory/users/create');
    } catch (e) {
      return c.refuse(reply, e, USERS);
    }
    const blank: NewUserForm = {
      displayName: '',
      userPrincipalName: '',
      passwordChoice: 'auto',
      accountEnabled: true,
      unitId: '',
    };
    return form(reply, c, blank, 200);
  });

  web.post<{ Body: Form }>('/admin/users', async (request, reply) => {
    const posted = await gate.requireForm(request, reply, '/admin/users/new');
    if (!posted) return reply;
    const { c, form: f } = posted;
    const chosen: NewUserForm = {
      displayName: text(f.displayName),
      userPrincipalName: text(f.userPrincipalName),
      passwordChoice: text(f.passwordChoice) === 'own' ? 'own' : 'auto',
      accountEnabled: text(f.accountEnabled) === 'yes',
      unitId: text(f.unitId),
    };
    const typed = text(f.password);
    if (chosen.passwordChoice === 'own' && typed === '')
      return form(reply, c, chosen, 400, {
        message: 'Password: enter a password, or choose Auto-generate password.',
        field: 'password',
      });
    if (chosen.unitId !== '' && !isGuid(chosen.unitId))
      return form(reply, c, chosen, 400, {
        message: 'Administrative unit: choose one from the list.',
        field: 'unitId',
      });
    const secret = chosen.passwordChoice === 'auto' ? temporaryPassword() : undefined;
    let user: Awaited<ReturnType<typeof createUser>>;
    try {
      user = await createUser(deps, c.ctx, {
        displayName: chosen.displayName,
        userPrincipalName: chosen.userPrincipalName,
        accountEnabled: chosen.accountEnabled,
        password: secret ?? typed,
        forceChangePasswordNextSignIn: true,
      });
    } catch (e) {
      // Who may not create users is refused in the frame; a value the service refuses goes back to the form.
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, USERS);
      return form(reply, c, chosen, e.status, formErrorOf(e, FIELDS));
    }
    // The user exists from here on: a unit that refuses them is said on the user's page, not as a failed creation.
    let error: string | undefined;
    if (chosen.unitId !== '')
      try {
        await addAdministrativeUnitMember(deps, c.ctx, chosen.unitId, user.id);
      } catch (e) {
        if (!isAppError(e)) throw e;
        error = `The user was created but not added to the administrative unit: ${e.message}`;
      }
    reply.header('cache-control', 'no-store');
    const notice = `${user.displayName} was created.${secret ? ' Give them the password below; they change it at their first sign-in.' : ' They change the password at their first sign-in.'}`;
    const body = userOverviewPage(user, { notice, ...(secret ? { secret } : {}), ...(error ? { error } : {}) });
    return sendPage(reply, 201, c.page('users', user.displayName, body));
  });
}
