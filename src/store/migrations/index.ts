// Every migration, listed statically so they run the same under tsx and when built. Forward-only: never edit one
// that has shipped; add the next number.

import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001-init.js';
import * as m0003 from './0003-sign-in.js';
import * as m0004 from './0004-temporary-access-passes.js';
import * as m0005 from './0005-security-info.js';
import * as m0009 from './0009-my-sessions.js';
import * as m0010 from './0010-service-principal-role-assignments.js';
import * as m0011 from './0011-administrative-units.js';
import * as m0012 from './0012-role-definitions.js';
import * as m0013 from './0013-oauth2-permission-grants.js';
import * as m0014 from './0014-signing-key-activation.js';
import * as m0015 from './0015-application-secret-lookup.js';
import * as m0016 from './0016-failure-counter-prefixes.js';
import * as m0017 from './0017-tap-purpose.js';
import * as m0018 from './0018-tap-disputed.js';
import * as m0019 from './0019-notification-email-and-mail-outbox.js';
import * as m0020 from './0020-tap-retry-window.js';
import * as m0021 from './0021-email-verifications.js';
import * as m0022 from './0022-application-change-count.js';
import * as m0023 from './0023-oidc-payload-partial-indexes.js';

const migrations: Record<string, Migration> = {
  '0001-init': m0001,
  '0003-sign-in': m0003,
  '0004-temporary-access-passes': m0004,
  '0005-security-info': m0005,
  '0009-my-sessions': m0009,
  '0010-service-principal-role-assignments': m0010,
  '0011-administrative-units': m0011,
  '0012-role-definitions': m0012,
  '0013-oauth2-permission-grants': m0013,
  '0014-signing-key-activation': m0014,
  '0015-application-secret-lookup': m0015,
  '0016-failure-counter-prefixes': m0016,
  '0017-tap-purpose': m0017,
  '0018-tap-disputed': m0018,
  '0019-notification-email-and-mail-outbox': m0019,
  '0020-tap-retry-window': m0020,
  '0021-email-verifications': m0021,
  '0022-application-change-count': m0022,
  '0023-oidc-payload-partial-indexes': m0023,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
