// The bench's child processes: start one (the Gatepass server as `npm start` runs it), pin it to a core, and read its CPU time and
// resident memory from /proc, which counts every thread (argon2's and libuv's too) and needs nothing from the child.

import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { buildIfStale, DIST } from '../scripts/build.js';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));

/** The server core and the load generator's core, or why the processes run unpinned. */
export const pinning: { serverCore: number | null; note: string } =
  TASKSET && availableParallelism() > 1
    ? { serverCore: 1, note: 'servers pinned to core 1 (taskset -a -pc 1), the load generator to core 0' }
    : {
        serverCore: null,
        note: TASKSET ? 'one core only: nothing pinned' : 'taskset not found: servers and load generator unpinned',
      };

/** Pins every thread of `pid` (threads made later inherit it) to `core`; a no-op when pinning is unavailable. */
export function pin(pid: number, core: number | null): void {
  if (!TASKSET || core === null) return;
  execFileSync(TASKSET, ['-a', '-pc', String(core), String(pid)], { stdio: 'ignore' });
}

/** User + system CPU of a process (all its threads), in microseconds; 0 once it is gone. */
export function cpuMicrosOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
  } catch {
    return 0;
  }
}

/** Resident set size (VmRSS) in MiB. */
export function rssMiBOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return +(kib / 1024).toFixed(1);
}

export interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** The node options of package.json's start script (`node <options> scripts/start.js`). */
function startScriptNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(' ').filter((word) => word.startsWith('--'));
}

/**
 * Forks a bench/ script, waits for its `{type:'ready', url}` and pins it to the server core. The Gatepass server
 * (server.ts) runs as `npm start` runs it: compiled to dist/ (scripts/build.js), with the start script's node options.
 * The reference servers run under tsx, which costs them memory at start-up but nothing per request.
 */
export async function startChild(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const compiled = script === 'server.ts' && buildIfStale();
  const child = fork(
    compiled ? path.join(DIST, 'bench', script.replace(/\.ts$/, '.js')) : path.join(import.meta.dirname, script),
    [],
    {
      env: { ...process.env, ...env },
      execArgv: compiled ? [...startScriptNodeOptions(), ...execArgv] : ['--import', 'tsx', ...execArgv],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.once('message', (m) => resolve((m as { url: string }).url));
  });
  child.removeAllListeners('exit');
  pin(child.pid!, pinning.serverCore);
  return {
    process: child,
    pid: child.pid!,
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
