// The benchmark still runs: one BENCH_QUICK=1 pass of `npm run bench` (tiny counts, the smallest directory, both
// stores), written to a temporary file so bench/results.json is left alone. Only its shape is checked: figures
// depend on the machine and its load, and are never asserted.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = path.join(import.meta.dirname, '..', '..');

describe('npm run bench (BENCH_QUICK=1)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatepass-bench-smoke-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs to the end and writes every field of bench/results.json', { timeout: 300_000 }, async () => {
    const output = path.join(dir, 'results.json');
    // execFile rejects on a non-zero exit, with the run's output attached.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      cwd: root,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_OUTPUT: output },
      maxBuffer: 16 * 1024 * 1024,
    });
    const results = JSON.parse(readFileSync(output, 'utf8')) as Record<string, unknown>;
    const has = (value: unknown, keys: string[]) => {
      assert.ok(value && typeof value === 'object', `expected an object, got ${JSON.stringify(value)}`);
      for (const key of keys) assert.equal(typeof (value as Record<string, unknown>)[key], 'number', key);
    };
    assert.equal(results.quick, true);
    const signIn = results.signIn as unknown[];
    assert.deepEqual(
      signIn.map((r) => (r as { flow: string }).flow),
      ['pass alone', 'password + pass', 'password + code', 'passkey alone'],
    );
    for (const row of signIn) has(row, ['serverCpuMsPerSignIn', 'nonHashingCpuMsPerSignIn', 'argon2Share']);
    has(results.signInFloor, ['signIns', 'rounds', 'bareCpuMsPerSignIn']);
    const byRequest = (results.signInFloor as { byRequest: Record<'gatepass' | 'bare', unknown> }).byRequest;
    has(byRequest.gatepass, ['authorize', 'sign-in page', 'passkey options', 'step', 'resume', 'code exchange']);
    has(byRequest.bare, ['authorize', 'sign-in page', 'step', 'resume', 'code exchange']);
    has(results.clientCredentials, ['gatepassPerSecond', 'barePerSecond', 'ratio', 'rounds']);
    has(results.graphGetUser, ['perSecond', 'helloWorldPerSecond', 'ratio', 'rounds']);
    has(results.memory, ['idleRssMiB', 'loadedRssMiB']);
    const scale = results.directoryScale as { store: string; operation: string }[];
    assert.deepEqual(
      scale.map((r) => `${r.store} ${r.operation}`),
      ['sqlite issue', 'sqlite redeem', 'postgres issue', 'postgres redeem'],
    );
    for (const row of scale) has(row, ['users', 'livePasses', 'perSecond', 'p50Ms', 'p99Ms']);
    assert.ok(Array.isArray(results.directoryScaleRatios), 'directoryScaleRatios');
  });
});
