// Threat: a throttle counter cleared or read by a key prefix in which `_`, `%` or a change of case act as wildcards
// would let one subject's sign-in reset (or reveal) another subject's failure counts. Prefixes match exactly, on both
// stores.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, type KyselyPlugin } from 'kysely';
import { createFailureCountersRepo } from '../../src/store/repos/failure-counters.js';
import { dialects } from '../support/databases.js';
import { openTestRuntime, type TestRuntime } from '../support/runtime.js';

// Each key would match the prefix `password:pair:unknown:a_b%C:` if `_` and `%` were wildcards or case were ignored.
const NEIGHBOURS = [
  'password:pair:unknown:axbyC:10.0.0.1',
  'password:pair:unknown:a_bzzzC:10.0.0.1',
  'password:pair:unknown:a_b%c:10.0.0.1',
  'password:pair:unknown:A_B%C:10.0.0.1',
];
const OWN = [
  'password:pair:unknown:a_b%C:10.0.0.1',
  'password:pair:unknown:a_b%C:familiar:10.0.0.2',
  // Past the ASCII range, so the byte-order range before the exact compare must still take it in.
  'password:pair:unknown:a_b%C:\u00e9\u{1F600}:10.0.0.3',
];
const PREFIX = 'password:pair:unknown:a_b%C:';

for (const dialect of dialects) {
  describe(`failure counters match key prefixes exactly (${dialect})`, () => {
    let t: TestRuntime;
    before(async () => {
      t = await openTestRuntime(dialect);
    });
    after(async () => t?.close());

    async function seed(): Promise<void> {
      const repo = createFailureCountersRepo(t.runtime.deps.db);
      await repo.deleteCountersWithPrefix('');
      for (const key of [...NEIGHBOURS, ...OWN]) await repo.incrementAttempt(key, 1000, 0, 10_000_000_000_000);
    }
    const keys = async () =>
      (await createFailureCountersRepo(t.runtime.deps.db).listCountersWithPrefix('')).map((c) => c.key).sort();

    it('lists only the counters under the literal prefix', async () => {
      await seed();
      const listed = await createFailureCountersRepo(t.runtime.deps.db).listCountersWithPrefix(PREFIX);
      assert.deepEqual(listed.map((c) => c.key).sort(), [...OWN].sort());
    });

    it('deletes only the counters under the literal prefix', async () => {
      await seed();
      assert.equal(await createFailureCountersRepo(t.runtime.deps.db).deleteCountersWithPrefix(PREFIX), OWN.length);
      assert.deepEqual(await keys(), [...NEIGHBOURS].sort());
    });

    it('deletes named keys and literal prefixes together, and nothing else', async () => {
      await seed();
      await createFailureCountersRepo(t.runtime.deps.db).deleteCountersAndPrefixes([NEIGHBOURS[0] as string], [PREFIX]);
      assert.deepEqual(await keys(), NEIGHBOURS.slice(1).sort());
    });

    it('finds the counters under a prefix through an index, not by reading the whole table', async () => {
      const { db } = t.runtime.deps;
      // The statement as the repository builds it, captured on its way to the database and compiled here.
      let deleted: CompiledQuery | undefined;
      const capture: KyselyPlugin = {
        transformQuery: ({ node, queryId }) => {
          deleted ??= db.getExecutor().compileQuery(node, queryId);
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      await createFailureCountersRepo(db.withPlugin(capture)).deleteCountersWithPrefix(PREFIX);
      assert.ok(deleted);
      const plan = await db.connection().execute(async (conn) => {
        if (dialect === 'sqlite') {
          const rows = await conn.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${deleted!.sql}`, [...deleted!.parameters]),
          );
          return rows.rows.map((r) => r.detail).join(' | ');
        }
        // A table this small would be read whole anyway: forbid that, and see whether an index can serve instead.
        await conn.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
        try {
          const rows = await conn.executeQuery<{ 'QUERY PLAN': string }>(
            CompiledQuery.raw(`explain ${deleted!.sql}`, [...deleted!.parameters]),
          );
          return rows.rows.map((r) => r['QUERY PLAN']).join(' | ');
        } finally {
          await conn.executeQuery(CompiledQuery.raw('reset enable_seqscan'));
        }
      });
      assert.doesNotMatch(plan, /\bSCAN failure_counters\b|Seq Scan/, plan);
    });

    it('finds a counter by its exact key only', async () => {
      await seed();
      const repo = createFailureCountersRepo(t.runtime.deps.db);
      assert.equal((await repo.findCounter(OWN[0] as string))?.failures, 1);
      assert.equal(await repo.findCounter('password:pair:unknown:a_b%C:10.0.0'), undefined);
    });
  });
}
