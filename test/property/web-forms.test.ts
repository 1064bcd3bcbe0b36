// Property: every form the server-rendered pages post to — the sign-in steps, /my's Security info and the admin
// center — answers 2xx, 3xx or 4xx whatever is posted, never 5xx, and a refused post changes nothing in the store.
// Each run posts with a live session (a sign-in interaction, a /my session, a Global Administrator's admin session)
// and its real form token most of the time, so that generated fields reach the handlers behind the CSRF check.
// The forms come from the app's route tree. A failure prints fast-check's seed; GATEPASS_PROPERTY_SEED replays it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { GLOBAL_ADMINISTRATOR } from '../../src/domain/roles.js';
import type { Deps } from '../../src/services/deps.js';
import {
  hostileString,
  isSelectedDialect,
  isSelectedRoute,
  pathSegment,
  propertyRuns,
  rawBody,
} from '../support/arbitraries.js';
import { assignRole } from '../support/admin-console.js';
import { dialects } from '../support/databases.js';
import { createGraphFixtures, type GraphFixtures } from '../support/graph-fixtures.js';
import { ADMIN_SESSION_COOKIE, MY_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { printable, propertyParameters, sendAndCheck, type GeneratedRequest } from '../support/property-requests.js';
import { startRawFlow } from '../support/raw-sign-in.js';
import { registeredRoutes, type RegisteredRoute } from '../support/route-list.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';
import { userToken } from '../support/tokens.js';
import { DELEGATED_PERMISSION_NAMES } from '../../src/domain/authz/permissions.js';

const RUNS = propertyRuns(10);
const BUDGET_MS = Number(process.env.GATEPASS_PROPERTY_BUDGET_MS ?? 30_000);
const REDIRECT_URI = 'https://rp.example/cb';
const UID = '{uid}';
const CSRF = '{csrf}';

/** Every field name the page templates post (name="…"), read from the views so a new field is generated too. */
function formFieldNames(): string[] {
  const names = new Set<string>();
  for (const entry of readdirSync(new URL('../../src/web/', import.meta.url), {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(`${entry.parentPath}/${entry.name}`, 'utf8');
    for (const m of text.matchAll(/name="([A-Za-z_][\w.-]*)"/g)) names.add(m[1]!);
  }
  return [...names].filter((n) => n !== 'csrf' && n !== 'viewport');
}

/** Values that steer the handlers: the sign-in's actions, the admin center's user actions, method kinds. */
const STEERING_VALUES = [
  'username',
  'password',
  'tap',
  'otp',
  'passkey',
  'choose',
  'consent',
  'restart',
  'usePassword',
  'changePassword',
  'newPassword',
  'temporaryAccessPass',
  'authenticatorApp',
  'passkeyDiscoverable',
  'disable',
  'enable',
  'reset-password',
  'revoke-sessions',
  'clear-lockout',
  'on',
  'true',
  '60',
  '1',
  'propertyadmin@gatepass.local',
  'ada@gatepass.local',
  'a long passphrase for the property admin',
];

function formRequest(
  route: RegisteredRoute,
  fields: readonly string[],
  ids: readonly string[],
): fc.Arbitrary<GeneratedRequest> {
  const segments = route.url.split('/').map((part) => {
    if (part === ':uid')
      return fc.oneof({ weight: 6, arbitrary: fc.constant(UID) }, { weight: 1, arbitrary: pathSegment([UID]) });
    if (part === ':action')
      return fc.oneof(
        fc.constantFrom('disable', 'enable', 'reset-password', 'revoke-sessions', 'clear-lockout'),
        pathSegment(ids),
      );
    if (part === ':kind')
      return fc.oneof(fc.constantFrom('temporaryAccessPass', 'authenticatorApp', 'passkey'), pathSegment(ids));
    return part.startsWith(':') ? pathSegment(ids) : fc.constant(part);
  });
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...STEERING_VALUES, ...ids) },
    { weight: 3, arbitrary: hostileString },
  );
  const formFields = fc.array(fc.tuple(fc.constantFrom(...fields), value), { maxLength: 6 });
  const csrf = fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | undefined>(CSRF) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: hostileString },
  );
  const encoding = fc.oneof(
    { weight: 6, arbitrary: fc.constant('form' as const) },
    { weight: 2, arbitrary: fc.constant('json' as const) },
    { weight: 1, arbitrary: fc.constant('raw' as const) },
  );
  return fc
    .record({
      path: fc.tuple(...segments),
      fields: formFields,
      csrf,
      encoding,
      raw: rawBody({ csrf: CSRF, action: 'password' }),
      type: fc.constantFrom(
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded; charset=latin1',
        'application/json',
      ),
      session: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    })
    .map(({ path, fields: pairs, csrf: token, encoding: enc, raw, type, session }) => {
      const all = token === undefined ? pairs : [['csrf', token] as [string, string], ...pairs];
      const wellFormed = all.map(([k, v]) => [k, v.replace(/[\ud800-\udfff]/g, '\ufffd')]);
      let payload: string | undefined;
      let contentType = 'application/x-www-form-urlencoded';
      if (enc === 'form') payload = new URLSearchParams(wellFormed).toString();
      else if (enc === 'json') {
        payload = JSON.stringify(Object.fromEntries(wellFormed));
        contentType = 'application/json';
      } else {
        payload = raw;
        contentType = type;
      }
      return printable({
        method: 'POST',
        url: path.join('/'),
        headers: {
          accept: 'text/html,application/xhtml+xml',
          ...(payload === undefined ? {} : { 'content-type': contentType }),
          ...(session ? { cookie: '{session}' } : {}),
        },
        ...(payload === undefined ? {} : { payload }),
      });
    });
}

