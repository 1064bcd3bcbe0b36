// `npm run bench`: measures, on this machine and in one run, the figures issue 13 names; nothing is asserted.
// - signIn[]: per flow, the server process's CPU per end-to-end sign-in, argon2id's share and everything else;
// - signInFloor: the same flow's CPU on a bare oidc-provider, the library's own share of a sign-in;
// - clientCredentials: Gatepass's token endpoint beside a bare oidc-provider, one pinned core each;
// - graphGetUser: Graph GET /v1.0/users/{id} beside a Fastify hello world on the same core;
// - memory: the server's resident memory idle after start-up and after the sign-in load;
// - directoryScale[]: pass issue and redeem on SQLite and PostgreSQL at growing directory sizes.
// BENCH_QUICK=1 is a smoke run (tiny counts, the smallest directory); BENCH_OUTPUT names the results file.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { ARGON2_PARAMS } from '../src/crypto/password-hasher.js';
import { measureDirectoryScale, scaleRatios } from './directory-scale.js';
import { pin, pinning, rssMiBOf, startChild } from './processes.js';
import {
  measureBareByRequest,
  measureGatepassByRequest,
  measureSignIns,
  type SignInFloor,
  seedSignInDirectory,
  startBareSignIn,
} from './sign-in-bench.js';
import { measureClientCredentials, measureGraphGetUser } from './throughput.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? (QUICK ? 3 : 40));
const WARMUP = QUICK ? 1 : 5;
/** The sign-in figures and their floor take turns in this many rounds. */
const SIGN_IN_ROUNDS = QUICK ? 1 : 8;
const THROUGHPUT = QUICK
  ? { concurrency: 8, warmupMs: 300, durationMs: 1000, rounds: 1 }
  : { concurrency: 8, warmupMs: 2000, durationMs: 10_000, rounds: 5 };
const SIZES = QUICK
  ? [{ users: 10_000, livePasses: 1_000 }]
  : [
      { users: 10_000, livePasses: 1_000 },
      { users: 100_000, livePasses: 10_000 },
    ];
const SCALE = QUICK ? { operations: 8, concurrency: 4, rounds: 1 } : { operations: 200, concurrency: 4, rounds: 4 };
const OUTPUT = process.env.BENCH_OUTPUT ?? path.join(import.meta.dirname, 'results.json');
/** How long the server is left alone after start-up before its idle memory is read. */
const SETTLE_MS = QUICK ? 500 : 3000;

// The flood guard stays on (its cost is part of every request), with room for a benchmark's pace from one address.
const serverEnv = { GATEPASS_REQUESTS_PER_MINUTE: '10000000', PORT: '0', HOST: '127.0.0.1' };

async function main(): Promise<void> {
  const started = performance.now();
  // The load generator (this process) keeps off the servers' core.
  pin(process.pid, pinning.serverCore === null ? null : 0);
  console.log(pinning.note);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatepass-bench-'));
  const env = {
    ...serverEnv,
    GATEPASS_DATA_DIR: dataDir,
    GATEPASS_SECRET_KEY: randomBytes(32).toString('base64url'),
    GATEPASS_LOG_LEVEL: 'warn',
  };
  const directory = await seedSignInDirectory(env, SIGN_INS, WARMUP);
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/gp-prof'] : [];
  const server = await startChild('server.ts', env, profile);
  const bare = await startBareSignIn();
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idleRssMiB = rssMiBOf(server.pid);
    const { rows, calibrations, bareCpuMsPerSignIn } = await measureSignIns(
      server.process,
      server.url,
      directory,
      bare,
      { signIns: SIGN_INS, warmup: WARMUP, rounds: SIGN_IN_ROUNDS },
    );
    const loadedRssMiB = rssMiBOf(server.pid);
    console.log(
      `argon2id m=${ARGON2_PARAMS.memoryCost} KiB t=${ARGON2_PARAMS.timeCost} p=${ARGON2_PARAMS.parallelism} (measured in the server process)`,
    );
    console.table(rows);
    const byRequest = await measureGatepassByRequest(server.process, server.url, directory, SIGN_INS);
    const bareByRequest = await measureBareByRequest(bare, SIGN_INS);
    await bare.stop();
    const signInFloor: SignInFloor = {
      signIns: SIGN_INS,
      rounds: SIGN_IN_ROUNDS,
      bareCpuMsPerSignIn,
      byRequest: { gatepass: byRequest, bare: bareByRequest },
    };
    console.log(
      `the same sign-in flow on a bare oidc-provider (in-memory, no factor checked), in the same rounds: ${signInFloor.bareCpuMsPerSignIn} CPU-ms per sign-in; request by request (CPU-ms per sign-in, passkey alone on Gatepass):`,
    );
    console.table(
      Object.entries(byRequest).map(([request, gatepass]) => ({
        request,
        gatepass,
        bare: bareByRequest[request as keyof typeof byRequest] ?? null,
      })),
    );
    console.log(`server RSS: ${idleRssMiB} MiB idle after start-up, ${loadedRssMiB} MiB after the sign-ins`);
    const clientCredentials = await measureClientCredentials(server, directory.daemon, THROUGHPUT);
    console.log(
      `client credentials: Gatepass ${clientCredentials.gatepassPerSecond}/s, bare oidc-provider ${clientCredentials.barePerSecond}/s, ratio ${clientCredentials.ratio}`,
    );
    const graphGetUser = await measureGraphGetUser(server, directory.daemon, directory.someUserId, THROUGHPUT);
    console.log(
      `Graph GET /users/{id}: ${graphGetUser.perSecond}/s, Fastify hello world ${graphGetUser.helloWorldPerSecond}/s, ratio ${graphGetUser.ratio}`,
    );
    await server.stop();
    const directoryScale = await measureDirectoryScale(SIZES, SCALE, serverEnv);
    const results = {
      measuredAt: new Date().toISOString(),
      quick: QUICK,
      machine: {
        // cpus(), not availableParallelism(): this process is pinned to one core by now.
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        pinning: pinning.note,
        loadAverage: loadAverage(),
      },
      argon2: {
        ...ARGON2_PARAMS,
        cpuMsPerVerify: +(calibrations.reduce((a, b) => a + b, 0) / calibrations.length / 1000).toFixed(2),
      },
      goal: 'under 5 CPU-ms per sign-in of everything but argon2id, every flow; clientCredentials.ratio >= 0.9; memory.idleRssMiB < 120; directoryScale at 100k within 20% of 10k',
      signIn: rows,
      signInFloor,
      clientCredentials,
      graphGetUser,
      memory: { idleRssMiB, loadedRssMiB },
      directoryScale,
      directoryScaleRatios: scaleRatios(directoryScale),
      durationSeconds: Math.round((performance.now() - started) / 1000),
    };
    mkdirSync(path.dirname(OUTPUT), { recursive: true });
    writeFileSync(OUTPUT, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written to ${OUTPUT} in ${results.durationSeconds} s`);
  } finally {
    await bare.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The 1-minute load average when the run ends: the cores are shared, and this says how busy they were. */
function loadAverage(): string {
  try {
    return execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

await main();
