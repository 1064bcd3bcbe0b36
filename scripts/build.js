// Compiles src/ (and the benchmark's server) to dist/ with tsc, only when a source is newer than the last build, so
// that `npm start` runs plain JavaScript: under tsx the same server holds about 20 MiB more and starts slower.
// Several processes may start at once (a test run, a rolling restart): one builds under a lock, the others wait for
// it and then use its output. Plain JavaScript, so that it runs before anything is compiled.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
export const DIST = path.join(root, 'dist');
const STAMP = path.join(DIST, '.built');
const LOCK = path.join(root, '.tmp', 'build.lock');
const SOURCES = ['src', 'bench/server.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** A lock older than this was left by a build that died: no build takes nearly as long. */
const STALE_LOCK_MS = 120_000;

function newestChange(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its directory
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, name)));
  return newest;
}

/** True when dist/ holds a build of the current sources. */
export function distIsFresh() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.every((s) => newestChange(path.join(root, s)) <= built);
}

/** The TypeScript compiler, or undefined where dev dependencies were not installed (`npm ci --omit=dev`). */
function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function takeLock() {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds dist/ if it is stale. Returns false when it cannot (no TypeScript compiler), so the caller runs the sources
 * under tsx instead. A failed compilation throws with tsc's own output.
 */
export function buildIfStale() {
  if (distIsFresh()) return true;
  const tsc = typescriptCompiler();
  if (!tsc) return false;
  while (!takeLock()) {
    pause(100);
    if (distIsFresh()) return true;
  }
  try {
    if (distIsFresh()) return true;
    rmSync(DIST, { recursive: true, force: true });
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'pipe' });
    // Files the server reads next to its modules at run time.
    cpSync(path.join(root, 'src/web/assets'), path.join(DIST, 'src/web/assets'), { recursive: true });
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
    return true;
  } catch (e) {
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    throw new Error(output ? `the TypeScript build failed:\n${output}` : `the TypeScript build failed: ${e.message}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) buildIfStale();
