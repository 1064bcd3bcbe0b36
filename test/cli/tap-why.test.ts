// `gatepass tap why USER` as a real child process on both databases: without a pass ("pass exists" fails with "issue
// one"), with a pass that has not started (times in the CLI's own TZ, which it names), --json as Graph's diagnosis.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { gatepass, oneJsonObject } from './run-cli.js';

for (const dialect of dialects) {
  describe(`gatepass tap why on ${dialect}`, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    const admin = 'admin@contoso.test';

    before(async () => {
      db = await createTestDatabase(dialect);
      env = { ...db.env, GATEPASS_DOMAINS: 'contoso.test', GATEPASS_LOG_LEVEL: 'warn' };
      const migrated = await gatepass(env, ['migrate', '--json']);
      assert.equal(migrated.code, 0, migrated.stderr);
    });
    after(() => db.drop());

    it('without a pass: passExists fails with the fix, the pass checks do not apply', async () => {
      await gatepass(env, ['tap', 'delete', admin]);
      const r = await gatepass(env, ['tap', 'why', admin]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /the first failing check is passExists/);
      assert.match(
        r.stdout,
        /✗ FAIL Pass exists: The user holds no Temporary Access Pass\.\n\s+Fix: Issue one \(gatepass tap create USER\)\./,
      );
      assert.match(r.stdout, /– n\/a {2}Not expired: The user holds no pass\./);
      assert.match(r.stdout, /✓ pass Temporary Access Pass policy on/);
    });

    it('a pass that starts later: started fails, its time in the TZ of the CLI, named; --json in UTC', async () => {
      const start = new Date(Date.now() + 2 * 3600_000);
      start.setUTCSeconds(0, 0);
      const created = await gatepass(env, ['tap', 'create', admin, '--start', start.toISOString()]);
      assert.equal(created.code, 0, created.stderr);

      const tokyo = await gatepass({ ...env, TZ: 'Asia/Tokyo' }, ['tap', 'why', admin]);
      assert.equal(tokyo.code, 0, tokyo.stderr);
      assert.match(tokyo.stdout, /Times in Asia\/Tokyo/);
      const local = new Date(start.getTime() + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      assert.ok(tokyo.stdout.includes(`✗ FAIL Started: The pass starts at ${local} GMT+9.`), tokyo.stdout);
      assert.match(tokyo.stdout, /Fix: Wait until the start time, or issue a new pass that starts now\./);

      const json = oneJsonObject(
        (await gatepass({ ...env, TZ: 'Asia/Tokyo' }, ['tap', 'why', admin, '--json'])).stdout,
      );
      assert.equal(json.isUsable, false);
      assert.equal(json.firstFailingCheck, 'started');
      const started = (json.checks as { name: string; detail: string }[]).find((c) => c.name === 'started');
      assert.equal(started?.detail, `The pass starts at ${start.toISOString()}.`);
    });

    it('an unknown user is the usual not-found error', async () => {
      const r = await gatepass(env, ['tap', 'why', 'nobody@contoso.test']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /nobody@contoso\.test/);
    });
  });
}
