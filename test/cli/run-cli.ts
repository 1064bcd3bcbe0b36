// Runs the real `gatepass` command (bin/gatepass.js) as a child process against a test database.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(repoRoot, 'bin/gatepass.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without any Gatepass setting, so only what the test gives reaches the child. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      !k.startsWith('GATEPASS_') &&
      !['DATABASE_URL', 'PORT', 'HOST', 'NODE_ENV', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT'].includes(k)
    )
      env[k] = v;
  return env;
}

export function gatepass(env: Record<string, string>, args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: repoRoot,
      env: { ...cleanEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Parses stdout as exactly one JSON object (not an array, nothing before or after it). */
export function oneJsonObject(stdout: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stdout);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`stdout is not one JSON object: ${stdout}`);
  return parsed as Record<string, unknown>;
}
