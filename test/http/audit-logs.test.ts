// Graph /auditLogs/directoryAudits and /auditLogs/signIns on both databases: allow-listed $filter (including
// targetResources/any and initiatedBy/…), $orderby, $top, paging through absolute nextLinks (ties on time included),
// bad options → 400 naming them, permission AuditLog.Read.All, and a real TAP creation found in the log.

import { describe, it, before, after } from 'node:test';
import type { AuditActivity } from '../../src/domain/audit.js';
import assert from 'node:assert/strict';
import { newId } from '../../src/domain/ids.js';
import type { Actor } from '../../src/domain/audit.js';
import type { Deps } from '../../src/services/deps.js';
import { createAuditEventsRepo } from '../../src/store/repos/audit-events.js';
import { createSignInsRepo } from '../../src/store/repos/sign-ins.js';
import { dialects } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { assertGraphError, graphRequest, type GraphResponse } from '../support/graph-http.js';
import { createTestApp } from '../support/tokens.js';
import { createPasswordUser } from '../support/sign-in-fixtures.js';

const AUDITS = '/v1.0/auditLogs/directoryAudits';
const SIGN_INS = '/v1.0/auditLogs/signIns';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

for (const dialect of dialects) {
  describe(`Graph audit and sign-in logs on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let reader: string;
    const userId = newId();
    const appId = newId();
    const targetX = newId();
    const ids: string[] = [];
    const corr: string[] = [];

    const get = (url: string, token = reader) => graphRequest(t.server.app, 'GET', url, { token });
    const q = (filter: string, extra = '') => `${AUDITS}?$filter=${encodeURIComponent(filter)}${extra}`;
    const idsOf = (res: GraphResponse) => (res.body.value ?? []).map((v) => String(v.id));

    /** Follows @odata.nextLink (absolute, on our origin) to the end, returning every id in order. */
    async function allPages(first: string): Promise<{ ids: string[]; pages: number }> {
      const seen: string[] = [];
      let url: string | undefined = first;
      let pages = 0;
      while (url) {
        const res = await get(url);
        assert.equal(res.status, 200, res.raw);
        seen.push(...idsOf(res));
        pages += 1;
        const next = res.body['@odata.nextLink'];
        if (next === undefined) break;
        assert.ok(String(next).startsWith(`${t.url}/v1.0/auditLogs/`), String(next));
        const u = new URL(String(next));
        url = `${u.pathname}${u.search}`;
      }
      return { ids: seen, pages };
    }

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' });
      deps = t.runtime.deps;
      reader = (await createTestApp(deps, ['AuditLog.Read.All'])).token;
      const user: Actor = {
        kind: 'user',
        id: userId,
        userPrincipalName: 'auditor@contoso.test',
        displayName: 'Auditor',
        ipAddress: '192.0.2.1',
      };
      const app: Actor = {
        kind: 'app',
        appId,
        displayName: 'Audit app',
        servicePrincipalId: newId(),
        ipAddress: '192.0.2.2',
      };
      const repo = createAuditEventsRepo(deps.db);
      // Seven events; 3 and 4 share one instant, so paging must break the tie on id.
      const times = [0, 1, 2, 3, 3, 4, 5].map((s) => T0 + s * 1000);
      for (const [i, time] of times.entries()) {
        const id = `Audit Test_${newId()}`;
        const c = newId();
        ids.push(id);
        corr.push(c);
        await repo.insertAuditEvent({
          id,
          activityDateTime: new Date(time),
          // Names no release writes, so that only these rows match (a log may hold names of other versions).
          activityDisplayName: (i % 2 === 0 ? 'Test activity even' : 'Test activity odd') as AuditActivity,
          category: i < 4 ? 'DirectoryManagement' : 'Policy',
          correlationId: c,
          loggedByService: 'Audit Test',
          operationType: 'Other',
          result: i === 6 ? 'failure' : 'success',
          resultReason: '',
          initiatedBy: i < 3 ? user : app,
          targetResources:
            i === 2 || i === 5
              ? [
                  { id: newId(), displayName: 'first', type: 'Other' },
                  { id: targetX, displayName: 'Target X', type: 'User' },
                ]
              : [{ id: newId(), displayName: `t${i}`, type: 'Other' }],
          additionalDetails: [],
        });
      }
    });
    after(() => t.close());

    it("lists newest first by default in Graph's shape; $orderby asc reverses; the lower-case alias and GET by id work", async () => {
      const res = await get(q("loggedByService eq 'Audit Test'"));
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits');
      const desc = idsOf(res);
      assert.equal(desc.length, 7);
      assert.deepEqual(desc.slice(0, 2), [ids[6], ids[5]]);
      assert.deepEqual(new Set(desc.slice(2, 4)), new Set([ids[3], ids[4]]));
      const first = res.body.value![0]!;
      for (const key of [
        'id',
        'activityDateTime',
        'activityDisplayName',
        'category',
        'correlationId',
        'loggedByService',
        'operationType',
        'result',
        'resultReason',
        'initiatedBy',
        'targetResources',
        'additionalDetails',
      ])
        assert.ok(key in first, key);
      assert.equal(first.activityDateTime, new Date(T0 + 5000).toISOString());
      const asc = idsOf(await get(q("loggedByService eq 'Audit Test'", '&$orderby=activityDateTime%20asc')));
      assert.deepEqual(asc, [...desc].reverse());
      assert.deepEqual(
        idsOf(
          await get(`/v1.0/auditLogs/directoryaudits?$filter=${encodeURIComponent("loggedByService eq 'Audit Test'")}`),
        ),
        desc,
      );

      const one = await get(`${AUDITS}/${encodeURIComponent(ids[2]!)}`);
      assert.equal(one.status, 200, one.raw);
      assert.equal(one.body.id, ids[2]);
      assert.equal(
        one.body['@odata.context'],
        'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits/$entity',
      );
      assertGraphError(await get(`${AUDITS}/nope`), 404, 'Request_ResourceNotFound');
    });

    it('pages with $top through absolute nextLinks, in both orders, without losing or repeating a row at a tie', async () => {
      const all = idsOf(await get(q("loggedByService eq 'Audit Test'")));
      for (const top of [1, 2, 3]) {
        const paged = await allPages(q("loggedByService eq 'Audit Test'", `&$top=${top}`));
        assert.deepEqual(paged.ids, all, `$top=${top}`);
        assert.equal(paged.pages, Math.ceil(7 / top));
      }
      const asc = await allPages(q("loggedByService eq 'Audit Test'", '&$top=2&$orderby=activityDateTime asc'));
      assert.deepEqual(asc.ids, [...all].reverse());
      // Without $filter, the default page is 100 rows; this tenant has fewer.
      const plain = await get(AUDITS);
      assert.equal(plain.status, 200);
      assert.equal(plain.body['@odata.nextLink'], undefined);
    });

    it('filters through the allow-list: targetResources/any, initiatedBy user and app, time range, category, name, result, correlation id', async () => {
      const cases: [string, string[]][] = [
        [`targetResources/any(t: t/id eq '${targetX}')`, [ids[5]!, ids[2]!]],
        [`targetResources/any(t: t/id eq '${targetX.toUpperCase()}')`, [ids[5]!, ids[2]!]],
        [`targetResources/any(t: t/displayName eq 'Target X' and t/type eq 'User')`, [ids[5]!, ids[2]!]],
        [`targetResources/any(x: startswith(x/displayName, 'Targ'))`, [ids[5]!, ids[2]!]],
        [`initiatedBy/user/id eq '${userId}'`, [ids[2]!, ids[1]!, ids[0]!]],
        [`initiatedBy/user/id eq ${userId}`, [ids[2]!, ids[1]!, ids[0]!]],
        [`initiatedBy/user/userPrincipalName eq 'AUDITOR@contoso.test'`, [ids[2]!, ids[1]!, ids[0]!]],
        [`startswith(initiatedBy/user/userPrincipalName, 'audit')`, [ids[2]!, ids[1]!, ids[0]!]],
        [`initiatedBy/app/appId eq '${appId}' and category eq 'Policy'`, [ids[6]!, ids[5]!, ids[4]!]],
        [
          `activityDateTime ge ${new Date(T0 + 4000).toISOString()} and activityDateTime le ${new Date(T0 + 5000).toISOString()}`,
          [ids[6]!, ids[5]!],
        ],
        [`activityDateTime gt ${new Date(T0 + 4000).toISOString()} and loggedByService eq 'Audit Test'`, [ids[6]!]],
        [`activityDateTime lt ${new Date(T0 + 1000).toISOString()} and loggedByService eq 'Audit Test'`, [ids[0]!]],
        [`activityDateTime eq ${new Date(T0 + 1000).toISOString()}`, [ids[1]!]],
        [`category eq 'Policy' and loggedByService eq 'Audit Test'`, [ids[6]!, ids[5]!, ids[4]!]],
        [`activityDisplayName eq 'Test activity odd'`, [ids[5]!, ids[3]!, ids[1]!]],
        [`startswith(activityDisplayName, 'Test activity') and result eq 'failure'`, [ids[6]!]],
        [`correlationId eq '${corr[3]}'`, [ids[3]!]],
        [`category eq 'x'' or 1=1 --'`, []],
      ];
      for (const [filter, expected] of cases) {
        const res = await get(q(filter));
        assert.equal(res.status, 200, `${filter}: ${res.raw}`);
        const got = idsOf(res);
        if (filter.startsWith('initiatedBy/user/id') || filter.includes('userPrincipalName'))
          assert.deepEqual(new Set(got), new Set(expected), filter);
        else assert.deepEqual(got, expected, filter);
      }
    });

    it('refuses bad options with a 400 naming the option, never a 500; needs AuditLog.Read.All', async () => {
      // A token taken in the default (newest first) order, replayed under the other order.
      const skip = new URL(
        String((await get(q("loggedByService eq 'Audit Test'", '&$top=2'))).body['@odata.nextLink']),
      ).searchParams.get('$skiptoken')!;
      for (const [url, target] of [
        [q('nonsense eq 1'), '$filter'],
        [q("category eq 'x' and"), '$filter'],
        [q("targetResources/any(t: t/nope eq 'x')"), '$filter'],
        [q("targetResources eq 'x'"), '$filter'],
        [q('activityDateTime ge yesterday'), '$filter'],
        [q("category ne 'x'"), '$filter'],
        [`${AUDITS}?$top=0`, '$top'],
        [`${AUDITS}?$top=1000`, '$top'],
        [`${AUDITS}?$top=abc`, '$top'],
        [`${AUDITS}?$orderby=id`, '$orderby'],
        [`${AUDITS}?$orderby=activityDateTime%20sideways`, '$orderby'],
        [`${AUDITS}?$skiptoken=not-a-token`, '$skiptoken'],
        [`${AUDITS}?$skiptoken=${Buffer.from('{"v":1}').toString('base64url')}`, '$skiptoken'],
        [`${AUDITS}?$orderby=activityDateTime%20asc&$skiptoken=${skip}`, '$skiptoken'],
        [`${AUDITS}?$select=id`, '$select'],
        [`${AUDITS}?$expand=x`, '$expand'],
        [`${AUDITS}?$top=1&$top=2`, '$top'],
        [`${SIGN_INS}?$filter=${encodeURIComponent('status/errorCode eq ')}`, '$filter'],
        [`${SIGN_INS}?$orderby=activityDateTime`, '$orderby'],
      ] as const) {
        const res = await get(url);
        assert.equal(res.status, 400, `${url}: ${res.raw}`);
        assert.equal(res.body.error?.target, target, `${url}: ${res.raw}`);
      }
      const weak = (await createTestApp(deps, ['User.Read.All'])).token;
      assertGraphError(await get(AUDITS, weak), 403, 'Authorization_RequestDenied');
      assertGraphError(await get(SIGN_INS, weak), 403, 'Authorization_RequestDenied');
      assertGraphError(await graphRequest(t.server.app, 'GET', AUDITS), 401, 'InvalidAuthenticationToken');
    });

    it('a real pass creation is found by target and by initiating app, with the pass in no row', async () => {
      const issuer = await createTestApp(deps, ['UserAuthenticationMethod.ReadWrite.All']);
      const user = await createPasswordUser(deps, 'logged', 'Correct-Horse-Battery-Staple-9');
      const created = await graphRequest(
        t.server.app,
        'POST',
        `/v1.0/users/${user.id}/authentication/temporaryAccessPassMethods`,
        { token: issuer.token, body: {} },
      );
      assert.equal(created.status, 201, created.raw);
      const pass = String(created.body.temporaryAccessPass);
      const res = await get(
        q(`targetResources/any(t: t/id eq '${user.id}') and initiatedBy/app/appId eq '${issuer.appId}'`),
      );
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(
        res.body.value?.map((v) => [v.activityDisplayName, v.category, v.loggedByService, v.result]),
        [['Admin registered security info', 'UserManagement', 'Authentication Methods', 'success']],
      );
      const everything = await get(`${AUDITS}?$top=999`);
      assert.ok(!everything.raw.includes(pass), 'the pass is in no audit row');
    });

    it("sign-ins: newest first, Graph's signIn shape, filters, paging, single read", async () => {
      const repo = createSignInsRepo(deps.db);
      const signIns = [0, 1, 2].map((i) => ({
        id: newId(),
        createdAt: new Date(T0 + i * 60_000),
        userId: i === 2 ? null : newId(),
        userPrincipalName: i === 2 ? 'ghost@contoso.test' : `signer${i}@contoso.test`,
        userDisplayName: `Signer ${i}`,
        appId: newId(),
        appDisplayName: 'Portal',
        ipAddress: `198.51.100.${i + 1}`,
        clientAppUsed: 'Browser',
        userAgent: 'test',
        correlationId: newId(),
        isInteractive: true,
        errorCode: i === 1 ? 50126 : 0,
        failureReason: i === 1 ? 'Invalid username or password.' : null,
        methods: [{ method: 'Password', succeeded: i !== 1 }],
        authenticationRequirement: 'singleFactorAuthentication' as const,
        conditionalAccessStatus: 'notApplied' as const,
      }));
      for (const s of signIns) await repo.insertSignIn(s);

      const res = await get(SIGN_INS);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns');
      assert.deepEqual(idsOf(res), [signIns[2]!.id, signIns[1]!.id, signIns[0]!.id]);
      const failed = res.body.value![1]!;
      assert.deepEqual(failed.status, {
        errorCode: 50126,
        failureReason: 'Invalid username or password.',
        additionalDetails: null,
      });
      assert.equal(failed.createdDateTime, new Date(T0 + 60_000).toISOString());

      const byCorrelation = await get(
        `${SIGN_INS}?$filter=${encodeURIComponent(`correlationId eq '${signIns[1]!.correlationId}'`)}`,
      );
      assert.deepEqual(idsOf(byCorrelation), [signIns[1]!.id]);
      assert.deepEqual(idsOf(await get(`${SIGN_INS}?$filter=${encodeURIComponent('status/errorCode eq 50126')}`)), [
        signIns[1]!.id,
      ]);
      assert.deepEqual(
        idsOf(await get(`${SIGN_INS}?$filter=${encodeURIComponent("startswith(userPrincipalName, 'SIGNER')")}`)),
        [signIns[1]!.id, signIns[0]!.id],
      );
      assert.deepEqual(
        idsOf(
          await get(
            `${SIGN_INS}?$filter=${encodeURIComponent(`userId eq '${signIns[0]!.userId}' or ipAddress eq '198.51.100.3'`)}`,
          ),
        ),
        [signIns[2]!.id, signIns[0]!.id],
      );
      assert.deepEqual(
        idsOf(
          await get(
            `${SIGN_INS}?$filter=${encodeURIComponent(`appId eq ${signIns[2]!.appId} and createdDateTime ge ${new Date(T0).toISOString()}`)}`,
          ),
        ),
        [signIns[2]!.id],
      );

      const paged = await allPages(`${SIGN_INS}?$top=1`);
      assert.deepEqual(paged.ids, [signIns[2]!.id, signIns[1]!.id, signIns[0]!.id]);
      const one = await get(`${SIGN_INS}/${signIns[0]!.id}`);
      assert.equal(one.status, 200, one.raw);
      assert.equal(one.body.userPrincipalName, 'signer0@contoso.test');
      assertGraphError(await get(`${SIGN_INS}/${newId()}`), 404, 'Request_ResourceNotFound');
    });
  });
}
