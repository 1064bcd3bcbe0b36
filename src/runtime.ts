// Opens everything the server and the CLI share: configuration, keyring, store (migrated and bootstrapped), hasher.

import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig, type AppConfig } from './config/load.js';
import { passEndsAt } from './domain/tap/pass.js';
import { issueTemporaryAccessPass } from './services/temporary-access-passes.js';
import { createPasswordHasher } from './crypto/password-hasher.js';
import { loadKeyring } from './crypto/server-key.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createLogger } from './log.js';
import { createOidcPayloadReader } from './oidc/payload-format.js';
import { bootstrap, type BootstrapResult } from './services/bootstrap.js';
import type { Deps } from './services/deps.js';
import { openStore, sqliteFileIn, type Db } from './store/db.js';
import { createFido2MethodsRepo } from './store/repos/fido2-methods.js';
import { migrateAndBootstrap } from './store/migrate.js';
import { storeFailure } from './start-up-error.js';
import type { Logger } from 'pino';

export interface FirstAdminPass {
  userPrincipalName: string;
  temporaryAccessPass: string;
  endsAt: Date;
}

export interface Runtime {
  deps: Deps;
  firstStart: BootstrapResult;
  /** Only on the very first start: the one-time pass the first Global Administrator onboards with. */
  firstAdminPass?: FirstAdminPass;
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

/**
 * The first admin onboards exactly as every user does: with a one-time pass valid 60 minutes. Only the process that
 * created the admin issues it; `gatepass tap create admin@…` prints a new one if it is lost.
 */
async function issueFirstAdminPass(deps: Deps, userPrincipalName: string): Promise<FirstAdminPass> {
  const ctx = { actor: { kind: 'system' as const }, correlationId: randomUUID(), ipAddress: null };
  const issued = await issueTemporaryAccessPass(deps, ctx, userPrincipalName, {
    lifetimeInMinutes: 60,
    isUsableOnce: true,
  });
  return { userPrincipalName, temporaryAccessPass: issued.temporaryAccessPass, endsAt: passEndsAt(issued.pass) };
}

/**
 * Every passkey is bound to the host it was registered on. Starting under another public host would silently orphan
 * them all, so start-up refuses unless the operator says so (GATEPASS_ACCEPT_RP_ID_CHANGE=1).
 */
async function refuseOrphanedPasskeys(db: Db, config: AppConfig): Promise<void> {
  const others = (await createFido2MethodsRepo(db).distinctRpIds()).filter((id) => id !== config.rpId);
  if (others.length === 0 || config.acceptRpIdChange) return;
  throw new ConfigError(
    `GATEPASS_PUBLIC_URL's host is ${config.rpId}, but passkeys are registered for ${others.join(', ')}: they would stop working. ` +
      'Restore the public URL, or set GATEPASS_ACCEPT_RP_ID_CHANGE=1 to start anyway (their users then sign in another way and register new passkeys).',
  );
}

export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const log = options.log ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock(config.clockOffsetSeconds);
  if (config.clockOffsetSeconds !== 0)
    log.warn({ offsetSeconds: config.clockOffsetSeconds }, 'ATTENTION: the server clock is shifted for testing');
  const sqliteFile = sqliteFileIn(config.dataDirAbsolute);
  // A failure to reach or write the store is named by its setting (DATABASE_URL, GATEPASS_DATA_DIR) at start-up.
  const named = (e: unknown) => storeFailure(e, config, sqliteFile) ?? e;
  let loaded: ReturnType<typeof loadKeyring>;
  let store: ReturnType<typeof openStore>;
  try {
    loaded = loadKeyring(config);
    store = openStore({ dialect: config.dialect, location: config.databaseUrl ?? sqliteFile });
  } catch (e) {
    throw named(e);
  }
  const { keyring, createdKeyFile } = loaded;
  try {
    const { bootstrap: firstStart, applied } = await migrateAndBootstrap(store, (db) =>
      bootstrap(db, { keyring, clock, domains: config.domains }),
    );
    await refuseOrphanedPasskeys(store.db, config);
    const hasher = createPasswordHasher(keyring, { concurrency: config.hashConcurrency, queueLimit: config.hashQueue });
    const deps: Deps = {
      config,
      store,
      db: store.db,
      clock,
      keyring,
      hasher,
      log,
      tenant: firstStart.tenant,
      oidcPayloads: createOidcPayloadReader(keyring),
    };
    const firstAdminPass = firstStart.createdAdmin
      ? await issueFirstAdminPass(deps, firstStart.createdAdmin.userPrincipalName)
      : undefined;
    return { deps, firstStart, firstAdminPass, appliedMigrations: applied, createdKeyFile, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw named(e);
  }
}
