// Graph …/temporaryAccessPassMethods/{id}/gatepassDiagnosis ("Why doesn't this pass work?") on both databases: the
// diagnosis names the right first failing check for every way a pass fails, agrees with what redemption refuses for
// the same fixture, reads the throttle without counting, and is guarded exactly as GET of the pass.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/domain/clock.js';
import { newId } from '../../src/domain/ids.js';
import { normalizeEnteredPass } from '../../src/domain/tap/code.js';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { addAdministrativeUnitMember, createAdministrativeUnit } from '../../src/services/administrative-units.js';
import type { Deps } from '../../src/services/deps.js';
import { addGroupMember, createGroup } from '../../src/services/groups.js';
import { redeemTemporaryAccessPass } from '../../src/services/redeem-tap.js';
import { createRoleAssignment } from '../../src/services/role-assignments.js';
import { updateTapPolicy } from '../../src/services/tap-policy.js';
import { userSubject } from '../../src/services/throttle.js';
import { createTemporaryAccessPassesRepo, type StoredPass } from '../../src/store/repos/temporary-access-passes.js';
import { createUsersRepo, type UserRecord } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { assertGraphError, auditRows, graphRequest, type GraphResponse } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { createTestApp, userToken } from '../support/tokens.js';

const PASS_TEXT = 'Abcd-1234-Efgh';
const MIN = 60_000;
const ALL_USERS_POLICY = {
  state: 'enabled',
  includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
  excludeTargets: [],
  isUsableOnce: false,
};

interface Check {
  name: string;
  title: string;
  status: string;
  detail: string;
  fix: string;
}

