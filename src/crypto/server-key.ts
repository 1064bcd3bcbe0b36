// Finds the server key: from the environment, from a file, or (SQLite only) a new file made on first start.

import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/load.js';
import { generateServerKey, Keyring, KeyringError, parseServerKey } from './keyring.js';

export interface LoadedKeyring {
  keyring: Keyring;
  /** Set when this start created a new key file. */
  createdKeyFile?: string;
}

export function loadKeyring(config: AppConfig): LoadedKeyring {
  const previous = (config.previousSecretKeys ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((k, i) => {
      try {
        return parseServerKey(k);
      } catch (e) {
        throw new KeyringError(`GATEPASS_PREVIOUS_SECRET_KEYS entry ${i + 1}: ${(e as Error).message}`);
      }
    });
  if (config.secretKey) {
    try {
      return { keyring: new Keyring(parseServerKey(config.secretKey), previous) };
    } catch (e) {
      throw new KeyringError(`GATEPASS_SECRET_KEY: ${(e as Error).message}`);
    }
  }
  const file = config.keyFilePath;
  if (existsSync(file)) {
    try {
      return { keyring: new Keyring(parseServerKey(readFileSync(file, 'utf8')), previous) };
    } catch (e) {
      throw new KeyringError(`key file ${file}: ${(e as Error).message}`);
    }
  }
  // On PostgreSQL every process must share one key, so none may invent its own.
  if (config.dialect === 'postgres') throw new KeyringError(`key file ${file} does not exist`);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a private temporary file, then linked into place: link fails if another process
  // starting at the same moment won, and the loser then reads the winner's complete key.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${generateServerKey()}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { keyring: new Keyring(parseServerKey(readFileSync(file, 'utf8')), previous) };
  } finally {
    unlinkSync(temp);
  }
  return { keyring: new Keyring(parseServerKey(readFileSync(file, 'utf8')), previous), createdKeyFile: file };
}
