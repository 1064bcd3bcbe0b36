// A real Gatepass server process (`node --import tsx src/main.ts`, what `npm start` runs) for fault tests: started on
// a given store and port, waited for, killed (SIGKILL) or stopped (SIGTERM), and restarted on the same store.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  child: ChildProcess;
  origin: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/**
 * `publicUrl` defaults to the process's own origin; processes behind one load balancer share one. `nodeArgs` go
 * before the entry point (e.g. `--import` of a probe).
 */
export function spawnServer(
  env: Record<string, string>,
  port: number,
  publicUrl?: string,
  nodeArgs: string[] = [],
): ServerProcess {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, 'src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEPASS_PUBLIC_URL: publicUrl ?? origin,
      // Every simulated user signs in from its own address, so the per-address throttle does not get in the way.
      GATEPASS_TRUST_PROXY: '1',
      GATEPASS_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: ServerProcess = {
    child,
    origin,
    stdout: [],
    stderr: [],
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d: Buffer) => proc.stdout.push(d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => proc.stderr.push(d.toString('utf8')));
  return proc;
}

/** Polls /readyz (a bounded number of times, never a wall-clock assertion) until the server answers 200. */
export async function waitReady(proc: ServerProcess, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (proc.child.exitCode !== null)
      throw new Error(`the server exited with ${proc.child.exitCode}: ${proc.stderr.join('')}`);
    try {
      if ((await fetch(`${proc.origin}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.origin} never became ready: ${proc.stderr.join('')}`);
}

export async function killServer(proc: ServerProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
  await proc.exited;
}
