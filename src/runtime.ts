// Opens everything the server and the CLI share: configuration, keyring, store (migrated and bootstrapped), hasher.

import { loadConfig, type AppConfig } from './config/load.js';
import { createPasswordHasher } from './crypto/password-hasher.js';
import { loadKeyring } from './crypto/server-key.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createLogger } from './log.js';
import { bootstrap, type BootstrapResult } from './services/bootstrap.js';
import type { Deps } from './services/deps.js';
import { openStore, sqliteFileIn } from './store/db.js';
import { migrateAndBootstrap } from './store/migrate.js';
import type { Logger } from 'pino';

export interface Runtime {
  deps: Deps;
  firstStart: BootstrapResult;
  /** Migrations this start applied (empty when the store was already up to date). */
  appliedMigrations: string[];
  createdKeyFile?: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config?: AppConfig;
  log?: Logger;
  clock?: Clock;
}

export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const log = options.log ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock(config.clockOffsetSeconds);
  if (config.clockOffsetSeconds !== 0) log.warn({ offsetSeconds: config.clockOffsetSeconds }, 'ATTENTION: the server clock is shifted for testing');
  const { keyring, createdKeyFile } = loadKeyring(config);
  const store = openStore({
    dialect: config.dialect,
    location: config.databaseUrl ?? sqliteFileIn(config.dataDirAbsolute),
  });
  try {
    const { bootstrap: firstStart, applied } = await migrateAndBootstrap(store, (db) => bootstrap(db, { keyring, clock, domains: config.domains }));
    const hasher = createPasswordHasher(keyring, { concurrency: config.hashConcurrency, queueLimit: config.hashQueue });
    const deps: Deps = { config, store, db: store.db, clock, keyring, hasher, log, tenant: firstStart.tenant };
    return { deps, firstStart, appliedMigrations: applied, createdKeyFile, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}
