// PostgreSQL cut away during traffic and brought back, without touching the shared server: a real server process
// reaches PostgreSQL through a TCP proxy this test owns, and the test cuts the proxy (every connection destroyed, no
// new one accepted), then restores it. While cut: only 503 with Retry-After, /readyz 503, no write happens.
// After: full service by itself (no restart), and every change acknowledged before, during or after is there.

import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createApplication } from '../../src/services/applications.js';
import { createUser } from '../../src/services/users.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { freePort } from '../support/runtime.js';
import { killServer, spawnServer, waitReady, type ServerProcess } from '../support/server-process.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { fetchAppToken } from '../support/tokens.js';

/** A TCP proxy to 127.0.0.1:5432 on its own port, which the test can cut and restore. */
class PgProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Stops accepting (new connections are refused) and destroys every open connection, mid-query or idle. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe('PostgreSQL cut away during traffic, then back (through a proxy the test owns)', () => {
  let database: TestDatabase;
  let runtime: Runtime;
  let server: ServerProcess;
  let proxy: PgProxy;
  let token: string;
  const users: { id: string }[] = [];

  before(async () => {
    database = await createTestDatabase('postgres');
    const port = await freePort();
    runtime = await openRuntime({
      config: loadConfig({
        ...database.env,
        GATEPASS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        GATEPASS_LOG_LEVEL: 'silent',
      }),
    });
    const { deps } = runtime;
    for (let i = 0; i < 30; i++)
      users.push(
        await createUser(deps, cliContext(), {
          userPrincipalName: `outage${i}@${deps.tenant.defaultDomain}`,
          displayName: `Outage ${i}`,
        }),
      );
    const issuer = await createApplication(deps, cliContext(), {
      displayName: 'Pass issuer',
      kind: 'daemon',
      permissions: ['UserAuthenticationMethod.ReadWrite.All', 'User.Read.All'],
    });
    proxy = new PgProxy(await freePort());
    await proxy.open();
    const viaProxy = new URL(database.databaseUrl!);
    viaProxy.port = String(proxy.port);
    server = spawnServer({ ...database.env, DATABASE_URL: viaProxy.toString() }, port);
    await waitReady(server);
    token = await fetchAppToken(server.origin, issuer.app.appId, issuer.secret.secretText);
  });

  after(async () => {
    if (server) await killServer(server, 'SIGTERM');
    await proxy?.cut().catch(() => {});
    await runtime?.close();
    await database?.drop();
  });

  /** Issues a pass; the status (0 when the connection itself failed) and the Retry-After header. */
  const issue = async (userId: string): Promise<{ status: number; id?: string; retryAfter?: string | null }> => {
    try {
      const res = await fetch(`${server.origin}/v1.0/users/${userId}/authentication/temporaryAccessPassMethods`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ lifetimeInMinutes: 60 }),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string };
      return { status: res.status, retryAfter: res.headers.get('retry-after'), ...(body.id ? { id: body.id } : {}) };
    } catch {
      return { status: 0 };
    }
  };
  const readUsers = async (): Promise<{ status: number; retryAfter?: string | null }> => {
    try {
      const res = await fetch(`${server.origin}/v1.0/users?$top=5`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    } catch {
      return { status: 0 };
    }
  };

  it('answers 503 with Retry-After while PostgreSQL is gone, recovers by itself, and loses nothing acknowledged', async () => {
    const acknowledged = new Map<string, string>(); // user id → pass id
    const record = (userId: string, r: { status: number; id?: string }) => {
      if (r.status === 201 && r.id) acknowledged.set(userId, r.id);
    };
    const [before_, during, afterwards] = [users.slice(0, 10), users.slice(10, 20), users.slice(20)];

    // Traffic, cut in the middle of it: writes and reads in flight when the connections are destroyed.
    const inFlight = [
      ...before_.map(async (u) => record(u.id, await issue(u.id))),
      ...Array.from({ length: 10 }, readUsers),
    ];
    await new Promise((r) => setTimeout(r, 5)); // let some reach the store first; which ones does not matter
    await proxy.cut();
    await Promise.all(inFlight);

    // While cut: every write and read is refused with a 503 the client may retry, none succeeds.
    const cutStatuses = await Promise.all([
      ...during.map((u) => issue(u.id)),
      ...Array.from({ length: 10 }, readUsers),
    ]);
    for (const r of cutStatuses) {
      assert.equal(r.status, 503, 'a request while PostgreSQL is gone is a 503');
      assert.ok(r.retryAfter, 'with Retry-After');
    }
    assert.equal(server.child.exitCode, null, `the server is still running: ${server.stderr.join('')}`);
    assert.equal((await fetch(`${server.origin}/readyz`)).status, 503, '/readyz reports the outage');

    // Back: the same process serves fully again, with no restart.
    await proxy.open();
    await waitReady(server);
    for (const u of afterwards) {
      const r = await issue(u.id);
      assert.equal(r.status, 201, 'a pass is issued after PostgreSQL returns');
      record(u.id, r);
    }
    assert.equal((await readUsers()).status, 200);
    assert.equal(server.child.exitCode, null, 'the server never stopped');

    // Nothing acknowledged is lost; nothing refused during the cut was written; every pass has its audit entry.
    const { db } = runtime.deps;
    const passes = await db.selectFrom('temporary_access_passes').select(['id', 'user_id']).execute();
    const stored = new Map(passes.map((p) => [p.user_id, p.id]));
    for (const [userId, passId] of acknowledged)
      assert.equal(stored.get(userId), passId, 'an acknowledged pass is kept');
    for (const u of during) assert.equal(stored.has(u.id), false, 'no pass was written while PostgreSQL was gone');
    const audited = new Set(
      (
        await db
          .selectFrom('audit_events')
          .innerJoin('audit_event_targets', 'audit_event_targets.event_id', 'audit_events.id')
          .select('audit_event_targets.target_id')
          .where('audit_events.activity_display_name', '=', 'Admin registered security info')
          .execute()
      ).map((a) => a.target_id),
    );
    for (const p of passes) assert.ok(audited.has(p.user_id), 'every stored pass has its audit entry');
    assert.ok(acknowledged.size >= afterwards.length);
  });
});
