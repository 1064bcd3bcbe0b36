// Directory size must not matter: on each store, seed a directory of N users holding M live passes through the
// store's bulk path, then issue passes (Graph POST …/temporaryAccessPassMethods with an app token) and redeem them
// (a pass-alone sign-in) for real over HTTP, reporting per second, p50/p99, Gatepass's CPU per operation and, on
// PostgreSQL, the database backends' own CPU per operation (it shares the cores, so it is read apart, from /proc).

import pg from 'pg';
import { loadConfig } from '../src/config/load.js';
import { newId } from '../src/domain/ids.js';
import { openRuntime } from '../src/runtime.js';
import { createApplication } from '../src/services/applications.js';
import { setSecurityDefaults } from '../src/services/security-defaults.js';
import { insertPassesInBulk, insertUsersInBulk } from '../src/store/repos/bulk-seed.js';
import type { StoredPass } from '../src/store/repos/temporary-access-passes.js';
import type { NewUser } from '../src/store/repos/users.js';
import { createTestDatabase, type Dialect, PG_ADMIN_URL } from '../test/support/databases.js';
import { keepAliveClient, runLoad } from './load.js';
import { cpuMicrosOf, startChild, type Child } from './processes.js';
import { type Flow, type Step, signIn } from './sign-in-client.js';

export interface DirectorySize {
  users: number;
  livePasses: number;
}

export interface ScaleSettings {
  /** Passes issued, then the same passes redeemed, per store and size. */
  operations: number;
  concurrency: number;
}

export interface DirectoryScaleRow {
  store: Dialect;
  users: number;
  livePasses: number;
  operation: 'issue' | 'redeem';
  operations: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  gatepassCpuMsPerOperation: number;
  /** PostgreSQL backends' CPU per operation; null on SQLite (in-process). */
  postgresCpuMsPerOperation: number | null;
  seedSeconds: number;
}

const SEEDED_PASS = 'seeded-pass-not-used-by-the-bench';
const PASSWORD = 'a long benchmark passphrase';

interface Seeded {
  domain: string;
  webApp: { appId: string; secret: string };
  daemon: { appId: string; secret: string };
  /** Users without a pass, to be issued one. */
  passless: { id: string; upn: string }[];
  seedSeconds: number;
}

async function seed(env: Record<string, string>, size: DirectorySize, operations: number): Promise<Seeded> {
  const started = performance.now();
  const runtime = await openRuntime({ config: loadConfig(env) });
  try {
    const { deps } = runtime;
    const ctx = { actor: { kind: 'cli' as const, osUser: 'bench' }, correlationId: 'bench', ipAddress: null };
    await setSecurityDefaults(deps, ctx, true);
    const web = await createApplication(deps, ctx, {
      displayName: 'Bench',
      kind: 'web',
      redirectUris: ['http://127.0.0.1/bench-callback'],
    });
    const daemon = await createApplication(deps, ctx, {
      displayName: 'Bench issuer',
      kind: 'daemon',
      permissions: ['UserAuthenticationMethod.ReadWrite.All'],
    });
    const domain = deps.tenant.defaultDomain;
    // One argon2id hash each, shared by every seeded row: hashing 100k rows would take minutes and measure nothing.
    const passwordHash = await deps.hasher.hash(PASSWORD);
    const passHash = await deps.hasher.hash(SEEDED_PASS);
    const now = deps.clock.now();
    const isMeasured = (i: number) => i >= size.livePasses && i < size.livePasses + operations;
    const users: NewUser[] = Array.from({ length: size.users }, (_, i) => ({
      id: newId(),
      userPrincipalName: `user${i}@${domain}`,
      displayName: `User ${i}`,
      mailNickname: `user${i}`,
      givenName: null,
      surname: null,
      jobTitle: null,
      mail: null,
      userType: 'Member',
      accountEnabled: true,
      // The users the bench issues passes to have no password, so that redeeming is a pass-alone sign-in (with a
      // password, the password step would come first).
      ...(isMeasured(i) ? { passwordHash: null, passwordChangedAt: null } : { passwordHash, passwordChangedAt: now }),
      forceChangePassword: false,
      sessionsValidFrom: new Date(now.getTime() - 60_000),
      createdAt: now,
    }));
    const passes: StoredPass[] = users.slice(0, size.livePasses).map((u) => ({
      id: newId(),
      userId: u.id,
      passHash,
      createdAt: now,
      startAt: now,
      lifetimeMinutes: 480,
      isUsableOnce: false,
      usedAt: null,
      issuedBy: { kind: 'cli', id: null, displayName: 'bench seeder' },
    }));
    await deps.db.transaction().execute(async (trx) => {
      await insertUsersInBulk(trx, users);
      await insertPassesInBulk(trx, passes);
    });
    return {
      domain,
      webApp: { appId: web.app.appId, secret: web.secret.secretText },
      daemon: { appId: daemon.app.appId, secret: daemon.secret.secretText },
      passless: users
        .slice(size.livePasses, size.livePasses + operations)
        .map((u) => ({ id: u.id, upn: u.userPrincipalName })),
      seedSeconds: +((performance.now() - started) / 1000).toFixed(1),
    };
  } finally {
    await runtime.close();
  }
}

