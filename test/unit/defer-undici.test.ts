// src/defer-undici.ts keeps undici (Node's bundled HTTP client, ~16 MiB resident) out of a server that never sends
// an HTTP request: without it, oidc-provider's `import … from 'node:http'` loads undici through node:http's lazy
// WebSocket getters. Checked in fresh Node processes: the import alone, then a real server (`src/main.ts`).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { freePort } from '../support/runtime.js';
import { killServer, spawnServer, waitReady } from '../support/server-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const undiciLoaded = `process.moduleLoadList.some((m) => m.includes('undici'))`;

/** Imports oidc-provider in a fresh process, after defer-undici.ts or not; then uses http.WebSocket. */
function importOidcProvider(deferFirst: boolean): { afterImport: boolean; webSocket: string; afterUse: boolean } {
  const defer = pathToFileURL(path.join(repoRoot, 'src/defer-undici.ts')).href;
  const probe = `
    ${deferFirst ? `await import(${JSON.stringify(defer)});` : ''}
    await import('oidc-provider');
    const afterImport = ${undiciLoaded};
    const { createRequire } = await import('node:module');
    const webSocket = typeof createRequire(import.meta.url)('node:http').WebSocket;
    console.log(JSON.stringify({ afterImport, webSocket, afterUse: ${undiciLoaded} }));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

describe('undici stays unloaded', () => {
  it('without defer-undici.ts, importing oidc-provider loads it (the case the module exists for)', () => {
    assert.equal(importOidcProvider(false).afterImport, true);
  });

  it('with it, importing oidc-provider does not; require("node:http").WebSocket still works, loading it then', () => {
    assert.deepEqual(importOidcProvider(true), { afterImport: false, webSocket: 'function', afterUse: true });
  });

  describe('in a running server', () => {
    let database: TestDatabase;
    let probeDir: string;
    before(async () => {
      database = await createTestDatabase('sqlite');
      probeDir = mkdtempSync(path.join(tmpdir(), 'gatepass-probe-'));
    });
    after(async () => {
      await database?.drop();
      rmSync(probeDir, { recursive: true, force: true });
    });

    it('src/main.ts serves requests without loading it', async () => {
      // Loaded before src/main.ts: on SIGUSR2 the server process says whether undici is loaded.
      const probe = path.join(probeDir, 'undici-probe.mjs');
      writeFileSync(probe, `process.on('SIGUSR2', () => console.log('UNDICI ' + ${undiciLoaded}));\n`);
      const server = spawnServer(database.env, await freePort(), undefined, ['--import', pathToFileURL(probe).href]);
      try {
        await waitReady(server);
        const answered = new Promise<string>((resolve) =>
          server.child.stdout!.on('data', (d: Buffer) => {
            const line = d.toString('utf8').match(/UNDICI (true|false)/);
            if (line) resolve(line[1]!);
          }),
        );
        server.child.kill('SIGUSR2');
        assert.equal(await answered, 'false');
      } finally {
        await killServer(server, 'SIGTERM');
      }
    });
  });
});
