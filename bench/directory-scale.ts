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
import { keepAliveClient, type LoadSamples, sampleLoad, summarize } from './load.js';
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
  /** The operations are measured in this many rounds, each taking every size in turn. */
  rounds: number;
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
      purpose: 'access',
      disputedAt: null,
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

/** One seeded directory with its own server, ready to issue and redeem passes. */
interface Subject {
  size: DirectorySize;
  server: Child;
  seedSeconds: number;
  /** The database's name on PostgreSQL, for its backends' CPU. */
  database: string | null;
  tasks: Record<Operation, (i: number) => Promise<void>>;
  close(): Promise<void>;
}

type Operation = 'issue' | 'redeem';

async function prepare(
  store: Dialect,
  size: DirectorySize,
  settings: ScaleSettings,
  serverEnv: Record<string, string>,
): Promise<Subject> {
  const db = await createTestDatabase(store);
  const env = { ...db.env, ...serverEnv, GATEPASS_DATA_DIR: db.dataDir, GATEPASS_LOG_LEVEL: 'warn' };
  delete (env as Record<string, string | undefined>).NODE_ENV;
  let server: Child | undefined;
  const http = keepAliveClient(settings.concurrency);
  const close = async () => {
    http.close();
    await server?.stop();
    await db.drop();
  };
  try {
    // Two warm-up operations per kind come on top of the measured ones.
    const seeded = await seed(env, size, settings.operations + 2);
    server = await startChild('server.ts', env);
    const origin = server.url;
    const tokenBody = await http.send({
      method: 'POST',
      url: `${origin}/oauth2/v2.0/token`,
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
    const issue = async (i: number) => {
      const user = seeded.passless[i]!;
      const body = await http.send(
        {
          method: 'POST',
          url: `${origin}/v1.0/users/${user.id}/authentication/temporaryAccessPassMethods`,
          headers: { authorization: bearer, 'content-type': 'application/json' },
          // Redeemed by signing in to the bench's app: an access pass (without a password, set-up is the default).
          body: '{"gatepassPurpose":"access"}',
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
    return {
      size,
      server,
      seedSeconds: seeded.seedSeconds,
      database: db.databaseUrl?.replace(/^.*\//, '') ?? null,
      tasks: { issue, redeem },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** What one subject spent on one operation, over every round. */
interface Tally {
  runs: LoadSamples[];
  gatepassMicros: number;
  postgresMicros: number;
}

/**
 * Every size of one store is seeded and served at once, and the operations are measured in rounds that take the sizes
 * in turn: the cores are shared, and a burst of someone else's load then falls on every size alike instead of on
 * whichever happened to be measured at that moment.
 */
async function measureStore(
  store: Dialect,
  sizes: DirectorySize[],
  settings: ScaleSettings,
  serverEnv: Record<string, string>,
): Promise<DirectoryScaleRow[]> {
  const subjects: Subject[] = [];
  const admin = store === 'postgres' ? new pg.Client({ connectionString: PG_ADMIN_URL }) : undefined;
  try {
    for (const size of sizes) subjects.push(await prepare(store, size, settings, serverEnv));
    await admin?.connect();
    const n = settings.operations;
    const rounds = Math.max(1, Math.min(settings.rounds, n));
    const rows: DirectoryScaleRow[][] = subjects.map(() => []);
    for (const operation of ['issue', 'redeem'] as const) {
      // Warm-up on the last two users (also opens each server's database connections before they are counted).
      for (const s of subjects) {
        await s.tasks[operation](n);
        await s.tasks[operation](n + 1);
      }
      const tallies: Tally[] = subjects.map(() => ({ runs: [], gatepassMicros: 0, postgresMicros: 0 }));
      for (let round = 0; round < rounds; round++) {
        const from = Math.floor((round * n) / rounds);
        const to = Math.floor(((round + 1) * n) / rounds);
        for (const [k, s] of subjects.entries()) {
          const tally = tallies[k]!;
          const pgBefore = admin && s.database ? await postgresBackendsCpu(admin, s.database) : undefined;
          const gpBefore = cpuMicrosOf(s.server.pid);
          tally.runs.push(
            await sampleLoad(settings.concurrency, { count: to - from }, (i) => s.tasks[operation](from + i)),
          );
          tally.gatepassMicros += cpuMicrosOf(s.server.pid) - gpBefore;
          if (admin && s.database && pgBefore)
            tally.postgresMicros += cpuSpent(pgBefore, await postgresBackendsCpu(admin, s.database));
        }
      }
      for (const [k, s] of subjects.entries()) {
        const tally = tallies[k]!;
        const r = summarize(tally.runs);
        rows[k]!.push({
          store,
          users: s.size.users,
          livePasses: s.size.livePasses,
          operation,
          operations: r.requests,
          perSecond: r.perSecond,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          gatepassCpuMsPerOperation: +(tally.gatepassMicros / r.requests / 1000).toFixed(2),
          postgresCpuMsPerOperation: admin ? +(tally.postgresMicros / r.requests / 1000).toFixed(2) : null,
          seedSeconds: s.seedSeconds,
        });
      }
    }
    return rows.flat();
  } finally {
    for (const s of subjects) await s.close();
    await admin?.end();
  }
}

/** For each store, the largest directory's operations per second over the smallest's (the target: at least 0.8). */
export function scaleRatios(rows: DirectoryScaleRow[]): { store: Dialect; operation: Operation; ratio: number }[] {
  const ratios: { store: Dialect; operation: Operation; ratio: number }[] = [];
  for (const store of ['sqlite', 'postgres'] as const)
    for (const operation of ['issue', 'redeem'] as const) {
      const matching = rows.filter((r) => r.store === store && r.operation === operation);
      if (matching.length < 2) continue;
      const bySize = matching.sort((a, b) => a.users - b.users);
      ratios.push({ store, operation, ratio: +(bySize.at(-1)!.perSecond / bySize[0]!.perSecond).toFixed(3) });
    }
  return ratios;
}

/** Every store, each with all its sizes measured side by side (fresh databases, dropped afterwards). */
export async function measureDirectoryScale(
  sizes: DirectorySize[],
  settings: ScaleSettings,
  serverEnv: Record<string, string>,
): Promise<DirectoryScaleRow[]> {
  const rows: DirectoryScaleRow[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    const measured = await measureStore(store, sizes, settings, serverEnv);
    for (const row of measured)
      console.log(
        `${row.store} ${row.users} users / ${row.livePasses} live passes, ${row.operation}: ${row.perSecond}/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms`,
      );
    rows.push(...measured);
  }
  for (const r of scaleRatios(rows))
    console.log(`${r.store} ${r.operation}: the largest directory at ${r.ratio} of the smallest's rate`);
  return rows;
}
