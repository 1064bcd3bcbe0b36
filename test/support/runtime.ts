// Opens a real runtime (configuration, keyring, migrated store) on a test database, optionally with a server.

import { createServer } from 'node:net';
import type { Logger } from 'pino';
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

export async function openTestRuntime(
  dialect: Dialect,
  env: Record<string, string> = {},
  clock?: Clock,
): Promise<TestRuntime> {
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
  /** Where requests go: the listener's address on 127.0.0.1. */
  url: string;
  /** The issuer (GATEPASS_PUBLIC_URL): `url`, or the same port under `localhost` when asked for (WebAuthn needs a host name). */
  publicUrl: string;
}

export interface TestServerOptions {
  /** 'localhost' makes the issuer and rpID http://localhost:PORT (browsers refuse passkeys on an IP address). */
  publicHost?: '127.0.0.1' | 'localhost';
  /** The server's logger, e.g. one writing to an array, for tests that check what reaches the server log. */
  log?: Logger;
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
export async function startTestServer(
  dialect: Dialect,
  env: Record<string, string> = {},
  clock?: Clock,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const port = await freePort();
  const scheme = env.GATEPASS_TLS_CERT ? 'https' : 'http';
  const publicUrl = `${scheme}://${options.publicHost ?? '127.0.0.1'}:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEPASS_PUBLIC_URL: publicUrl,
    ...database.env,
    ...env,
  });
  const runtime = await openRuntime({ config, clock, log: options.log });
  const server = await startServer(runtime);
  return {
    runtime,
    database,
    server,
    url: `${scheme}://127.0.0.1:${port}`,
    publicUrl,
    close: async () => {
      await server.close();
      await database.drop();
    },
  };
}
