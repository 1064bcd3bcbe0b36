// Threat: cross-site request forgery. Another site's page posts a form to Gatepass in the victim's browser, which
// sends the victim's cookies along. Every POST route of the sign-in (/signin), Security info (/my) and the admin
// center (/admin) — read from the routes the app actually registered, so a new form is covered without editing this
// test — refuses a form with no token, a made-up one, or another session's real one with 403 and writes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { csrfTokenFor } from '../../src/services/sign-in/index.js';
import type { Database } from '../../src/store/schema.js';
import { newAdministrator } from '../support/admin-console.js';
import { dialects } from '../support/databases.js';
import { MY_SESSION_COOKIE, openMySession } from '../support/my-session.js';
import { startRawFlow } from '../support/raw-sign-in.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { createPasswordUser, createWebApp } from '../support/sign-in-fixtures.js';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const HTML = { accept: 'text/html,application/xhtml+xml' };

/** The POST routes under the given prefixes, read from Fastify's route tree (printRoutes). */
function postRoutes(tree: string, prefixes: string[]): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    const path = `${stack[depth - 1] ?? ''}${m[2]}`;
    stack.push(path);
    if ((m[3] ?? '').split(', ').includes('POST') && prefixes.some((p) => path === p || path.startsWith(`${p}/`)))
      routes.push(path);
  }
  return routes;
}

/** The tables a forged form could change (sessions and provider payloads are touched by any visit). */
const WATCHED: (keyof Database)[] = [
  'users',
  'groups',
  'group_members',
  'administrative_units',
  'administrative_unit_members',
  'role_assignments',
  'role_definitions',
  'policies',
  'audit_events',
  'sign_ins',
  'failure_counters',
  'sign_in_states',
  'temporary_access_passes',
  'software_oath_methods',
  'fido2_methods',
  'webauthn_challenges',
  'my_sessions',
];

for (const dialect of dialects) {
  describe(`CSRF on every form (${dialect})`, () => {
    let s: TestServer;
    let routes: string[];

    before(async () => {
      s = await startTestServer(dialect);
      routes = postRoutes(s.server.app.printRoutes({ method: 'POST', commonPrefix: false }), [
        '/signin',
        '/my',
        '/admin',
      ]);
    });
    after(async () => s?.close());

    async function snapshot(): Promise<Record<string, string>> {
      const parts: Record<string, string> = {};
      for (const table of WATCHED) {
        const rows = (await s.runtime.deps.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
        // A session's sliding idle expiry moves with any visit; the session itself must not change.
        parts[table] = JSON.stringify(rows.map(({ idle_expires_at: _touched, ...row }) => JSON.stringify(row)).sort());
      }
      return parts;
    }

    it('finds the forms of all three areas', () => {
      for (const expected of ['/signin/:uid', '/my/signout', '/my/security-info/password', '/admin/users'])
        assert.ok(routes.includes(expected), `${expected} in ${routes.join(', ')}`);
      assert.ok(routes.length >= 30, `${routes.length} POST routes`);
    });

    it('refuses each without a valid token, with 403, writing nothing', async () => {
      const deps = s.runtime.deps;
      const admin = await newAdministrator(s, 'csrf-admin', ROLE_TEMPLATE_IDS.globalAdministrator);
      const target = await createPasswordUser(deps, 'csrf-target', 'a long passphrase for the target');
      const mine = await openMySession(deps, admin.user.id, ['pwd', 'mfa'], Math.floor(Date.now() / 1000));
      const otherMine = await openMySession(deps, admin.user.id, ['pwd', 'mfa'], Math.floor(Date.now() / 1000));
      const otherAdmin = await openMySession(
        deps,
        admin.user.id,
        ['pwd', 'otp', 'mfa'],
        Math.floor(Date.now() / 1000),
        undefined,
        'admin',
      );
      const clientId = (await createWebApp(deps, REDIRECT_URI)).app.appId;
      const flow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      const otherFlow = await startRawFlow([s.url], clientId, REDIRECT_URI);
      const signinCookie = [...flow.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

      const areas = {
        '/signin': { cookie: signinCookie, foreign: [csrfTokenFor(deps, otherFlow.uid), mine.csrf] },
        '/my': { cookie: `${MY_SESSION_COOKIE}=${mine.cookie}`, foreign: [otherMine.csrf, admin.csrf] },
        '/admin': { cookie: admin.cookie, foreign: [otherAdmin.csrf, mine.csrf, flow.csrf] },
      };
      const params: Record<string, string> = {
        uid: flow.uid,
        id: target.id,
        userId: target.id,
        kind: 'temporaryAccessPass',
        action: 'disable',
        assignmentId: target.id,
      };
      // Fields a real form would send, so that only the token is missing.
      const fields = {
        action: 'username',
        username: target.userPrincipalName,
        password: 'a long passphrase for the target',
        displayName: 'Forged',
        include: 'all_users',
        state: 'disabled',
        mode: 'user',
      };

      const before = await snapshot();
      const failures: string[] = [];
      for (const route of routes) {
        const area = areas[(Object.keys(areas) as (keyof typeof areas)[]).find((p) => route.startsWith(p))!];
        const url = route.replace(/:(\w+)/g, (_all, name: string) => params[name] ?? 'x');
        for (const csrf of [undefined, 'not-a-token', ...area.foreign]) {
          const body = { ...fields, ...(csrf === undefined ? {} : { csrf }) };
          const json = route.endsWith('/options');
          const res = await s.server.app.inject({
            method: 'POST',
            url,
            headers: {
              ...HTML,
              cookie: area.cookie,
              'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
            },
            payload: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
          });
          if (res.statusCode !== 403) failures.push(`${route} (csrf ${String(csrf).slice(0, 12)}): ${res.statusCode}`);
        }
      }
      assert.deepEqual(failures, []);
      const afterwards = await snapshot();
      const changed = WATCHED.filter((table) => afterwards[table] !== before[table]);
      assert.deepEqual(changed, [], `nothing was written: ${changed.map((t) => afterwards[t]).join('\n')}`);
    });
  });
}
