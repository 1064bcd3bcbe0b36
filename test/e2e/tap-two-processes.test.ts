// Two real server processes on one PostgreSQL database, as behind a load balancer:
// - 50 concurrent redemptions of one one-time pass, as raw HTTP sign-ins spread over both processes: exactly one wins;
// - 20 concurrent Graph creates for one user, spread over both: exactly one pass remains, no 500;
// - afterwards no pass and no password is in clear in any row or in either server's log (the first-start banner,
//   on stderr, aside).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { createApplication } from '../../src/services/applications.js';
import { issueTemporaryAccessPass } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { postStep, startRawFlow } from '../support/raw-sign-in.js';
import { freePort } from '../support/runtime.js';
import { cliContext } from '../support/sign-in-fixtures.js';
import { fetchAppToken } from '../support/tokens.js';

interface ServerProcess {
  child: ChildProcess;
  origin: string;
  stdout: string[];
  stderr: string[];
}

async function waitReady(origin: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${origin}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${origin} never became ready`);
}

function spawnServer(env: Record<string, string>, port: number, publicUrl: string): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEPASS_PUBLIC_URL: publicUrl,
      GATEPASS_TRUST_PROXY: '1',
      GATEPASS_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: ServerProcess = { child, origin: `http://127.0.0.1:${port}`, stdout: [], stderr: [] };
  child.stdout!.on('data', (d: Buffer) => proc.stdout.push(d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => proc.stderr.push(d.toString('utf8')));
  return proc;
}

async function stop(proc: ServerProcess): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGTERM');
  await exited;
}

