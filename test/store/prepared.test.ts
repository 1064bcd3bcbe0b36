// Prepared queries (src/store/prepared.ts) are compiled once per dialect and list shape and then run with each call's
// values. The threats: a compiled query replaying the values of the call that compiled it, a list of another length
// reusing a compiled `in (…)` of the wrong size, a transaction running on the root connection, or a value ending up
// in the SQL text. On both stores.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Arg, preparedQuery } from '../../src/store/prepared.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

const NAMES = ['prepared-a', "prepared-b'; drop table server_secrets; --", 'prepared-c'];

const secretByName = preparedQuery((db, arg: Arg<[string]>) =>
  db.selectFrom('server_secrets').select(['name', 'value']).where('name', '=', arg(0)),
);
const secretsNamed = preparedQuery((db, arg: Arg<[string[], string]>) =>
  db
    .selectFrom('server_secrets')
    .select('name')
    .where('name', 'in', arg(0))
    .where('value', '!=', arg(1))
    .orderBy('name'),
);
const renameSecret = preparedQuery((db, arg: Arg<[string, string]>) =>
  db
    .updateTable('server_secrets')
    .set({ value: arg(1) })
    .where('name', '=', arg(0)),
);

for (const dialect of dialects) {
  describe(`prepared queries (${dialect})`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect);
      await t.runtime.deps.db
        .insertInto('server_secrets')
        .values(NAMES.map((name, i) => ({ name, value: `value ${i}`, created_at: 0 })))
        .execute();
    });
    after(async () => t?.close());

    it('binds each call its own values, not those of the call that compiled it', async () => {
      const { db } = t.runtime.deps;
      for (const [i, name] of NAMES.entries())
        assert.deepEqual((await secretByName(db, name)).rows, [{ name, value: `value ${i}` }]);
      assert.deepEqual((await secretByName(db, 'absent')).rows, []);
    });

    it('compiles a list of each length apart', async () => {
      const { db } = t.runtime.deps;
      const names = async (list: string[]) => (await secretsNamed(db, list, 'none')).rows.map((r) => r.name);
      assert.deepEqual(await names([NAMES[0]!]), [NAMES[0]]);
      assert.deepEqual(await names([NAMES[2]!, NAMES[0]!]), [NAMES[0], NAMES[2]]);
      assert.deepEqual(await names([...NAMES]), [...NAMES].sort());
      assert.deepEqual(await names([NAMES[1]!]), [NAMES[1]]);
      assert.deepEqual((await secretsNamed(db, [...NAMES], 'value 2')).rows.length, 2, 'the second argument binds too');
    });

    it('runs inside the caller’s transaction, and reports the rows it changed', async () => {
      const { db } = t.runtime.deps;
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          const changed = await renameSecret(tx, NAMES[0]!, 'changed');
          assert.equal(changed.numAffectedRows, 1n);
          assert.equal((await secretByName(tx, NAMES[0]!)).rows[0]?.value, 'changed');
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal((await secretByName(db, NAMES[0]!)).rows[0]?.value, 'value 0', 'rolled back with the transaction');
      assert.equal((await renameSecret(db, 'absent', 'x')).numAffectedRows, 0n);
    });

    it('refuses a builder that does not bind a placeholder as a value', async () => {
      const spread = preparedQuery((db, arg: Arg<[{ value: string }]>) =>
        db
          .updateTable('server_secrets')
          .set({ ...arg(0) })
          .where('name', '=', 'absent'),
      );
      await assert.rejects(spread(t.runtime.deps.db, { value: 'x' }), /each placeholder it asks for as a value/);
    });

    it('keeps every value out of the SQL text', async () => {
      const { db } = t.runtime.deps;
      const seen: string[] = [];
      const spy = new Proxy(db, {
        get(target, key) {
          if (key !== 'executeQuery') {
            const value: unknown = Reflect.get(target, key, target);
            return typeof value === 'function' ? value.bind(target) : value;
          }
          return (query: { sql: string; parameters: readonly unknown[] }) => {
            seen.push(query.sql);
            assert.deepEqual(query.parameters, [NAMES[1]]);
            return target.executeQuery(query as never);
          };
        },
      });
      await secretByName(spy, NAMES[1]!);
      assert.equal(seen.length, 1);
      assert.doesNotMatch(seen[0]!, /prepared|drop table/);
    });
  });
}
