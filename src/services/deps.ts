// What every service receives: passed in explicitly by the composition root (no import-time singletons).

import type { Logger } from 'pino';
import type { AppConfig } from '../config/load.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Actor } from '../domain/audit.js';
import type { Clock } from '../domain/clock.js';
import type { Db, Store } from '../store/db.js';
import type { Tenant } from '../store/repos/tenant.js';

export interface Deps {
  config: AppConfig;
  store: Store;
  db: Db;
  clock: Clock;
  keyring: Keyring;
  hasher: PasswordHasher;
  log: Logger;
  tenant: Tenant;
}

/** Who is acting and where the request came from; every audit and sign-in row carries it. */
export interface RequestContext {
  actor: Actor;
  correlationId: string;
  ipAddress: string | null;
  userAgent?: string | null;
}
