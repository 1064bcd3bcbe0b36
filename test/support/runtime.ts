// Opens a real runtime (configuration, keyring, migrated store) on a test database, optionally with a server.

import { createServer } from 'node:net';
import { loadConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/domain/clock.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './databases.js';

export interface TestRuntime {
  runtime: Runtime;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function openTestRuntime(dialect: Dialect, env: Record<string, string> = {}, clock?: Clock): Promise<TestRuntime> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...database.env, ...env });
  const runtime = await openRuntime({ config, clock });
  return {
    runtime,
    database,
    close: async () => {
      await runtime.close();
      await database.drop();
    },
  };
}

export interface TestServer extends TestRuntime {
  server: RunningServer;
  url: string;
}

/** A TCP port free on 127.0.0.1 right now (for servers whose address must be known before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const a = probe.address();
      probe.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A listening server on 127.0.0.1 with an ephemeral port; the issuer is that address. */
export async function startTestServer(dialect: Dialect, env: Record<string, string> = {}, clock?: Clock): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const port = await freePort();
  const scheme = env.GATEPASS_TLS_CERT ? 'https' : 'http';
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', GATEPASS_PUBLIC_URL: `${scheme}://127.0.0.1:${port}`, ...database.env, ...env });
  const runtime = await openRuntime({ config, clock });
  const server = await startServer(runtime);
  return {
    runtime,
    database,
    server,
    url: `${scheme}://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      await database.drop();
    },
  };
}
