// Starts the HTTP(S) server on an opened runtime; returns a handle that shuts it down gracefully.

import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { AppConfig } from './config/load.js';
import { answerPlainHttpOnTls } from './http/plain-http-on-tls.js';
import type { Runtime } from './runtime.js';
import { EX_CONFIG, listenFailure, StartupError } from './start-up-error.js';
import { startMailSender } from './services/mail/outbox.js';
import { createMailTransport } from './services/mail/transport.js';
import { startSweeper } from './services/sweeper.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The address actually bound, e.g. http://127.0.0.1:54321 */
  url: string;
  close(): Promise<void>;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

function readNamed(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new StartupError(`${variable}: cannot read ${file} (${(e as Error).message})`, EX_CONFIG, { cause: e });
  }
}

/**
 * Reads GATEPASS_TLS_CERT and GATEPASS_TLS_KEY and checks they make a usable pair, naming the variable and the file
 * when not. Called before the store is opened, so a typo in a path fails fast and migrates nothing.
 */
export function readTlsFiles(config: AppConfig): TlsFiles | undefined {
  if (!config.tls) return undefined;
  const files = {
    cert: readNamed('GATEPASS_TLS_CERT', config.tls.cert),
    key: readNamed('GATEPASS_TLS_KEY', config.tls.key),
  };
  try {
    createSecureContext(files);
  } catch (e) {
    throw new StartupError(
      `GATEPASS_TLS_CERT (${config.tls.cert}) and GATEPASS_TLS_KEY (${config.tls.key}) are not a usable PEM certificate and matching key: ${(e as Error).message}`,
      EX_CONFIG,
      { cause: e },
    );
  }
  return files;
}

export async function startServer(
  runtime: Runtime,
  tls: TlsFiles | undefined = readTlsFiles(runtime.deps.config),
): Promise<RunningServer> {
  const { deps } = runtime;
  const app = await buildApp(deps, tls ? { https: tls } : {});
  if (tls) answerPlainHttpOnTls(app.server, deps.config.issuer);
  try {
    await app.listen({ port: deps.config.port, host: deps.config.host });
  } catch (e) {
    await app.close();
    throw listenFailure(e, deps.config);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.port;
  const stopSweeper = startSweeper(deps.db, deps.clock, deps.log);
  const transport = createMailTransport(deps.config);
  const stopMailSender = transport ? startMailSender(deps, transport) : async () => {};
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      (closing ??= (async () => {
        stopSweeper();
        await stopMailSender();
        await app.close();
        await runtime.close();
      })()),
  };
}