for (const dialect of dialects) {
  describe(`Graph gatepassDiagnosis on ${dialect}`, () => {
    let t: TestServer;
    let deps: Deps;
    let reader: string;
    let weak: string;
    const clock = new ManualClock(new Date());

    const path = (userId: string, passId: string) =>
      `/v1.0/users/${userId}/authentication/temporaryAccessPassMethods/${passId}/gatepassDiagnosis`;
    const get = (url: string, token: string) => graphRequest(t.server.app, 'GET', url, { token });
    const setPolicy = (patch: Record<string, unknown>) => updateTapPolicy(deps, cliContext(), patch);

    async function insertUser(local: string, o: { guest?: boolean; disabled?: boolean } = {}): Promise<UserRecord> {
      const now = deps.clock.now();
      const id = newId();
      await createUsersRepo(deps.db).insertUser({
        id,
        userPrincipalName: o.guest ? `${local}_fabrikam.test#ext#@contoso.test` : `${local}@contoso.test`,
        displayName: local,
        mailNickname: local,
        givenName: null,
        surname: null,
        jobTitle: null,
        mail: null,
        userType: o.guest ? 'Guest' : 'Member',
        accountEnabled: !o.disabled,
        passwordHash: null,
        passwordChangedAt: null,
        forceChangePassword: false,
        sessionsValidFrom: new Date(now.getTime() - 1000),
        createdAt: now,
      });
      return (await createUsersRepo(deps.db).findUserById(id))!;
    }

    /** A pass stored as issuing would store it (the store's own insert), its pass text PASS_TEXT. */
    async function givePass(user: UserRecord, o: Partial<StoredPass> = {}): Promise<StoredPass> {
      const now = deps.clock.now();
      const pass: StoredPass = {
        id: newId(),
        userId: user.id,
        passHash: await deps.hasher.hash(normalizeEnteredPass(PASS_TEXT)),
        createdAt: now,
        startAt: now,
        lifetimeMinutes: 60,
        isUsableOnce: false,
        usedAt: null,
        purpose: 'access',
        disputedAt: null,
        issuedBy: { kind: 'cli', id: null, displayName: 'test' },
        ...o,
      };
      await createTemporaryAccessPassesRepo(deps.db).insertPass(pass);
      return pass;
    }

    async function diagnosis(user: UserRecord, pass: StoredPass): Promise<GraphResponse> {
      const res = await get(path(user.id, pass.id), reader);
      assert.equal(res.status, 200, res.raw);
      return res;
    }
    const checksOf = (res: GraphResponse) => res.body.checks as unknown as Check[];

    /** The redemption's refusal for the right pass, now. */
    const redeem = (user: UserRecord, ip = '203.0.113.9') =>
      redeemTemporaryAccessPass(deps, {
        subject: userSubject(user.id),
        userId: user.id,
        entered: PASS_TEXT,
        ipAddress: ip,
      });

    before(async () => {
      t = await startTestServer(dialect, { GATEPASS_DOMAINS: 'contoso.test' }, clock);
      deps = t.runtime.deps;
      reader = (await createTestApp(deps, ['UserAuthenticationMethod.Read.All'])).token;
      weak = (await createTestApp(deps, ['User.Read.All'])).token;
    });
    after(() => t.close());

    it('a usable pass: every check passes, in order, with the Graph context; session rules say when sessions end', async () => {
      const alice = await insertUser('alice');
      const pass = await givePass(alice, { isUsableOnce: true });
      const res = await diagnosis(alice, pass);
      assert.equal(
        res.body['@odata.context'],
        `https://graph.microsoft.com/v1.0/$metadata#users('${alice.id}')/authentication/temporaryAccessPassMethods('${pass.id}')/gatepassDiagnosis`,
      );
      assert.equal(res.body.isUsable, true);
      assert.equal(res.body.firstFailingCheck, null);
      assert.deepEqual(
        checksOf(res).map((c) => [c.name, c.status]),
        [
          ['accountEnabled', 'pass'],
          ['notGuest', 'pass'],
          ['notThrottled', 'pass'],
          ['passExists', 'pass'],
          ['policyOn', 'pass'],
          ['userTargeted', 'pass'],
          ['notExcluded', 'pass'],
          ['usageAllowed', 'pass'],
          ['notDisputed', 'pass'],
          ['notUsed', 'pass'],
          ['windowOpen', 'pass'],
          ['notExpired', 'pass'],
          ['started', 'pass'],
          ['sessionRules', 'pass'],
        ],
      );
      const rules = checksOf(res).find((c) => c.name === 'sessionRules')!;
      assert.match(rules.detail, new RegExp(new Date(pass.startAt.getTime() + 60 * MIN).toISOString()));
      assert.match(rules.detail, /10 minutes to register a passwordless method/);
      for (const c of checksOf(res)) assert.equal(c.fix, '');
      assert.ok((await redeem(alice)).ok, 'redemption agrees: the pass works');
    });

    // Each fixture: how the pass fails, the diagnosis's first failing check, and the redemption's refusal for it.
    const cases: {
      name: string;
      first: string;
      refusal?: string;
      arrange: () => Promise<{ user: UserRecord; pass: StoredPass }>;
    }[] = [
      {
        name: 'not yet started',
        first: 'started',
        refusal: 'notYetValid',
        arrange: async () => {
          const user = await insertUser('frank');
          return { user, pass: await givePass(user, { startAt: new Date(clock.now().getTime() + 30 * MIN) }) };
        },
      },
      {
        name: 'expired',
        first: 'notExpired',
        refusal: 'expired',
        arrange: async () => {
          const user = await insertUser('erin');
          return { user, pass: await givePass(user, { startAt: new Date(clock.now().getTime() - 61 * MIN) }) };
        },
      },
      {
        name: 'used',
        first: 'notUsed',
        refusal: 'used',
        arrange: async () => {
          const user = await insertUser('ursula');
          const pass = await givePass(user, { isUsableOnce: true });
          assert.ok((await redeem(user)).ok);
          return { user, pass };
        },
      },
      {
        name: 'disputed',
        first: 'notDisputed',
        refusal: 'disputed',
        arrange: async () => {
          const user = await insertUser('dora');
          const pass = await givePass(user);
          assert.ok(await createTemporaryAccessPassesRepo(deps.db).markPassDisputed(pass.id, user.id, clock.now()));
          return { user, pass };
        },
      },
      {
        name: 'excluded',
        first: 'notExcluded',
        refusal: 'disabledByPolicy',
        arrange: async () => {
          const user = await insertUser('xavier');
          const group = await createGroup(deps, cliContext(), { displayName: `No passes ${dialect}` });
          await addGroupMember(deps, cliContext(), group.id, user.id);
          await setPolicy({ ...ALL_USERS_POLICY, excludeTargets: [{ targetType: 'group', id: group.id }] });
          return { user, pass: await givePass(user) };
        },
      },
      {
        name: 'not targeted',
        first: 'userTargeted',
        refusal: 'disabledByPolicy',
        arrange: async () => {
          const user = await insertUser('nadia');
          const group = await createGroup(deps, cliContext(), { displayName: `Pilots ${dialect}` });
          await setPolicy({
            ...ALL_USERS_POLICY,
            includeTargets: [{ targetType: 'group', id: group.id, isRegistrationRequired: false }],
          });
          return { user, pass: await givePass(user) };
        },
      },
      {
        name: 'policy off',
        first: 'policyOn',
        refusal: 'disabledByPolicy',
        arrange: async () => {
          const user = await insertUser('oscar');
          const pass = await givePass(user);
          await setPolicy({ state: 'disabled' });
          return { user, pass };
        },
      },
      {
        name: 'external guest',
        first: 'notGuest',
        arrange: async () => {
          const user = await insertUser('gus', { guest: true });
          return { user, pass: await givePass(user) };
        },
      },
      {
        name: 'account disabled',
        first: 'accountEnabled',
        arrange: async () => {
          const user = await insertUser('dave', { disabled: true });
          return { user, pass: await givePass(user) };
        },
      },
    ];

    for (const c of cases) {
      it(`${c.name}: the first failing check is ${c.first}, with a fix${c.refusal ? `; redemption refuses ${c.refusal}` : ''}`, async () => {
        try {
          const { user, pass } = await c.arrange();
          const res = await diagnosis(user, pass);
          assert.equal(res.body.isUsable, false);
          assert.equal(res.body.firstFailingCheck, c.first);
          const failing = checksOf(res).find((x) => x.name === c.first)!;
          assert.equal(failing.status, 'fail');
          assert.ok(failing.fix.length > 0 && failing.detail.length > 0);
          if (c.refusal) {
            // The shared-checks property: what redemption refuses is what the diagnosis names first.
            const outcome = await redeem(user);
            assert.equal(outcome.ok ? 'ok' : outcome.kind === 'refused' ? outcome.reason : outcome.kind, c.refusal);
          }
        } finally {
          await setPolicy(ALL_USERS_POLICY);
        }
      });
    }

    it('throttled by real wrong passes: notThrottled fails, and reading it counts no attempt', async () => {
      const tina = await insertUser('tina');
      const pass = await givePass(tina);
      // 21 wrong passes from distinct addresses: past the user-wide free failures, no address throttled on its own.
      for (let i = 0; i < 21; i++) {
        const wrong = await redeemTemporaryAccessPass(deps, {
          subject: userSubject(tina.id),
          userId: tina.id,
          entered: 'Wrong-Pass-00',
          ipAddress: `198.51.100.${i + 1}`,
        });
        assert.equal(wrong.ok ? 'ok' : wrong.kind, 'wrong');
      }
      const first = await diagnosis(tina, pass);
      assert.equal(first.body.firstFailingCheck, 'notThrottled');
      assert.match(checksOf(first).find((c) => c.name === 'notThrottled')!.detail, /in 1 s/);
      const again = await diagnosis(tina, pass);
      assert.deepEqual(again.body.checks, first.body.checks, 'a diagnosis is not an attempt: the wait did not grow');
      const outcome = await redeem(tina, '198.51.100.99');
      assert.equal(outcome.ok ? 'ok' : outcome.kind, 'throttled', 'redemption agrees');
    });

    it('an unknown or another user’s method id is Graph’s 404; options are refused', async () => {
      const vic = await insertUser('vic');
      await givePass(vic);
      const other = await insertUser('walt');
      const hisPass = await givePass(other);
      const unknownId = newId();
      const unknown = assertGraphError(await get(path(vic.id, unknownId), reader), 404, 'Request_ResourceNotFound');
      const getUnknown = await get(
        `/v1.0/users/${vic.id}/authentication/temporaryAccessPassMethods/${unknownId}`,
        reader,
      );
      assert.equal(unknown.message, assertGraphError(getUnknown, 404, 'Request_ResourceNotFound').message, 'as GET');
      assertGraphError(await get(path(vic.id, hisPass.id), reader), 404, 'Request_ResourceNotFound');
      assertGraphError(await get(path(newId(), hisPass.id), reader), 404, 'Request_ResourceNotFound');
      assert.equal((await get(`${path(other.id, hisPass.id)}?$select=checks`, reader)).status, 400);
    });

    it('is guarded as GET of the pass: 403 without the permission, and outside a scoped admin’s unit', async () => {
      const yara = await insertUser('yara');
      const pass = await givePass(yara);
      const denied = await get(path(yara.id, pass.id), weak);
      assertGraphError(denied, 403, 'Authorization_RequestDenied');
      const getDenied = await get(`/v1.0/users/${yara.id}/authentication/temporaryAccessPassMethods/${pass.id}`, weak);
      assert.equal(getDenied.status, 403, 'the GET refuses alike');
      // Audited exactly as the GET's refusal is (a read: the same rows, whatever they are).
      const rowsOf = async (res: GraphResponse) =>
        (await auditRows(deps, { correlationId: String(res.headers['request-id']) })).map((r) => [
          r.activity,
          r.result,
        ]);
      assert.deepEqual(await rowsOf(denied), await rowsOf(getDenied));

      const helpdesk = await insertUser('helpdesk');
      const inside = await insertUser('inside');
      const insidePass = await givePass(inside);
      const unit = await createAdministrativeUnit(deps, cliContext(), { displayName: `Site ${dialect}` });
      await addAdministrativeUnitMember(deps, cliContext(), unit.id, inside.id);
      await createRoleAssignment(deps, cliContext(), {
        principalId: helpdesk.id,
        roleDefinitionId: ROLE_TEMPLATE_IDS.authenticationAdministrator,
        directoryScopeId: `/administrativeUnits/${unit.id}`,
      });
      const token = await userToken(deps, helpdesk.id, ['UserAuthenticationMethod.Read.All']);
      assert.equal((await get(path(inside.id, insidePass.id), token)).status, 200, 'inside the unit');
      assertGraphError(await get(path(yara.id, pass.id), token), 403, 'Authorization_RequestDenied');
      assert.equal(
        (await get(`/v1.0/users/${yara.id}/authentication/temporaryAccessPassMethods/${pass.id}`, token)).status,
        403,
        'the GET refuses alike',
      );
    });
  });
}
