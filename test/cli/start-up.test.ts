// Start-up failures as the README promises them: `npm start` (package.json's start script) and `gatepass serve`
// each print exactly one line naming the variable, file or port, no stack trace, and exit 78 (configuration) or
// 69 (a service that is not there). Real processes, real listeners, the real PostgreSQL server for the closed port.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { freePort } from '../support/runtime.js';
import { makeSelfSignedCertificate } from '../support/tls.js';
import { gatepass, repoRoot, type CliResult } from './run-cli.js';

const START_SCRIPT = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  }
).scripts.start;

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatepass-start-'));
  dirs.push(dir);
  return dir;
}

const secretKey = () => randomBytes(32).toString('base64url');

/** Runs package.json's start script as npm would (without npm's own banner lines), in a clean environment. */
function npmStart(env: Record<string, string>): Promise<CliResult> {
  const [command, ...args] = START_SCRIPT.split(' ');
  assert.equal(command, 'node', 'the start script runs node directly');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Both entry points fail alike: the same single line on stderr, the expected exit code, nothing on stdout. */
async function bothRefuse(env: Record<string, string>, exitCode: number, line: RegExp): Promise<string> {
  const full = { GATEPASS_LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env };
  const [started, served] = await Promise.all([npmStart(full), gatepass(full, ['serve'])]);
  for (const [name, r] of [
    ['npm start', started],
    ['gatepass serve', served],
  ] as const) {
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${name} prints one line: ${r.stderr}`);
    assert.match(lines[0]!, line, name);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${name} prints no stack trace`);
    assert.equal(r.code, exitCode, `${name} exit code (${r.stderr.trim()})`);
  }
  assert.equal(started.stderr, served.stderr, 'npm start and gatepass serve say the same');
  return started.stderr;
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('start-up failures: one line naming the cause, exit 78 or 69, alike for npm start and gatepass serve', () => {
  it('an invalid variable: 78, naming it', async () => {
    await bothRefuse({ GATEPASS_DATA_DIR: tempDir(), PORT: 'abc' }, 78, /^gatepass: PORT must be/);
  });

  it('the port in use: 78, naming PORT and HOST', async () => {
    const port = await freePort();
    const taken = await listenOn(port);
    after(() => taken.close());
    await bothRefuse(
      { GATEPASS_DATA_DIR: tempDir(), PORT: String(port) },
      78,
      new RegExp(`^gatepass: PORT ${port} is already in use on HOST 127\\.0\\.0\\.1 \\(EADDRINUSE\\)$`),
    );
  });

  it('a HOST that is not an address of this machine: 78, naming HOST, not the store', async () => {
    await bothRefuse(
      { GATEPASS_DATA_DIR: tempDir(), PORT: '0', HOST: '192.0.2.1' },
      78,
      /^gatepass: HOST 192\.0\.2\.1 is not an address of this machine.*EADDRNOTAVAIL/,
    );
    await bothRefuse(
      { GATEPASS_DATA_DIR: tempDir(), PORT: '0', HOST: 'no-such-host.invalid' },
      78,
      /^gatepass: HOST no-such-host\.invalid does not resolve/,
    );
  });

  it('a missing or unusable GATEPASS_TLS_CERT or GATEPASS_TLS_KEY: 78, naming the variable and the file', async () => {
    const tls = makeSelfSignedCertificate();
    dirs.push(tls.dir);
    const missing = path.join(tls.dir, 'missing.pem');
    const base = { GATEPASS_DATA_DIR: tempDir(), PORT: '0' };
    await bothRefuse(
      { ...base, GATEPASS_TLS_CERT: missing, GATEPASS_TLS_KEY: tls.key },
      78,
      new RegExp(`^gatepass: GATEPASS_TLS_CERT: cannot read ${missing} \\(ENOENT`),
    );
    await bothRefuse(
      { ...base, GATEPASS_TLS_CERT: tls.cert, GATEPASS_TLS_KEY: tls.dir },
      78,
      new RegExp(`^gatepass: GATEPASS_TLS_KEY: cannot read ${tls.dir} \\(EISDIR`),
    );
    const garbage = path.join(tls.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    await bothRefuse(
      { ...base, GATEPASS_TLS_CERT: garbage, GATEPASS_TLS_KEY: tls.key },
      78,
      /^gatepass: GATEPASS_TLS_CERT \(.*garbage\.pem\) and GATEPASS_TLS_KEY \(.*\) are not a usable PEM certificate/,
    );
    // A typo in a TLS path fails before the store is touched.
    assert.deepEqual(readdirSync(base.GATEPASS_DATA_DIR), []);
  });

  it('PostgreSQL unreachable at DATABASE_URL: 69, naming DATABASE_URL without its password', async () => {
    const closed = await freePort();
    const stderr = await bothRefuse(
      {
        GATEPASS_DATA_DIR: tempDir(),
        PORT: '0',
        DATABASE_URL: `postgres://gatepass:hunter2-secret@127.0.0.1:${closed}/gatepass`,
        GATEPASS_SECRET_KEY: secretKey(),
      },
      69,
      new RegExp(
        `^gatepass: PostgreSQL at DATABASE_URL \\(postgres://gatepass:\\*\\*\\*@127\\.0\\.0\\.1:${closed}/gatepass\\) is unreachable: .*ECONNREFUSED`,
      ),
    );
    assert.doesNotMatch(stderr, /hunter2/);
  });

  it('a PostgreSQL database that does not exist: 78, naming DATABASE_URL', async () => {
    await bothRefuse(
      {
        GATEPASS_DATA_DIR: tempDir(),
        PORT: '0',
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/gatepass_missing_${randomBytes(4).toString('hex')}`,
        GATEPASS_SECRET_KEY: secretKey(),
      },
      78,
      /^gatepass: PostgreSQL refused DATABASE_URL \(postgres:\/\/postgres@127\.0\.0\.1:5432\/gatepass_missing_\w+\): database .* does not exist$/,
    );
  });

  // The file system's refusal is what is checked. Root writes to read-only files, so as root the files are made
  // immutable (chattr +i binds root too) instead; elsewhere plain permissions do. (Running the server as another user
  // would need the Node binary to be reachable by that user, which a Node under /root is not.)
  const asRoot = process.getuid?.() === 0;
  const immutable: string[] = [];
  const makeReadOnly = (target: string, mode: number) => {
    if (!asRoot) return chmodSync(target, mode);
    execFileSync('chattr', ['+i', target]);
    immutable.push(target);
  };
  const restore = (dir: string) => {
    for (const target of immutable.splice(0).reverse()) execFileSync('chattr', ['-i', target]);
    chmodSync(dir, 0o700);
  };

  it('a read-only SQLite data file: 78, naming the file and GATEPASS_DATA_DIR', async () => {
    const dataDir = tempDir();
    const env = { GATEPASS_DATA_DIR: dataDir, PORT: '0', GATEPASS_LOG_LEVEL: 'silent', HOST: '127.0.0.1' };
    assert.equal((await gatepass(env, ['migrate'])).code, 0);
    for (const name of readdirSync(dataDir)) makeReadOnly(path.join(dataDir, name), 0o400);
    makeReadOnly(dataDir, 0o500);
    const r = await npmStart(env);
    restore(dataDir);
    assert.equal(r.code, 78, r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^gatepass: cannot write ${path.join(dataDir, 'gatepass.db')} \\(GATEPASS_DATA_DIR ${dataDir}\\): `),
    );
  });

  it('a read-only data directory on the first start: 78, naming the file it could not create', async () => {
    const dataDir = tempDir();
    makeReadOnly(dataDir, 0o500);
    const r = await npmStart({ GATEPASS_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    restore(dataDir);
    assert.equal(r.code, 78, r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^gatepass: cannot write ${dataDir}/\\S+ \\(GATEPASS_DATA_DIR ${dataDir}\\): `));
  });
});
