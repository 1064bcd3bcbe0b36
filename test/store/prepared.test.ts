// Queries compiled once (src/store/prepared.ts) run with each call's own values, on both stores: a value put in the
// wrong place, or a list of another length reusing a compiled query, would read or write the wrong rows.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { changed, first, prepared } from '../../src/store/prepared.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const insert = prepared((db, p: { key: string; failures: number }) =>
  db.insertInto('failure_counters').values({ key: p.key, failures: p.failures, last_failure_at: 1, expires_at: 9e12 }),
);
const byKeys = prepared((db, p: { keys: string[]; atLeast: number }) =>
  db
    .selectFrom('failure_counters')
    .select(['key', 'failures'])
    .where('key', 'in', p.keys)
    .where('failures', '>=', p.atLeast)
    .where('key', '!=', 'constant kept')
    .orderBy('key'),
);
const bump = prepared((db, p: { key: string }) =>
  db.updateTable('failure_counters').set({ failures: 100 }).where('key', '=', p.key),
);

for (const dialect of dialects) {
  describe(`prepared queries (${dialect})`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect);
      const db = t.runtime.deps.db;
      for (const [key, failures] of [
        ['prep:a', 1],
        ['prep:b', 2],
        ['prep:c', 3],
      ] as const)
        await insert(db, { key, failures });
    });
    after(async () => t?.close());

    it('runs each call with its own values, lists of any length included', async () => {
      const db = t.runtime.deps.db;
      const keys = async (p: { keys: string[]; atLeast: number }) => (await byKeys(db, p)).rows.map((r) => r.key);
      assert.deepEqual(await keys({ keys: ['prep:a', 'prep:b', 'prep:c'], atLeast: 2 }), ['prep:b', 'prep:c']);
      assert.deepEqual(await keys({ keys: ['prep:a'], atLeast: 0 }), ['prep:a']);
      assert.deepEqual(await keys({ keys: ['prep:c', 'prep:a'], atLeast: 1 }), ['prep:a', 'prep:c']);
      assert.deepEqual(await keys({ keys: ['prep:a', 'prep:b', 'prep:c'], atLeast: 3 }), ['prep:c']);
    });

    it('reports the rows an update changed, inside a transaction too', async () => {
      const db = t.runtime.deps.db;
      assert.equal(changed(await bump(db, { key: 'prep:none' })), 0);
      await db.transaction().execute(async (tx) => {
        assert.equal(changed(await bump(tx, { key: 'prep:b' })), 1);
      });
      assert.equal(first(await byKeys(db, { keys: ['prep:b'], atLeast: 0 }))?.failures, 100);
    });

    it("never reads the rows of another request's open transaction, nor writes into it", async () => {
      // On SQLite a query on the root handle runs at once (db.ts's direct path) unless a transaction holds the one
      // connection: then it waits for the commit or the rollback, as on PostgreSQL.
      const db = t.runtime.deps.db;
      let inside!: () => void;
      const opened = new Promise<void>((resolve) => (inside = resolve));
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      const rolledBack = db
        .transaction()
        .execute(async (tx) => {
          await insert(tx, { key: 'prep:uncommitted', failures: 7 });
          inside();
          await held;
          throw new Error('rolled back');
        })
        .catch((e: Error) => e.message);
      await opened;
      const read = byKeys(db, { keys: ['prep:uncommitted'], atLeast: 0 });
      const write = insert(db, { key: 'prep:outside', failures: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      finish();
      assert.equal(await rolledBack, 'rolled back');
      assert.deepEqual((await read).rows, [], 'the uncommitted row was never seen');
      await write;
      assert.equal(
        first(await byKeys(db, { keys: ['prep:outside'], atLeast: 0 }))?.failures,
        1,
        'kept: not rolled back',
      );
    });

    it('refuses a query whose value does not become a parameter', async () => {
      const broken = prepared((db, p: { key: string }) =>
        db.selectFrom('failure_counters').select('key').where('key', '=', p.key.slice(0, 3)),
      );
      await assert.rejects(() => broken(t.runtime.deps.db, { key: 'prep:a' }), /not a parameter/);
    });
  });
}
