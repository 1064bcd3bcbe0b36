// The admin center's Authentication methods → Policies → Temporary Access Pass ("Enable and target", "Configure" →
// "Edit") and Properties → Security defaults. Each save is the Graph PATCH's service call with the same body Graph
// takes, so validation messages and audit entries are the API's own.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { isAppError } from '../../domain/errors.js';
import {
  DEFAULT_PURPOSE_PROPERTY,
  ONE_TIME_RETRY_PROPERTY,
  REGISTRATION_WINDOW_PROPERTY,
  RETIRE_PROPERTY,
  type TapPolicy,
} from '../../domain/tap/policy.js';
import { readTapPolicy } from '../../services/authentication-methods-policy.js';
import type { Deps } from '../../services/deps.js';
import { listGroups } from '../../services/groups.js';
import { readSecurityDefaults, setSecurityDefaults } from '../../services/security-defaults.js';
import { updateTapPolicy } from '../../services/tap-policy.js';
import {
  policiesPage,
  propertiesPage,
  tapConfigurePage,
  tapEditPage,
  tapEnablePage,
  type TapConfigForm,
} from '../views/admin/policies.js';
import type { Console, ConsoleGate } from './console.js';
import { text, type Form } from './form-values.js';

const TAP = '/admin/authentication-methods/temporary-access-pass';
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(text) : typeof v === 'string' ? [v] : []);
/** A number field as the API would receive it: a number when it reads as one, otherwise the text, refused by name. */
const numberOf = (v: unknown): number | string => {
  const t = text(v).trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
};

const UPDATE = 'microsoft.directory/userCredentialPolicies/basic/update';

