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
  /** What the services read of oidc-provider's stored payloads; its format is known only to src/oidc. */
  oidcPayloads: OidcPayloadReader;
}

/** Implemented in src/oidc (payload-format.ts) and passed in by the composition root, as services never import oidc/. */
export interface OidcPayloadReader {
  /**
   * The keyed hashes (under every key held, as the grant rows are stored) of the grants inside a stored Session
   * payload; none when it cannot be opened (sealed under a retired key).
   */
  grantIdHashesOfSession(session: { idHash: string; sealed: string }): string[];
}

/** Who is acting and where the request came from; every audit and sign-in row carries it. */
export interface RequestContext {
  actor: Actor;
  correlationId: string;
  ipAddress: string | null;
  userAgent?: string | null;
}
