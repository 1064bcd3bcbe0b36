// A LIMIT is written into the SQL, never bound (src/store/prepared.ts, rowLimit): SQLite re-prepares a statement whose
// LIMIT is a parameter at every run, which tripled the cost of the reads every sign-in step makes. Checked on the SQL
// SQLite is asked to prepare for those reads and for a paged list; the limits still limit, on both stores.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { createUser } from '../../src/services/users.js';
import { rowLimit } from '../../src/store/prepared.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import { createFido2MethodsRepo } from '../../src/store/repos/fido2-methods.js';
import { createOidcPayloadsRepo } from '../../src/store/repos/oidc-payloads.js';
import { createUsersRepo } from '../../src/store/repos/users.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

/** Every statement the runtime's SQLite connection prepares while `run` runs. */
async function preparedDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = SQLite.prototype.prepare;
  SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
    seen.push(source);
    return original.call(this, source);
  } as typeof original;
  try {
    await run();
  } finally {
    SQLite.prototype.prepare = original;
  }
  return seen;
}

const payload = (idHash: string) => ({
  model: 'Session',
  idHash,
  sealed: 'sealed',
  grantIdHash: null,
  uidHash: null,
  userCodeHash: null,
  accountId: null,
  expiresAt: null,
  viaTap: false,
});

describe('rowLimit', () => {
  it('refuses anything but a whole number of rows', () => {
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      assert.throws(() => rowLimit(bad), RangeError, String(bad));
  });
});

describe('LIMIT is never bound (SQLite)', () => {
  let t: TestRuntime;
  before(async () => {
    t = await openTestRuntime('sqlite');
  });
  after(async () => t?.close());

  it('the reads of every sign-in step and a paged list write their LIMIT into the SQL', async () => {
    const db = t.runtime.deps.db;
    // Statements are cached by their SQL once prepared: a fresh runtime prepares each of these here for the first time.
    const statements = await preparedDuring(async () => {
      await createOidcPayloadsRepo(db).findPayload('Session', ['limit-test'], Date.now());
      await createFido2MethodsRepo(db).hasAnyForRp('nobody', 'localhost');
      await createAuthenticatorAppsRepo(db).hasAny('nobody');
      await createUsersRepo(db).listUsers({ where: undefined, afterId: undefined, limit: 3 });
    });
    const limited = statements.filter((s) => /\blimit\b/i.test(s));
    assert.ok(limited.length >= 4, `expected the four reads to be prepared, saw:\n${statements.join('\n')}`);
    for (const s of limited) assert.match(s, /\blimit \d+$/i, s);
  });
});

for (const dialect of dialects)
  describe(`a written LIMIT still limits (${dialect})`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect);
    });
    after(async () => t?.close());

    it('finds one payload among several hashes, and pages users by the limit asked', async () => {
      const db = t.runtime.deps.db;
      const payloads = createOidcPayloadsRepo(db);
      for (const id of ['lim-a', 'lim-b']) await payloads.upsertPayload(payload(id));
      const found = await payloads.findPayload('Session', ['lim-a', 'lim-b'], Date.now());
      assert.ok(found && ['lim-a', 'lim-b'].includes(found.idHash));
      const { deps } = t.runtime;
      const ctx = { actor: { kind: 'cli' as const, osUser: 'test' }, correlationId: 'row-limits', ipAddress: null };
      for (const name of ['lim1', 'lim2', 'lim3'])
        await createUser(deps, ctx, { userPrincipalName: `${name}@${deps.tenant.defaultDomain}`, displayName: name });
      const users = createUsersRepo(db);
      for (const limit of [1, 2, 3])
        assert.equal((await users.listUsers({ where: undefined, afterId: undefined, limit })).length, limit);
    });
  });
