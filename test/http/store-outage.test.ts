// A store outage while serving: every request that needs the store is a 503 with Retry-After (Graph's envelope on the
// API, the HTML error page in the browser), never a 500; /readyz is 503 meanwhile; and once the store is back the
// same server answers normally again without a restart. On SQLite the store is made read-only under the running
// server (`query_only` on its connection: SQLITE_READONLY, as a read-only file or volume gives); on PostgreSQL the
// server talks to the shared PostgreSQL through a TCP proxy this test cuts and restores (the server itself is never
// stopped: other tests use it).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/databases.js';
import { freePort } from '../support/runtime.js';
import { createTestApp } from '../support/tokens.js';
import { newAdministrator, type AdminConsole } from '../support/admin-console.js';
import { loadConfig } from '../../src/config/load.js';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { startServer, type RunningServer } from '../../src/server.js';

/** A TCP proxy to PostgreSQL that the test can cut (every connection dropped, new ones reset) and restore. */
interface CuttableProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: { host: string; port: number }): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    cut() {
      down = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Served {
  database: TestDatabase;
  runtime: Runtime;
  server: RunningServer;
  url: string;
}

async function serve(database: TestDatabase, env: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEPASS_PUBLIC_URL: url,
    GATEPASS_DOMAINS: 'contoso.test',
    ...database.env,
    ...env,
  });
  const runtime = await openRuntime({ config });
  return { database, runtime, server: await startServer(runtime), url };
}

/** The checks both stores share, given a way to take the store away and bring it back. */
function outageSuite(
  name: string,
  open: () => Promise<{ s: Served; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }>,
) {
  describe(`store outage on ${name}`, () => {
    let s: Served;
    let down: () => Promise<void>;
    let up: () => Promise<void>;
    let close: () => Promise<void>;
    let token = '';
    let admin: AdminConsole;
    let usersBefore = 0;

    const graph = (method: string, path: string, body?: unknown) =>
      fetch(`${s.url}/v1.0${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const newUser = (n: string) => ({ displayName: n, userPrincipalName: `${n}@contoso.test` });

    before(async () => {
      ({ s, down, up, close } = await open());
      token = (await createTestApp(s.runtime.deps, ['User.ReadWrite.All'])).token;
      admin = await newAdministrator(
        { runtime: s.runtime, server: s.server } as Parameters<typeof newAdministrator>[0],
        'chief',
        ROLE_TEMPLATE_IDS.globalAdministrator,
      );
      assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
      assert.equal((await graph('POST', '/users', newUser('before'))).status, 201);
      usersBefore = (await s.runtime.deps.db.selectFrom('users').select('id').execute()).length;
      await down();
    });
    after(async () => close());

    it('a write on the API is 503 with Retry-After in Graph’s envelope', async () => {
      const res = await graph('POST', '/users', newUser('during'));
      const body = (await res.json()) as { error: { code: string; innerError: { 'request-id': string } } };
      assert.equal(res.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'serviceNotAvailable');
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      assert.equal(res.headers.get('request-id'), body.error.innerError['request-id']);
    });

    it('an admin center form is the HTML error page with 503 and Retry-After', async () => {
      const res = await admin.post('/admin/users', {
        displayName: 'During',
        userPrincipalName: 'during2@contoso.test',
      });
      assert.equal(res.statusCode, 503, res.body.slice(0, 300));
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.match(res.body, /serviceNotAvailable/);
    });

    it('/readyz is 503 with Retry-After', async () => {
      const res = await fetch(`${s.url}/readyz`);
      assert.equal(res.status, 503);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    });

    it('recovers by itself once the store is back: ready, writes accepted, nothing half-written', async () => {
      await up();
      assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
      assert.equal((await graph('POST', '/users', newUser('after'))).status, 201);
      const upns = (await s.runtime.deps.db.selectFrom('users').select('user_principal_name').execute()).map(
        (u) => u.user_principal_name,
      );
      assert.equal(upns.length, usersBefore + 1);
      assert.ok(!upns.some((u) => u.startsWith('during')), 'no write of the outage landed');
    });
  });
}

outageSuite('sqlite (read-only)', async () => {
  const database = await createTestDatabase('sqlite');
  const s = await serve(database);
  // The server's own connection: Kysely's SQLite driver has exactly one.
  const readOnly = (on: boolean) => sql.raw(`pragma query_only = ${on ? 1 : 0}`).execute(s.runtime.deps.db);
  return {
    s,
    down: async () => void (await readOnly(true)),
    up: async () => void (await readOnly(false)),
    close: async () => {
      await s.server.close();
      await database.drop();
    },
  };
});

outageSuite('postgres (connection cut)', async () => {
  const database = await createTestDatabase('postgres');
  const pg = new URL(PG_ADMIN_URL);
  const proxy = await startProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
  const proxied = new URL(database.databaseUrl!);
  proxied.port = String(proxy.port);
  const s = await serve(database, { DATABASE_URL: proxied.toString() });
  return {
    s,
    down: async () => proxy.cut(),
    up: async () => proxy.restore(),
    close: async () => {
      await s.server.close();
      await proxy.close();
      await database.drop();
    },
  };
});