describe('Temporary Access Pass across two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];
  let runtime: Runtime;
  const secrets: string[] = [];

  before(async () => {
    database = await createTestDatabase('postgres');
    const ports = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${ports[0]}`;
    // Both start at once on the empty database: migrations and first start must happen exactly once.
    servers = ports.map((port) => spawnServer(database.env, port, publicUrl));
    await Promise.all(servers.map((s) => waitReady(s.origin)));
    runtime = await openRuntime({ config: loadConfig({ ...database.env, GATEPASS_LOG_LEVEL: 'silent' }) });
  });

  after(async () => {
    await Promise.all(servers.map(stop));
    await runtime?.close();
    await database?.drop();
  });

  it('lets exactly one of 50 concurrent redemptions of a one-time pass sign in', async () => {
    const { deps } = runtime;
    const user = await createUser(deps, cliContext(), {
      userPrincipalName: `nina@${deps.tenant.defaultDomain}`,
      displayName: 'Nina',
    });
    const redirectUri = 'http://127.0.0.1/callback';
    const { app } = await createApplication(deps, cliContext(), {
      displayName: 'Race app',
      kind: 'web',
      redirectUris: [redirectUri],
    });
    // 'access': the racers sign in to an app (Nina has no password, so the default would be set-up only).
    const issued = await issueTemporaryAccessPass(deps, cliContext(), user.id, {
      isUsableOnce: true,
      purpose: 'access',
    });
    secrets.push(issued.temporaryAccessPass);
    const origins = servers.map((s) => s.origin);

    // Each sign-in comes from its own address, so the per-address throttle does not stop correct passes early.
    const address = (i: number) => `198.51.100.${i + 1}`;
    const flows = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const flow = await startRawFlow([origins[i % 2]!], app.appId, redirectUri, address(i));
        const page = await postStep(
          flow,
          origins[i % 2]!,
          'username',
          { username: user.userPrincipalName },
          address(i),
        );
        assert.match(page.html, /Enter Temporary Access Pass/);
        return flow;
      }),
    );
    // The pass itself is posted to the other process than the one that started the interaction.
    const results = await Promise.all(
      flows.map((flow, i) =>
        postStep(flow, origins[(i + 1) % 2]!, 'tap', { tap: issued.temporaryAccessPass }, address(i)),
      ),
    );
    const wins = results.filter((r) => r.status === 303);
    assert.equal(wins.length, 1, `exactly one redemption wins (statuses: ${results.map((r) => r.status).join(',')})`);
    assert.match(wins[0]!.location ?? '', /\/oauth2\/v2\.0\/authorize\//);
    assert.deepEqual(
      results.filter((r) => r.status >= 500),
      [],
    );
    const used = results.filter((r) => r.status === 403 && /already been used/.test(r.html));
    const throttled = results.filter((r) => r.status === 429);
    assert.equal(1 + used.length + throttled.length, 50, 'every other attempt was refused as used or throttled');
    assert.ok(used.length >= 10, `many redemptions reached the atomic consume (${used.length} refused as used)`);

    const rows = await deps.db.selectFrom('sign_ins').select(['error_code']).where('user_id', '=', user.id).execute();
    assert.equal(rows.filter((r) => r.error_code === 0).length, 1);
    assert.equal(rows.filter((r) => r.error_code === 90114).length, used.length);
  });

  it('keeps exactly one pass when 20 Graph creates for one user race over both processes', async () => {
    const { deps } = runtime;
    const user = await createUser(deps, cliContext(), {
      userPrincipalName: `omar@${deps.tenant.defaultDomain}`,
      displayName: 'Omar',
      password: 'omar has a long passphrase',
    });
    secrets.push('omar has a long passphrase');
    const { app, secret } = await createApplication(deps, cliContext(), {
      displayName: 'Issuer',
      kind: 'daemon',
      permissions: ['UserAuthenticationMethod.ReadWrite.All'],
    });
    const access_token = await fetchAppToken(servers[0]!.origin, app.appId, secret.secretText);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${servers[i % 2]!.origin}/v1.0/users/${user.id}/authentication/temporaryAccessPassMethods`, {
          method: 'POST',
          headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ lifetimeInMinutes: 60 }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    assert.deepEqual(statuses, Array(20).fill(201), 'every create succeeds, each replacing the previous pass');
    for (const r of responses) secrets.push(((await r.json()) as { temporaryAccessPass: string }).temporaryAccessPass);
    const passes = await deps.db
      .selectFrom('temporary_access_passes')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(passes.length, 1);
    const audit = await deps.db
      .selectFrom('audit_events')
      .select(['activity_display_name'])
      .where('initiated_by_app_id', '=', app.appId)
      .execute();
    assert.equal(audit.filter((a) => a.activity_display_name === 'Admin registered security info').length, 20);
    assert.equal(audit.filter((a) => a.activity_display_name === 'Admin deleted security info').length, 19);
  });

  it('holds no pass and no password in clear in the rows or in the server logs', async () => {
    const adminBanner = servers.map((s) => s.stderr.join('')).join('\n');
    const printed = /Temporary Access Pass: ([^\n]+)/.exec(adminBanner);
    assert.ok(printed, 'one process printed the first admin pass on stderr');
    const adminPass = printed[1]!.trim().replace(/\s+/g, '');
    const all = [...secrets, adminPass];

    const client = new pg.Client({ connectionString: database.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ tablename: string }>(
        "select tablename from pg_tables where schemaname = 'public'",
      );
      let dump = '';
      for (const { tablename } of tables.rows) {
        const rows = await client.query(`select * from "${tablename}"`);
        dump += JSON.stringify(rows.rows);
      }
      assert.ok(dump.length > 1000);
      for (const secret of all) assert.ok(!dump.includes(secret), 'a pass or password is in the database');
    } finally {
      await client.end();
    }
    const logs = servers.map((s) => s.stdout.join('')).join('\n');
    assert.ok(logs.includes('"msg":"request completed"'), 'the structured log was captured');
    for (const secret of all) assert.ok(!logs.includes(secret), 'a pass or password is in a server log');
    assert.equal(
      servers.filter((s) => /Temporary Access Pass: /.test(s.stderr.join(''))).length,
      1,
      'exactly one process ran the first start',
    );
  });
});
