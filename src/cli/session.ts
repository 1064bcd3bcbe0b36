// One CLI invocation: opens its own runtime on the configured store (safe beside a running server: SQLite WAL with a
// busy timeout, or PostgreSQL), acts as {kind:'cli', osUser} with a fresh correlation id, and prints one result.

import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../config/load.js';
import type { LogLevel } from '../config/schema.js';
import { printFirstStartBanner } from '../first-start.js';
import { createLogger } from '../log.js';
import { openRuntime, type Runtime } from '../runtime.js';
import type { Deps, RequestContext } from '../services/deps.js';

/** What a command produces: the JSON object for --json, and the lines a person reads otherwise. */
export interface Outcome {
  json: object;
  text: string | string[];
}

export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (e.g. an arbitrary container uid): still name who acted.
    return process.env.USER ?? process.env.LOGNAME ?? `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

export class CliSession {
  readonly correlationId = randomUUID();
  readonly ctx: RequestContext = {
    actor: { kind: 'cli', osUser: osUserName() },
    correlationId: this.correlationId,
    ipAddress: null,
    userAgent: 'gatepass-cli',
  };
  private runtime: Runtime | undefined;

  constructor(readonly json: boolean) {}

  /** Opens the runtime once: configuration, key, migrations and first-start bootstrap, as the server does. */
  async open(): Promise<Runtime> {
    if (this.runtime) return this.runtime;
    const config = loadConfig(process.env);
    // The CLI is quiet by default (warn) and never logs to stdout: stdout carries only the result.
    const level: LogLevel = process.env.GATEPASS_LOG_LEVEL ? config.logLevel : 'warn';
    const log = createLogger(level, pino.destination({ fd: 2, sync: true }));
    this.runtime = await openRuntime({ config, log });
    await printFirstStartBanner(this.runtime);
    return this.runtime;
  }

  async deps(): Promise<Deps> {
    return (await this.open()).deps;
  }

  async close(): Promise<void> {
    const r = this.runtime;
    this.runtime = undefined;
    if (r) await r.close();
  }

  print(outcome: Outcome): void {
    if (this.json) process.stdout.write(`${JSON.stringify(outcome.json, null, 2)}\n`);
    else {
      const lines = Array.isArray(outcome.text) ? outcome.text : [outcome.text];
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    }
  }

  /** Notes for people (reminders, warnings): stderr, so that stdout stays one JSON object with --json. */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}
