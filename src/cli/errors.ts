// How the CLI fails: one line on stderr, a Graph-shaped error object on stdout with --json, and a documented exit code.

import { ConfigError } from '../config/load.js';
import { KeyringError } from '../crypto/keyring.js';
import { StartupError } from '../start-up-error.js';
import { type ErrorDetail, type GraphErrorEnvelope, graphErrorEnvelope, isAppError } from '../domain/errors.js';

/** Exit codes (documented in the README's CLI reference). */
export const EXIT = {
  ok: 0,
  /** The operation was refused: not found, bad value, conflict, policy (an AppError with a 4xx status). */
  refused: 1,
  /** The command line is wrong (unknown option, missing argument), or the command does not apply here. */
  usage: 2,
  /** The store or the hasher is busy or unreachable; retrying later may work. */
  unavailable: 69,
  /** An unexpected fault (a bug); the log on stderr has the details. */
  internal: 70,
  /** Configuration or server key is wrong: the process cannot start. */
  config: 78,
  /** Interrupted at a prompt (Ctrl-C). */
  interrupted: 130,
} as const;

/** A failure of the CLI itself (usage, input, environment), as opposed to a refusal by a service. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    readonly code: string = 'badArgument',
    readonly target?: string,
  ) {
    super(message);
  }
}

export interface ReportedError {
  exitCode: number;
  /** Graph's envelope, as the API answers. */
  body: GraphErrorEnvelope;
  line: string;
}

/** Turns anything thrown into the exit code, the one-line message and the Graph error body. */
export function reportError(e: unknown, correlationId: string, now: Date): ReportedError {
  let exitCode: number = EXIT.internal;
  let code = 'generalException';
  let message = `unexpected error: ${(e as Error)?.message ?? String(e)} (GATEPASS_LOG_LEVEL=debug prints the stack)`;
  let target: string | undefined;
  let details: ErrorDetail[] | undefined;
  if (e instanceof CliError) {
    ({ exitCode, code, target } = e);
    message = e.message;
  } else if (e instanceof StartupError) {
    exitCode = e.exitCode;
    code = e.exitCode === EXIT.config ? 'configurationError' : 'serviceNotAvailable';
    message = e.message;
  } else if (e instanceof ConfigError || e instanceof KeyringError) {
    exitCode = EXIT.config;
    code = 'configurationError';
    message = e.message;
  } else if (isAppError(e)) {
    code = e.graphCode;
    message = e.message;
    target = e.target;
    details = e.details;
    if (e.code === 'keyMismatch') exitCode = EXIT.config;
    else if (e.status === 429 || e.status === 503) exitCode = EXIT.unavailable;
    else if (e.status >= 400 && e.status < 500) exitCode = EXIT.refused;
  } else if (isListenError(e)) {
    exitCode = EXIT.config;
    code = 'configurationError';
    message = `cannot listen: ${(e as Error).message} (check PORT and HOST)`;
  } else if (isConnectionError(e)) {
    exitCode = EXIT.unavailable;
    code = 'serviceNotAvailable';
    message = `the store is unreachable: ${(e as Error).message}`;
  }
  const line = `gatepass: ${message}${target ? ` (target: ${target})` : ''}`;
  return {
    exitCode,
    line,
    body: graphErrorEnvelope({ graphCode: code, message, target, details }, { requestId: correlationId }, now),
  };
}

function isListenError(e: unknown): boolean {
  const err = e as { code?: unknown; syscall?: unknown } | undefined;
  return (
    err?.syscall === 'listen' && (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL')
  );
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return (
    code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '3D000' || code === '28P01'
  );
}