export function registerAdminPolicyRoutes(web: FastifyInstance, deps: Deps, gate: ConsoleGate): void {
  const POLICIES = { section: 'authenticationMethods', title: 'Authentication methods' } as const;
  const show = (reply: FastifyReply, c: Console, render: () => Promise<string>, status = 200) =>
    c.show(reply, POLICIES, render, status);

  const groupsOf = async (c: Console) => (await listGroups(deps, c.ctx, { top: 999 })).groups;

  web.get('/admin/authentication-methods', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/authentication-methods');
    if (!c) return reply;
    return show(reply, c, async () =>
      c.page(
        'authenticationMethods',
        'Authentication methods',
        policiesPage({ policy: await readTapPolicy(deps, c.ctx) }),
      ),
    );
  });

  const enablePage = async (c: Console, extra: { notice?: string; error?: string; policy?: TapPolicy } = {}) =>
    c.page(
      'authenticationMethods',
      'Temporary Access Pass',
      tapEnablePage({
        policy: extra.policy ?? (await readTapPolicy(deps, c.ctx)),
        groups: await groupsOf(c),
        mayEdit: c.mayOnTenant(UPDATE),
        csrf: c.signed.session.csrf,
        ...(extra.notice ? { notice: extra.notice } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    );

  web.get<{ Querystring: { saved?: string } }>(TAP, async (request, reply) => {
    const c = await gate.requireConsole(request, reply, TAP);
    if (!c) return reply;
    return show(reply, c, () => enablePage(c, request.query.saved === '1' ? { notice: 'Saved.' } : {}));
  });

  web.post<{ Body: Form }>(TAP, async (request, reply) => {
    const posted = await gate.requireForm(request, reply, TAP);
    if (!posted) return reply;
    const { c, form } = posted;
    const includeGroups = text(form.include) === 'all_users' ? ['all_users'] : list(form.includeGroup);
    const patch = {
      state: text(form.enabled) === 'yes' ? 'enabled' : 'disabled',
      includeTargets: includeGroups.map((id) => ({ id, targetType: 'group', isRegistrationRequired: false })),
      excludeTargets: list(form.excludeGroup).map((id) => ({ id, targetType: 'group' })),
    };
    try {
      await updateTapPolicy(deps, c.ctx, patch);
    } catch (e) {
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, POLICIES);
      return show(reply, c, () => enablePage(c, { error: e.message }), e.status);
    }
    return reply.header('cache-control', 'no-store').redirect(`${TAP}?saved=1`, 303);
  });

  web.get<{ Querystring: { saved?: string } }>(`${TAP}/configure`, async (request, reply) => {
    const c = await gate.requireConsole(request, reply, `${TAP}/configure`);
    if (!c) return reply;
    return show(reply, c, async () =>
      c.page(
        'authenticationMethods',
        'Temporary Access Pass',
        tapConfigurePage({
          policy: await readTapPolicy(deps, c.ctx),
          mayEdit: c.mayOnTenant(UPDATE),
          ...(request.query.saved === '1' ? { notice: 'Saved.' } : {}),
        }),
      ),
    );
  });

  const editPage = (c: Console, form: TapConfigForm, error?: { message: string; field?: string }) =>
    c.page(
      'authenticationMethods',
      'Edit Temporary Access Pass settings',
      tapEditPage({
        form,
        csrf: c.signed.session.csrf,
        ...(error ? { error: error.message, ...(error.field ? { field: error.field } : {}) } : {}),
      }),
    );

  web.get(`${TAP}/configure/edit`, async (request, reply) => {
    const c = await gate.requireConsole(request, reply, `${TAP}/configure`);
    if (!c) return reply;
    return show(reply, c, async () => {
      const p = await readTapPolicy(deps, c.ctx);
      return editPage(c, {
        minimum: String(p.minimumLifetimeInMinutes),
        maximum: String(p.maximumLifetimeInMinutes),
        defaultLifetime: String(p.defaultLifetimeInMinutes),
        oneTime: p.isUsableOnce,
        length: String(p.defaultLength),
        defaultPurpose: p.defaultPurpose,
        retireAfterRegistration: p.retireAfterRegistration,
        oneTimeRetry: p.oneTimeRetry,
        registrationWindow: String(p.registrationWindowInMinutes),
      });
    });
  });

  web.post<{ Body: Form }>(`${TAP}/configure/edit`, async (request, reply) => {
    const posted = await gate.requireForm(request, reply, `${TAP}/configure`);
    if (!posted) return reply;
    const { c, form } = posted;
    const chosen: TapConfigForm = {
      minimum: text(form.minimum),
      maximum: text(form.maximum),
      defaultLifetime: text(form.defaultLifetime),
      oneTime: text(form.oneTime) === 'yes',
      length: text(form.length),
      defaultPurpose: text(form.defaultPurpose),
      retireAfterRegistration: text(form.retireAfterRegistration) !== 'no',
      oneTimeRetry: text(form.oneTimeRetry) === 'yes',
      registrationWindow: text(form.registrationWindow),
    };
    try {
      await updateTapPolicy(deps, c.ctx, {
        minimumLifetimeInMinutes: numberOf(chosen.minimum),
        maximumLifetimeInMinutes: numberOf(chosen.maximum),
        defaultLifetimeInMinutes: numberOf(chosen.defaultLifetime),
        isUsableOnce: chosen.oneTime,
        defaultLength: numberOf(chosen.length),
        // Absent from an older form: left as it is.
        ...(form.defaultPurpose === undefined ? {} : { [DEFAULT_PURPOSE_PROPERTY]: chosen.defaultPurpose }),
        ...(form.retireAfterRegistration === undefined ? {} : { [RETIRE_PROPERTY]: chosen.retireAfterRegistration }),
        ...(form.oneTimeRetry === undefined ? {} : { [ONE_TIME_RETRY_PROPERTY]: chosen.oneTimeRetry }),
        ...(form.registrationWindow === undefined
          ? {}
          : { [REGISTRATION_WINDOW_PROPERTY]: numberOf(chosen.registrationWindow) }),
      });
    } catch (e) {
      if (!isAppError(e) || e.status === 403) return c.refuse(reply, e, POLICIES);
      const field = (e as { target?: string }).target;
      return show(
        reply,
        c,
        async () => editPage(c, chosen, { message: e.message, ...(field ? { field } : {}) }),
        e.status,
      );
    }
    return reply.header('cache-control', 'no-store').redirect(`${TAP}/configure?saved=1`, 303);
  });

  const SECURITY_DEFAULTS_UPDATE = 'microsoft.directory/policies/securityDefaults/basic/update';

  web.get<{ Querystring: { saved?: string } }>('/admin/properties', async (request, reply) => {
    const c = await gate.requireConsole(request, reply, '/admin/properties');
    if (!c) return reply;
    return show(reply, c, async () =>
      c.page(
        'properties',
        'Properties',
        propertiesPage({
          securityDefaults: (await readSecurityDefaults(deps, c.ctx)).isEnabled,
          mayEdit: c.mayOnTenant(SECURITY_DEFAULTS_UPDATE),
          csrf: c.signed.session.csrf,
          ...(request.query.saved === '1' ? { notice: 'Saved.' } : {}),
        }),
      ),
    );
  });

  web.post<{ Body: Form }>('/admin/properties/security-defaults', async (request, reply) => {
    const posted = await gate.requireForm(request, reply, '/admin/properties');
    if (!posted) return reply;
    const { c, form } = posted;
    try {
      await setSecurityDefaults(deps, c.ctx, text(form.enabled) === 'yes');
    } catch (e) {
      return c.refuse(reply, e, POLICIES);
    }
    return reply.header('cache-control', 'no-store').redirect('/admin/properties?saved=1', 303);
  });
}
