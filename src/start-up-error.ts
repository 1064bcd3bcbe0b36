// Why the server could not start, as one line that names the setting, file or port, and a sysexits code:
// 78 (EX_CONFIG) when the operator must change something, 69 (EX_UNAVAILABLE) when a service may come back by itself.

import { ConfigError, type AppConfig } from './config/load.js';
import { KeyringError } from './crypto/keyring.js';
import { isAppError } from './domain/errors.js';

export const EX_UNAVAILABLE = 69;
export const EX_SOFTWARE = 70;
export const EX_CONFIG = 78;

export class StartupError extends Error {
  override name = 'StartupError';
  constructor(
    message: string,
    readonly exitCode: typeof EX_CONFIG | typeof EX_UNAVAILABLE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface SystemError {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  message?: unknown;
}

const codeOf = (e: unknown): string => String((e as SystemError | undefined)?.code ?? '');
const messageOf = (e: unknown): string => String((e as SystemError | undefined)?.message ?? e);

/** DATABASE_URL as the operator wrote it, minus the password. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

// PostgreSQL and socket errors that mean "not there now": retrying later may work.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
const UNREACHABLE_PG = new Set(['57P03', '53300']); // the database system is starting up; too many connections
// PostgreSQL errors the operator must fix in DATABASE_URL or on the server: wrong database, user or password.
const REFUSED_PG = new Set(['3D000', '28P01', '28000']);
// The file system refuses to let Gatepass write its data: permissions, a read-only mount.
const READ_ONLY = new Set(['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'EACCES', 'EPERM', 'EROFS']);
const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC']);

/** Names the store setting behind a failure to open, migrate or bootstrap the store; undefined when it is not one. */
export function storeFailure(e: unknown, config: AppConfig, sqliteFile: string): StartupError | undefined {
  const code = codeOf(e);
  if (config.databaseUrl) {
    const where = `DATABASE_URL (${redactedDatabaseUrl(config.databaseUrl)})`;
    if (UNREACHABLE.has(code) || UNREACHABLE_PG.has(code))
      return new StartupError(`PostgreSQL at ${where} is unreachable: ${messageOf(e)}`, EX_UNAVAILABLE, { cause: e });
    if (REFUSED_PG.has(code))
      return new StartupError(`PostgreSQL refused ${where}: ${messageOf(e)}`, EX_CONFIG, { cause: e });
    return undefined;
  }
  const file = typeof (e as SystemError).path === 'string' ? String((e as SystemError).path) : sqliteFile;
  const prefix = code.split('_').slice(0, 2).join('_');
  if (READ_ONLY.has(code) || READ_ONLY.has(prefix))
    return new StartupError(
      `cannot write ${file} (GATEPASS_DATA_DIR ${config.dataDirAbsolute}): ${messageOf(e)}; ` +
        'the data directory and its files must be writable by the user Gatepass runs as',
      EX_CONFIG,
      { cause: e },
    );
  if (DISK_FULL.has(code) || DISK_FULL.has(prefix))
    return new StartupError(
      `cannot write ${file} (GATEPASS_DATA_DIR ${config.dataDirAbsolute}): the disk is full (${code})`,
      EX_UNAVAILABLE,
      { cause: e },
    );
  return undefined;
}

/** Names PORT or HOST when the listener cannot be opened. All of these are configuration: 78. */
export function listenFailure(e: unknown, config: AppConfig): StartupError {
  const code = codeOf(e);
  const at = `HOST ${config.host} PORT ${config.port}`;
  const message =
    code === 'EADDRINUSE'
      ? `PORT ${config.port} is already in use on HOST ${config.host} (EADDRINUSE)`
      : code === 'EADDRNOTAVAIL'
        ? `HOST ${config.host} is not an address of this machine, so nothing can listen on it (EADDRNOTAVAIL)`
        : code === 'EACCES'
          ? `PORT ${config.port} needs privileges this user does not have (EACCES); choose a port above 1023`
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `HOST ${config.host} does not resolve to an address of this machine (${code})`
            : `cannot listen on ${at}: ${messageOf(e)}`;
  return new StartupError(message, EX_CONFIG, { cause: e });
}

export interface ReportedStartupFailure {
  exitCode: number;
  /** One line, no stack trace. */
  line: string;
}

/** Anything thrown while starting, as the line and exit code `npm start` and `gatepass serve` both report. */
export function describeStartupFailure(e: unknown): ReportedStartupFailure {
  if (e instanceof StartupError) return { exitCode: e.exitCode, line: `gatepass: ${e.message}` };
  if (e instanceof ConfigError || e instanceof KeyringError)
    return { exitCode: EX_CONFIG, line: `gatepass: ${e.message}` };
  if (isAppError(e)) {
    const exitCode = e.status === 503 || e.status === 429 ? EX_UNAVAILABLE : EX_CONFIG;
    return { exitCode, line: `gatepass: ${e.message}` };
  }
  return {
    exitCode: EX_SOFTWARE,
    line: `gatepass: failed to start: ${messageOf(e).split('\n')[0]} (GATEPASS_LOG_LEVEL=debug prints the stack)`,
  };
}

/** Writes the failure's one line to stderr (the stack too at debug level) and ends the process with its code. */
export function exitOnStartupFailure(e: unknown): never {
  const { exitCode, line } = describeStartupFailure(e);
  if (/^(debug|trace)$/.test(process.env.GATEPASS_LOG_LEVEL ?? ''))
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.stderr.write(`${line}\n`);
  process.exit(exitCode);
}
