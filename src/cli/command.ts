// Glue between commander and the commands: each action gets a CliSession, returns an Outcome, and any failure
// becomes one line on stderr (plus Graph's error object on stdout with --json) and a documented exit code.

import type { Command } from 'commander';
import { CliError, EXIT, reportError } from './errors.js';
import { CliSession, type Outcome } from './session.js';

export type Options = Record<string, unknown>;
export type Handler = (session: CliSession, args: string[], options: Options) => Promise<Outcome>;

/** True when --json was given anywhere on the command line. */
export const wantsJson = (cmd: Command): boolean => Boolean(cmd.optsWithGlobals().json);

/** Wraps a command handler for commander's `.action()`. */
export function act(handler: Handler): (...received: unknown[]) => Promise<void> {
  return async (...received: unknown[]) => {
    const cmd = received[received.length - 1] as Command;
    const session = new CliSession(wantsJson(cmd));
    try {
      session.print(await handler(session, cmd.processedArgs as string[], cmd.opts()));
    } catch (e) {
      fail(session, e);
    } finally {
      await session.close().catch(() => {});
    }
  };
}

/** Reports a failure the way every command does; sets the exit code without cutting stdout short. */
export function fail(session: { json: boolean; correlationId: string }, e: unknown): void {
  const report = reportError(e, session.correlationId, new Date());
  if (report.exitCode === EXIT.internal && /^(debug|trace)$/.test(process.env.GATEPASS_LOG_LEVEL ?? ''))
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.stderr.write(`${report.line}\n`);
  if (session.json) process.stdout.write(`${JSON.stringify(report.body, null, 2)}\n`);
  process.exitCode = report.exitCode;
}

/** Parses a positive whole number option, naming the option when it is not one. */
export function wholeNumber(value: unknown, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new CliError(
      `${option} must be a whole number between ${min} and ${max} (got ${JSON.stringify(text)})`,
      EXIT.usage,
      'badArgument',
      option,
    );
  return Number(text);
}
