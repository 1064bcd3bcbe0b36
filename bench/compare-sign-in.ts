// Before/after on shared cores: the sign-in CPU of two checkouts (A, e.g. an older commit unpacked with its
// node_modules, and B, this one), measured interleaved — batches of sign-ins alternate between the two servers, so
// both meet the same load — and the median batch taken. A sequential `npm run bench` of each moves by 20% or more
// when other work shares the cores; this does not remove the noise, it spreads it evenly.
//   node --import tsx bench/compare-sign-in.ts /path/to/A [/path/to/B]   (COMPARE_ROUNDS, COMPARE_BATCH)

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Child } from './processes.js';
import type { SignInDirectory } from './sign-in-bench.js';
import type { Flow } from './sign-in-client.js';

const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 10);
const BATCH = Number(process.env.COMPARE_BATCH ?? 5);
const WARMUP = 3;

interface Side {
  name: string;
  directory: SignInDirectory;
  server: Child;
  dataDir: string;
  signIn(origin: string, app: { appId: string; secret: string }, uri: string, upn: string, flow: Flow): Promise<void>;
  ask<T>(child: ChildProcess, message: object, reply: string): Promise<T>;
}

async function open(name: string, root: string): Promise<Side> {
  const processes = (await import(path.join(root, 'bench/processes.ts'))) as typeof import('./processes.js');
  const bench = (await import(path.join(root, 'bench/sign-in-bench.ts'))) as typeof import('./sign-in-bench.js');
  const client = (await import(path.join(root, 'bench/sign-in-client.ts'))) as typeof import('./sign-in-client.js');
  processes.pin(process.pid, processes.pinning.serverCore === null ? null : 0);
  const dataDir = mkdtempSync(path.join(tmpdir(), `gatepass-compare-${name}-`));
  const env = {
    GATEPASS_REQUESTS_PER_MINUTE: '10000000',
    PORT: '0',
    HOST: '127.0.0.1',
    GATEPASS_DATA_DIR: dataDir,
    GATEPASS_SECRET_KEY: randomBytes(32).toString('base64url'),
    GATEPASS_LOG_LEVEL: 'warn',
  };
  const directory = await bench.seedSignInDirectory(env, ROUNDS * BATCH, WARMUP);
  const server = await processes.startChild('server.ts', env);
  return { name, directory, server, dataDir, signIn: client.signIn, ask: client.ask };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function cpuMicros(side: Side): Promise<number> {
  return (await side.ask<{ micros: number }>(side.server.process, { type: 'cpu' }, 'cpu')).micros;
}

async function main(): Promise<void> {
  const [rootA, rootB = path.join(import.meta.dirname, '..')] = process.argv.slice(2);
  if (!rootA) throw new Error('usage: compare-sign-in.ts <checkout A> [checkout B]');
  const sides = [await open('A', path.resolve(rootA)), await open('B', path.resolve(rootB))];
  try {
    const flows = sides[0]!.directory.flows;
    const perSignIn = new Map<string, number[]>();
    const argonMs: number[] = [];
    for (const [f, flow] of flows.entries()) {
      for (const side of sides) {
        const d = side.directory;
        const own = d.flows[f]!;
        for (let i = 0; i < WARMUP; i++)
          await side.signIn(side.server.url, d.webApp, d.redirectUri, own.upn(ROUNDS * BATCH + i), own);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
          const d = side.directory;
          const own = d.flows[f]!;
          const before = await cpuMicros(side);
          for (let i = 0; i < BATCH; i++)
            await side.signIn(side.server.url, d.webApp, d.redirectUri, own.upn(round * BATCH + i), own);
          const key = `${flow.name}\u0000${side.name}`;
          perSignIn.set(key, [...(perSignIn.get(key) ?? []), ((await cpuMicros(side)) - before) / BATCH / 1000]);
        }
      }
      for (const side of sides) {
        const reply = await side.ask<{ microsPerVerify: number }>(
          side.server.process,
          { type: 'calibrate', rounds: 20 },
          'calibrated',
        );
        argonMs.push(reply.microsPerVerify / 1000);
      }
    }
    // Both run the same argon2id: one figure for both, so a difference is never argon2id's drift.
    const argon = median(argonMs);
    console.log(`argon2id ${argon.toFixed(2)} CPU-ms per verify (median of ${argonMs.length} calibrations)`);
    console.table(
      flows.map((flow) => {
        const a = median(perSignIn.get(`${flow.name}\u0000A`)!);
        const b = median(perSignIn.get(`${flow.name}\u0000B`)!);
        const hashing = argon * flow.verifies;
        return {
          flow: flow.name,
          'A CPU ms': +a.toFixed(2),
          'B CPU ms': +b.toFixed(2),
          'A non-hashing': +(a - hashing).toFixed(2),
          'B non-hashing': +(b - hashing).toFixed(2),
        };
      }),
    );
  } finally {
    for (const side of sides) {
      await side.server.stop();
      rmSync(side.dataDir, { recursive: true, force: true });
    }
  }
}

await main();