/** CPU of the PostgreSQL backends serving `database`, in microseconds, by pid (the bench's own query backend excluded). */
async function postgresBackendsCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  return new Map(rows.map((r) => [r.pid, cpuMicrosOf(r.pid)]));
}

function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, micros] of after) total += micros - (before.get(pid) ?? 0);
  return total;
}

async function measureOne(
  store: Dialect,
  size: DirectorySize,
  settings: ScaleSettings,
  serverEnv: Record<string, string>,
): Promise<DirectoryScaleRow[]> {
  const db = await createTestDatabase(store);
  const env = { ...db.env, ...serverEnv, GATEPASS_DATA_DIR: db.dataDir, GATEPASS_LOG_LEVEL: 'warn' };
  delete (env as Record<string, string | undefined>).NODE_ENV;
  const admin = db.databaseUrl ? new pg.Client({ connectionString: PG_ADMIN_URL }) : undefined;
  let server: Child | undefined;
  try {
    // Two warm-up operations per kind come on top of the measured ones.
    const seeded = await seed(env, size, settings.operations + 2);
    server = await startChild('server.ts', env);
    await admin?.connect();
    const database = db.databaseUrl?.replace(/^.*\//, '') ?? '';
    const http = keepAliveClient(settings.concurrency);
    const tokenBody = await http.send({
      method: 'POST',
      url: `${server.url}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: seeded.daemon.appId,
        client_secret: seeded.daemon.secret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    const bearer = `Bearer ${(JSON.parse(tokenBody) as { access_token: string }).access_token}`;
    const issued = new Map<string, string>();
    const origin = server.url;
    const issue = async (i: number) => {
      const user = seeded.passless[i]!;
      const body = await http.send(
        {
          method: 'POST',
          url: `${origin}/v1.0/users/${user.id}/authentication/temporaryAccessPassMethods`,
          headers: { authorization: bearer, 'content-type': 'application/json' },
          body: '{}',
        },
        201,
      );
      issued.set(user.upn, (JSON.parse(body) as { temporaryAccessPass: string }).temporaryAccessPass);
    };
    const redeemFlow: Flow = {
      name: 'redeem',
      verifies: 1,
      upn: (i) => seeded.passless[i]!.upn,
      steps: (upn): Step[] => [
        { action: 'username', fields: { username: upn } },
        { action: 'tap', fields: { tap: issued.get(upn)! } },
      ],
    };
    const redeem = (i: number) =>
      signIn(origin, seeded.webApp, 'http://127.0.0.1/bench-callback', redeemFlow.upn(i), redeemFlow);
    const rows: DirectoryScaleRow[] = [];
    const n = settings.operations;
    for (const [operation, task] of [
      ['issue', issue],
      ['redeem', redeem],
    ] as const) {
      // Warm-up on the last two users (also opens the server's database connections before they are counted).
      await task(n);
      await task(n + 1);
      const pgBefore = admin ? await postgresBackendsCpu(admin, database) : undefined;
      const gpBefore = cpuMicrosOf(server.pid);
      const r = await runLoad(settings.concurrency, { count: n }, task);
      const gpCpu = cpuMicrosOf(server.pid) - gpBefore;
      const pgCpu = admin && pgBefore ? cpuSpent(pgBefore, await postgresBackendsCpu(admin, database)) : null;
      rows.push({
        store,
        users: size.users,
        livePasses: size.livePasses,
        operation,
        operations: r.requests,
        perSecond: r.perSecond,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        gatepassCpuMsPerOperation: +(gpCpu / r.requests / 1000).toFixed(2),
        postgresCpuMsPerOperation: pgCpu === null ? null : +(pgCpu / r.requests / 1000).toFixed(2),
        seedSeconds: seeded.seedSeconds,
      });
    }
    http.close();
    return rows;
  } finally {
    await server?.stop();
    await admin?.end();
    await db.drop();
  }
}

/** Every store × size, one after the other (each on a fresh database, dropped afterwards). */
export async function measureDirectoryScale(
  sizes: DirectorySize[],
  settings: ScaleSettings,
  serverEnv: Record<string, string>,
): Promise<DirectoryScaleRow[]> {
  const rows: DirectoryScaleRow[] = [];
  for (const store of ['sqlite', 'postgres'] as const)
    for (const size of sizes) {
      const measured = await measureOne(store, size, settings, serverEnv);
      for (const row of measured)
        console.log(
          `${row.store} ${row.users} users / ${row.livePasses} live passes, ${row.operation}: ${row.perSecond}/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms`,
        );
      rows.push(...measured);
    }
  return rows;
}
