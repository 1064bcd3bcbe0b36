// Property: whatever a client sends to any Graph route — mutated bodies, OData junk, odd ids, odd headers, as a Global
// Administrator or with no or a broken token — the answer is 2xx or 4xx, never 5xx, and a refusal changes nothing in
// the store. The routes come from the app's own route tree, so a new route is covered without being listed here.
// A failure prints fast-check's seed; GATEPASS_PROPERTY_SEED=<seed> replays it, GATEPASS_PROPERTY_RUNS=<n> searches
// longer, GATEPASS_PROPERTY_SHRINK=1 shrinks the counterexample.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DELEGATED_PERMISSION_NAMES } from '../../src/domain/authz/permissions.js';
import { GLOBAL_ADMINISTRATOR } from '../../src/domain/roles.js';
import type { Deps } from '../../src/services/deps.js';
import {
  contentType,
  extraHeaders,
  junkAuthorization,
  odataQuery,
  pathSegment,
  propertyRuns,
  isSelectedRoute,
  isSelectedDialect,
  rawBody,
} from '../support/arbitraries.js';
import { dialects } from '../support/databases.js';
import { graphRequest } from '../support/graph-http.js';
import { type GraphFixtures, createGraphFixtures, bodyTemplateFor, idsForParam } from '../support/graph-fixtures.js';
import { printable, propertyParameters, sendAndCheck, type GeneratedRequest } from '../support/property-requests.js';
import { registeredRoutes, type RegisteredRoute } from '../support/route-list.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { assignRole } from '../support/admin-console.js';
import { createPasswordUser } from '../support/sign-in-fixtures.js';
import { userToken } from '../support/tokens.js';

/** Runs per route, and a time budget for all routes of one store that each route gets an equal share of. */
const RUNS = propertyRuns(12);
const BUDGET_MS = Number(process.env.GATEPASS_PROPERTY_BUDGET_MS ?? 30_000);

/** The Graph routes of a built app, HEAD left out (Fastify answers it with the GET handler). */
function graphRoutes(t: TestServer): RegisteredRoute[] {
  return registeredRoutes(t.server.app).filter((r) => r.url.startsWith('/v1.0/') && r.method !== 'HEAD');
}

function requestFor(route: RegisteredRoute, fixtures: GraphFixtures, token: string): fc.Arbitrary<GeneratedRequest> {
  const segments = route.url
    .split('/')
    .map((part, i, all) =>
      part.startsWith(':') ? pathSegment(idsForParam(fixtures, all[i - 1] ?? '', part)) : fc.constant(part),
    );
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const auth = fc.oneof(
    { weight: 10, arbitrary: fc.constant<string | undefined>(`Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 2, arbitrary: junkAuthorization(token) },
  );
  const body = hasBody
    ? rawBody(bodyTemplateFor(route, fixtures))
    : fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: rawBody({ a: 1 }) });
  const query = route.method === 'GET' ? odataQuery : fc.oneof(fc.constant(''), odataQuery);
  return fc
    .record({ path: fc.tuple(...segments), query, auth, type: contentType, extra: extraHeaders, body })
    .map(({ path, query: q, auth: a, type, extra, body: payload }) =>
      printable({
        method: route.method,
        url: `${path.join('/')}${q ? `?${q}` : ''}`,
        headers: {
          ...extra,
          ...(a === undefined ? {} : { authorization: a }),
          ...(type === undefined || payload === undefined ? {} : { 'content-type': type }),
        },
        ...(payload === undefined ? {} : { payload }),
      }),
    );
}

for (const dialect of dialects.filter(isSelectedDialect)) {
  describe(`property: every Graph route on ${dialect} answers 2xx or 4xx, and a refusal changes nothing`, () => {
    let t: TestServer;
    let deps: Deps;
    let token: string;
    let fixtures: GraphFixtures;
    let routes: RegisteredRoute[];

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_REQUESTS_PER_MINUTE: '10000000' });
      deps = t.runtime.deps;
      const admin = await createPasswordUser(deps, 'propertyadmin', 'a long passphrase for the property admin');
      await assignRole(deps, admin, GLOBAL_ADMINISTRATOR);
      token = await userToken(deps, admin.id, [...DELEGATED_PERMISSION_NAMES]);
      fixtures = await createGraphFixtures(t, token, admin);
      routes = graphRoutes(t);
    });
    after(() => t.close());

    it('finds the Graph routes in the route tree', () => {
      assert.ok(routes.length > 60, `found ${routes.length}`);
      const names = routes.map((r) => `${r.method} ${r.url}`);
      for (const expected of [
        'POST /v1.0/users',
        'PATCH /v1.0/users/:id',
        'DELETE /v1.0/groups/:id/members/:memberid/$ref',
      ])
        assert.ok(
          names.some((n) => n.toLowerCase() === expected.toLowerCase()),
          `${expected} in ${names.join('\n')}`,
        );
    });

    it('the Global Administrator reaches deep code: a well-formed request is answered 2xx', async () => {
      const res = await graphRequest(t.server.app, 'GET', `/v1.0/users/${fixtures.users[0]}`, { token });
      assert.equal(res.status, 200, res.raw);
    });

    it('every route, generated requests', async (c) => {
      for (const route of routes) {
        if (!isSelectedRoute(route.method, route.url)) continue;
        await c.test(`${route.method} ${route.url}`, async () => {
          await fc.assert(
            fc.asyncProperty(requestFor(route, fixtures, token), async (request) => {
              await sendAndCheck(t.server.app, deps, request);
            }),
            propertyParameters(RUNS, BUDGET_MS / routes.length),
          );
        });
      }
    });
  });
}
