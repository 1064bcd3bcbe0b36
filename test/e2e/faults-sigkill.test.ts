// A server process killed (SIGKILL) in the middle of a load of pass issues (Graph) and redemptions (raw sign-ins),
// then restarted on the same store, on both stores. What was acknowledged must have happened completely:
// - every pass whose creation got a 201 still exists, with its audit entry, and signs in exactly once;
// - every redemption that got its redirect consumed the pass and wrote its sign-in log row;
// - no pass exists without its audit entry (a pass and its audit entry are one transaction), acknowledged or not.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createApplication } from '../../src/services/applications.js';
import { createUser } from '../../src/services/users.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { postStep, startRawFlow } from '../support/raw-sign-in.js';
import { freePort } from '../support/runtime.js';
import { killServer, spawnServer, waitReady, type ServerProcess } from '../support/server-process.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { fetchAppToken } from '../support/tokens.js';

const USERS = 24;
const WORKERS = 6;
/** The server is killed once this many passes were acknowledged: by then, others are in flight. */
const KILL_AFTER_ACKNOWLEDGED = 8;
const REDIRECT_URI = 'http://127.0.0.1/callback';

interface Subject {
  id: string;
  upn: string;
  address: string;
  /** The 201's pass id and code, when the creation was acknowledged. */
  issued?: { id: string; code: string };
  /** The sign-in's redirect after the pass step was received. */
  redeemed?: boolean;
}

/** Signs in with the pass through the raw sign-in pages: the pass step's status (303 signed in, 403 refused…). */
async function redeem(origin: string, clientId: string, subject: Subject, pass: string): Promise<number> {
  const flow = await startRawFlow([origin], clientId, REDIRECT_URI, subject.address);
  await postStep(flow, origin, 'username', { username: subject.upn }, subject.address);
  return (await postStep(flow, origin, 'tap', { tap: pass }, subject.address)).status;
}

for (const dialect of dialects) {
  describe(`SIGKILL during pass issues and redemptions, then restart (${dialect})`, () => {
    let database: TestDatabase;
    let runtime: Runtime;
    let server: ServerProcess;
    let port: number;
    let signInApp: string;
    let token: string;
    const subjects: Subject[] = [];
    const statuses: number[] = [];

    before(async () => {
      database = await createTestDatabase(dialect);
      port = await freePort();
      const env = { ...database.env, GATEPASS_PUBLIC_URL: `http://127.0.0.1:${port}` };
      runtime = await openRuntime({ config: loadConfig({ ...env, GATEPASS_LOG_LEVEL: 'silent' }) });
      const { deps } = runtime;
      for (let i = 0; i < USERS; i++) {
        const user = await createUser(deps, cliContext(), {
          userPrincipalName: `load${i}@${deps.tenant.defaultDomain}`,
          displayName: `Load ${i}`,
        });
        subjects.push({ id: user.id, upn: user.userPrincipalName, address: `198.51.100.${i + 1}` });
      }
      signInApp = (
        await createApplication(deps, cliContext(), {
          displayName: 'Sign-in app',
          kind: 'web',
          redirectUris: [REDIRECT_URI],
        })
      ).app.appId;
      const issuer = await createApplication(deps, cliContext(), {
        displayName: 'Pass issuer',
        kind: 'daemon',
        permissions: ['UserAuthenticationMethod.ReadWrite.All'],
      });
      server = spawnServer(database.env, port);
      await waitReady(server);
      token = await fetchAppToken(server.origin, issuer.app.appId, issuer.secret.secretText);
    });

    after(async () => {
      if (server) await killServer(server, 'SIGTERM');
      await runtime?.close();
      await database?.drop();
    });

    it('loses nothing acknowledged and leaves nothing half-written', async () => {
      const origin = server.origin;
      let acknowledged = 0;
      let killed: Promise<void> | undefined;
      const queue = [...subjects];
      // Each worker issues a pass to its next user, then signs in with it; errors after the kill are expected.
      const worker = async () => {
        for (let subject = queue.shift(); subject; subject = queue.shift()) {
          try {
            const res = await fetch(`${origin}/v1.0/users/${subject.id}/authentication/temporaryAccessPassMethods`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              // 'access': the load signs in to an app (a set-up pass, the default without a password, opens Security info only).
              body: JSON.stringify({ lifetimeInMinutes: 60, isUsableOnce: true, gatepassPurpose: 'access' }),
            });
            statuses.push(res.status);
            if (res.status !== 201) continue;
            const body = (await res.json()) as { id: string; temporaryAccessPass: string };
            subject.issued = { id: body.id, code: body.temporaryAccessPass };
            if (++acknowledged === KILL_AFTER_ACKNOWLEDGED) killed = killServer(server, 'SIGKILL');
            const status = await redeem(origin, signInApp, subject, body.temporaryAccessPass);
            statuses.push(status);
            subject.redeemed = status === 303;
          } catch {
            // the connection was cut by the kill: neither acknowledged nor refused
          }
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));
      await killed;
      assert.ok(killed, 'the server was killed during the load');
      assert.deepEqual(
        statuses.filter((s) => s >= 500),
        [],
        'nothing answered 5xx before the kill',
      );

      server = spawnServer(database.env, port);
      await waitReady(server);
      const { db } = runtime.deps;
      const issued = subjects.filter((s) => s.issued);
      assert.ok(issued.length >= KILL_AFTER_ACKNOWLEDGED, `${issued.length} passes were acknowledged`);
      assert.ok(
        issued.length < USERS,
        'the kill cut the load short (otherwise this test checks nothing about the kill)',
      );

      for (const subject of issued) {
        const row = await db
          .selectFrom('temporary_access_passes')
          .select(['id', 'used_at'])
          .where('id', '=', subject.issued!.id)
          .executeTakeFirst();
        assert.ok(row, `the acknowledged pass of ${subject.upn} exists`);
        const successes = await db
          .selectFrom('sign_ins')
          .select('id')
          .where('user_id', '=', subject.id)
          .where('error_code', '=', 0)
          .execute();
        if (subject.redeemed) {
          assert.notEqual(row.used_at, null, `${subject.upn}'s redeemed pass is used`);
          assert.equal(successes.length, 1, `${subject.upn}'s acknowledged sign-in is in the sign-in log`);
        }
        const again = await redeem(server.origin, signInApp, subject, subject.issued!.code);
        if (row.used_at === null) {
          assert.equal(again, 303, `${subject.upn}'s unused pass signs in after the restart`);
          assert.equal(await redeem(server.origin, signInApp, subject, subject.issued!.code), 403, 'once');
        } else {
          assert.equal(again, 403, `${subject.upn}'s used pass is refused after the restart`);
        }
      }

      // Every pass in the store, acknowledged or caught mid-flight by the kill, came with its audit entry.
      const passes = await db.selectFrom('temporary_access_passes').select(['user_id']).execute();
      const audited = await db
        .selectFrom('audit_events')
        .innerJoin('audit_event_targets', 'audit_event_targets.event_id', 'audit_events.id')
        .select('audit_event_targets.target_id')
        .where('audit_events.activity_display_name', '=', 'Admin registered security info')
        .execute();
      const auditedUsers = new Set(audited.map((a) => a.target_id));
      const ours = new Set(subjects.map((s) => s.id));
      const missing = passes.filter((p) => ours.has(p.user_id) && !auditedUsers.has(p.user_id));
      assert.deepEqual(missing, [], 'no pass without its audit entry');
      for (const subject of issued) assert.ok(auditedUsers.has(subject.id), `${subject.upn}'s pass is audited`);
    });
  });
}