/** The request with the run's live uid, form token and session cookie in place of the placeholders. */
function bind(request: GeneratedRequest, live: { uid: string; csrf: string; cookie: string }): GeneratedRequest {
  const fill = (s: string) =>
    s
      .replaceAll(UID, live.uid)
      .replaceAll(encodeURIComponent(CSRF), encodeURIComponent(live.csrf))
      .replaceAll(CSRF, live.csrf)
      .replaceAll(encodeURIComponent(UID), live.uid);
  return {
    method: request.method,
    url: fill(request.url),
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, k === 'cookie' ? live.cookie : v])),
    ...(request.payload === undefined ? {} : { payload: fill(request.payload) }),
  };
}

for (const dialect of dialects.filter(isSelectedDialect)) {
  describe(`property: every sign-in, Security info and admin form on ${dialect} answers 2xx-4xx, and a refusal changes nothing`, () => {
    let t: TestServer;
    let deps: Deps;
    let fixtures: GraphFixtures;
    let clientId: string;
    let forms: RegisteredRoute[];
    let fields: string[];
    let ids: string[];

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_REQUESTS_PER_MINUTE: '10000000' });
      deps = t.runtime.deps;
      const admin = await createPasswordUser(deps, 'propertyadmin', 'a long passphrase for the property admin');
      await assignRole(deps, admin, GLOBAL_ADMINISTRATOR);
      fixtures = await createGraphFixtures(t, await userToken(deps, admin.id, [...DELEGATED_PERMISSION_NAMES]), admin);
      clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
      forms = registeredRoutes(t.server.app).filter(
        (r) => r.method === 'POST' && /^\/(signin|my|admin)(\/|$)/.test(r.url),
      );
      fields = formFieldNames();
      ids = [
        ...fixtures.users,
        ...fixtures.groups,
        ...fixtures.units,
        ...fixtures.roleDefinitions,
        ...fixtures.roleAssignments,
        ...fixtures.passes,
        ...fixtures.authenticatorApps,
        ...fixtures.passkeys,
      ];
    });
    after(() => t.close());

    it('finds the forms in the route tree', () => {
      const urls = forms.map((r) => r.url);
      for (const expected of ['/signin/:uid', '/my/security-info/password', '/admin/users/:id/:action'])
        assert.ok(urls.includes(expected), `${expected} in ${urls.join(' ')}`);
      assert.ok(fields.includes('username') && fields.includes('displayName'), fields.join(' '));
    });

    /** A live session for the form's area: a fresh sign-in interaction, or a /my or admin session. */
    async function liveSession(route: RegisteredRoute): Promise<{ uid: string; csrf: string; cookie: string }> {
      if (route.url.startsWith('/signin/')) {
        const flow = await startRawFlow([t.url], clientId, REDIRECT_URI);
        const cookie = [...flow.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        return { uid: flow.uid, csrf: flow.csrf, cookie };
      }
      const area = route.url.startsWith('/admin') ? 'admin' : 'my';
      // The /my user is one of the fixtures' users with an authenticator app and a passkey; the admin is the admin.
      const userId = area === 'admin' ? fixtures.admin.id : fixtures.users[0]!;
      const session = await openMySession(
        deps,
        userId,
        ['pwd', 'otp', 'mfa'],
        Math.floor(Date.now() / 1000),
        undefined,
        area,
      );
      const name = area === 'admin' ? ADMIN_SESSION_COOKIE : MY_SESSION_COOKIE;
      return { uid: 'none', csrf: session.csrf, cookie: `${name}=${session.cookie}` };
    }

    it('every form, generated posts', async (c) => {
      for (const route of forms) {
        if (!isSelectedRoute(route.method, route.url)) continue;
        await c.test(`${route.method} ${route.url}`, async () => {
          await fc.assert(
            fc.asyncProperty(formRequest(route, fields, ids), async (request) => {
              const live = await liveSession(route);
              await sendAndCheck(t.server.app, deps, bind(request, live), [2, 3, 4]);
            }),
            propertyParameters(RUNS, BUDGET_MS / forms.length),
          );
        });
      }
    });
  });
}
