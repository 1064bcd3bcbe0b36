// The `gatepass` CLI run as a real child process on both databases: users, apps (secret shown once), --json output,
// exit codes, backups, and that a password is never accepted as an argument.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { openRuntime } from '../../src/runtime.js';
import { attemptFailed, beginAttempt, userSubject } from '../../src/services/throttle.js';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.js';
import { startTestServer } from '../support/runtime.js';
import { osUserName } from '../../src/cli/session.js';
import { createFido2MethodsRepo } from '../../src/store/repos/fido2-methods.js';
import { createAuthenticatorAppsRepo } from '../../src/store/repos/authenticator-apps.js';
import { createEmailMethodsRepo } from '../../src/store/repos/email-methods.js';
import { gatepass, oneJsonObject } from './run-cli.js';
import { clientSecretWorks } from '../support/client-secret.js';

const PASSWORD = 'correct horse battery staple';

for (const dialect of dialects) {
  describe(`gatepass CLI on ${dialect}`, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    before(async () => {
      db = await createTestDatabase(dialect);
      env = { ...db.env, GATEPASS_DOMAINS: 'contoso.test', GATEPASS_LOG_LEVEL: 'warn' };
    });
    after(() => db.drop());

    it('migrate applies the migrations once and prints the first-start banner on stderr only', async () => {
      const first = await gatepass(env, ['--json', 'migrate']);
      assert.equal(first.code, 0, first.stderr);
      const out = oneJsonObject(first.stdout);
      assert.ok((out.appliedMigrations as string[]).includes('0001-init'));
      assert.equal(out.createdAdmin, 'admin@contoso.test');
      assert.match(first.stderr, /first start/i);
      const again = await gatepass(env, ['migrate', '--json']);
      assert.deepEqual(oneJsonObject(again.stdout).appliedMigrations, []);
      assert.doesNotMatch(again.stderr, /first start/i);
    });

    it('creates a user with --password-stdin and prints exactly one Graph user object with --json', async () => {
      const r = await gatepass(
        env,
        ['user', 'create', '--upn', 'Alice@Contoso.test', '--display-name', 'Alice', '--password-stdin', '--json'],
        `${PASSWORD}\n`,
      );
      assert.equal(r.code, 0, r.stderr);
      const user = oneJsonObject(r.stdout);
      assert.equal(user.userPrincipalName, 'alice@contoso.test');
      assert.equal(user.accountEnabled, true);
      assert.match(String(user.id), /^[0-9a-f-]{36}$/);
      assert.equal('passwordHash' in user || 'passwordProfile' in user, false);
      assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'the password is never printed');
      // Stored as argon2id, not in clear.
      const rt = await openRuntime({ config: loadConfig(env) });
      try {
        const row = await rt.deps.db
          .selectFrom('users')
          .select('password_hash')
          .where('user_principal_name', '=', 'alice@contoso.test')
          .executeTakeFirstOrThrow();
        assert.match(String(row.password_hash), /argon2id/);
        const audit = await rt.deps.db
          .selectFrom('audit_events')
          .select(['initiated_by', 'activity_display_name'])
          .where('activity_display_name', '=', 'Add user')
          .execute();
        assert.ok(
          audit.some((a) => a.initiated_by.includes(`"servicePrincipalName":"cli:${osUserName()}"`)),
          'the CLI (with the OS user) is the audited actor',
        );
      } finally {
        await rt.close();
      }
    });

    it('lists, shows and disables users; errors are one stderr line and a Graph error object with --json', async () => {
      const list = await gatepass(env, ['--json', 'user', 'list']);
      assert.equal(list.code, 0, list.stderr);
      const upns = (oneJsonObject(list.stdout).value as { userPrincipalName: string }[])
        .map((u) => u.userPrincipalName)
        .sort();
      assert.deepEqual(upns, ['admin@contoso.test', 'alice@contoso.test']);
      const filtered = await gatepass(env, ['user', 'list', '--json', '--filter', "startswith(displayName,'Al')"]);
      assert.deepEqual(
        (oneJsonObject(filtered.stdout).value as { displayName: string }[]).map((u) => u.displayName),
        ['Alice'],
      );

      const disabled = await gatepass(env, ['user', 'disable', 'alice@contoso.test', '--json']);
      assert.equal(disabled.code, 0, disabled.stderr);
      assert.equal(oneJsonObject(disabled.stdout).accountEnabled, false);
      const shown = await gatepass(env, ['user', 'show', 'ALICE@contoso.test']);
      assert.equal(shown.code, 0);
      assert.match(shown.stdout, /Account:\s+DISABLED/);

      const missing = await gatepass(env, ['--json', 'user', 'show', 'nobody@contoso.test']);
      assert.equal(missing.code, 1);
      const err = oneJsonObject(missing.stdout).error as {
        code: string;
        message: string;
        innerError: Record<string, string>;
      };
      assert.equal(err.code, 'Request_ResourceNotFound');
      assert.ok(err.innerError['request-id']);
      assert.equal(missing.stderr.trim().split('\n').length, 1);
      assert.match(missing.stderr, /^gatepass: .*nobody@contoso\.test/);
    });

    it('creates a daemon app whose secret is printed once and works; app show never shows it', async () => {
      const r = await gatepass(env, [
        'app',
        'create',
        '--name',
        'Automation',
        '--permission',
        'User.ReadWrite.All',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const app = oneJsonObject(r.stdout);
      const creds = app.passwordCredentials as { keyId: string; secretText: string | null; endDateTime: string }[];
      assert.equal(creds.length, 1);
      const secret = creds[0]!.secretText!;
      assert.match(secret, /^[A-Za-z0-9_-]{40,}$/);
      assert.ok(Date.parse(creds[0]!.endDateTime) > Date.now() + 170 * 86_400_000, 'expiry shown (default 180 days)');
      assert.match(String(app.gatepassTokenEndpoint), /\/oauth2\/v2\.0\/token$/);
      assert.deepEqual(app.gatepassPermissions, ['User.ReadWrite.All']);

      const shown = await gatepass(env, ['app', 'show', String(app.appId), '--json']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.ok(!shown.stdout.includes(secret), 'app show never prints the secret');
      assert.equal((oneJsonObject(shown.stdout).passwordCredentials as { secretText: unknown }[])[0]!.secretText, null);
      const text = await gatepass(env, ['app', 'show', 'Automation']);
      assert.ok(!text.stdout.includes(secret));
      const listed = await gatepass(env, ['app', 'list']);
      assert.ok(!listed.stdout.includes(secret));

      const rt = await openRuntime({ config: loadConfig(env) });
      try {
        assert.equal(
          await clientSecretWorks(rt.deps, String(app.appId), secret),
          true,
          'the printed secret authenticates the app',
        );
        const stored = await rt.deps.db.selectFrom('application_secrets').select('secret_hash').execute();
        assert.ok(
          stored.every((s) => !s.secret_hash.includes(secret)),
          'stored only as a keyed hash',
        );
      } finally {
        await rt.close();
      }

      const both = await gatepass(env, [
        'app',
        'create',
        '--name',
        'Bad',
        '--permission',
        'User.Read.All',
        '--redirect-uri',
        'https://app.example/cb',
      ]);
      assert.equal(both.code, 2);
      const unknown = await gatepass(env, ['app', 'create', '--name', 'Bad', '--permission', 'Made.Up']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Made\.Up/);
    });

    it('backup copies SQLite online and reminds that the key is separate; on PostgreSQL it points to pg_dump', async () => {
      const file = path.join(db.dataDir, 'backup.db');
      const r = await gatepass(env, ['backup', file]);
      if (dialect === 'postgres') {
        assert.equal(r.code, 2);
        assert.match(r.stderr, /pg_dump/);
        assert.equal(existsSync(file), false);
        return;
      }
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /key is NOT in the backup/);
      const copy = new SQLite(file, { readonly: true });
      try {
        const upns = copy.prepare('select user_principal_name as upn from users order by upn').all() as {
          upn: string;
        }[];
        assert.deepEqual(
          upns.map((u) => u.upn),
          ['admin@contoso.test', 'alice@contoso.test'],
        );
      } finally {
        copy.close();
      }
      const again = await gatepass(env, ['backup', file]);
      assert.equal(again.code, 2, 'an existing file is never overwritten');
    });

    it('method list shows a user’s methods in Graph’s shapes without secrets; method delete removes an app or passkey, audited', async () => {
      const rt = await openRuntime({ config: loadConfig(env) });
      const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP';
      let appId = '';
      let keyId = '';
      let emailId = '';
      try {
        const alice = (
          await rt.deps.db
            .selectFrom('users')
            .select('id')
            .where('user_principal_name', '=', 'alice@contoso.test')
            .executeTakeFirstOrThrow()
        ).id;
        appId = randomUUID();
        keyId = randomUUID();
        const now = new Date();
        await createAuthenticatorAppsRepo(rt.deps.db).insert({
          id: appId,
          userId: alice,
          secretCiphertext: rt.deps.keyring.encrypt('secret-encryption', secret, `totp:${alice}:${appId}`),
          displayName: 'Phone',
          createdAt: now,
          lastUsedStep: null,
          lastUsedAt: null,
        });
        await createFido2MethodsRepo(rt.deps.db).insert({
          id: keyId,
          userId: alice,
          credentialId: randomUUID(),
          publicKey: 'pk',
          signCount: 0,
          displayName: 'Laptop',
          aaguid: '00000000-0000-0000-0000-000000000000',
          transports: [],
          deviceType: 'singleDevice',
          backedUp: false,
          attestationLevel: 'notAttested',
          rpId: 'localhost',
          createdAt: now,
          lastUsedAt: null,
        });
        emailId = randomUUID();
        await createEmailMethodsRepo(rt.deps.db).insertEmailMethod({
          id: emailId,
          userId: alice,
          emailAddress: 'alice@mail.test',
          createdAt: now,
        });
      } finally {
        await rt.close();
      }
      const listed = await gatepass(env, ['method', 'list', 'alice@contoso.test', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const types = (oneJsonObject(listed.stdout).value as { '@odata.type': string; id: string }[]).map((m) => [
        m['@odata.type'],
        m.id,
      ]);
      assert.deepEqual(types, [
        ['#microsoft.graph.passwordAuthenticationMethod', '28c10230-6103-485e-b985-444c60001490'],
        ['#microsoft.graph.softwareOathAuthenticationMethod', appId],
        ['#microsoft.graph.fido2AuthenticationMethod', keyId],
        ['#microsoft.graph.emailAuthenticationMethod', emailId],
      ]);
      const text = await gatepass(env, ['method', 'list', 'alice@contoso.test']);
      assert.match(text.stdout, /Email \(notices\) +[0-9a-f-]{36} +alice@mail\.test/);
      assert.match(text.stdout, /Authenticator app +[0-9a-f-]{36} +"Phone"/);
      assert.match(text.stdout, /Passkey +[0-9a-f-]{36} +"Laptop", device-bound/);
      assert.ok(!listed.stdout.includes(secret) && !text.stdout.includes(secret), 'no secret is printed');

      const deleted = await gatepass(env, ['method', 'delete', 'alice@contoso.test', appId]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stdout, /Deleted the authenticator app/);
      const unknown = await gatepass(env, ['method', 'delete', 'alice@contoso.test', appId]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no authenticator app or passkey/);
      assert.equal((await gatepass(env, ['method', 'delete', 'alice@contoso.test', keyId, '--json'])).code, 0);
      const after = oneJsonObject((await gatepass(env, ['method', 'list', 'alice@contoso.test', '--json'])).stdout);
      assert.equal((after.value as unknown[]).length, 2, 'only the password and the email are left');
      const check = await openRuntime({ config: loadConfig(env) });
      try {
        const rows = await check.deps.db
          .selectFrom('audit_events')
          .select(['activity_display_name', 'result'])
          .where('activity_display_name', '=', 'Admin deleted security info')
          .execute();
        assert.deepEqual(
          rows.map((r) => r.result),
          ['success', 'success'],
        );
      } finally {
        await check.close();
      }
    });
  });
}

describe('gatepass CLI safety and errors', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase('sqlite');
    env = { ...db.env, GATEPASS_DOMAINS: 'contoso.test' };
  });
  after(() => db.drop());

  it('never takes a password as an argument: --password is refused without echoing it, and nothing is created', async () => {
    for (const args of [
      ['user', 'create', '--upn', 'eve@contoso.test', '--display-name', 'Eve', '--password', 'Sup3r-secret-value'],
      ['user', 'create', '--upn', 'eve@contoso.test', '--display-name', 'Eve', '--password=Sup3r-secret-value'],
      ['user', 'reset-password', 'admin@contoso.test', '--password', 'Sup3r-secret-value'],
    ]) {
      const r = await gatepass(env, args);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(!r.stderr.includes('Sup3r-secret-value') && !r.stdout.includes('Sup3r-secret-value'));
      assert.match(r.stderr, /never taken as arguments/);
    }
    const help = await gatepass(env, ['user', 'create', '--help']);
    assert.doesNotMatch(help.stdout, /--password </);
    const list = await gatepass(env, ['user', 'list', '--json']);
    assert.ok(
      !(oneJsonObject(list.stdout).value as { userPrincipalName: string }[]).some(
        (u) => u.userPrincipalName === 'eve@contoso.test',
      ),
    );
  });

  it('without a terminal, user create needs --password-stdin or --no-password; reset-password needs --password-stdin', async () => {
    const r = await gatepass(env, ['user', 'create', '--upn', 'bob@contoso.test', '--display-name', 'Bob']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--password-stdin/);
    const none = await gatepass(env, [
      'user',
      'create',
      '--upn',
      'bob@contoso.test',
      '--display-name',
      'Bob',
      '--no-password',
      '--json',
    ]);
    assert.equal(none.code, 0, none.stderr);
    const reset = await gatepass(env, ['user', 'reset-password', 'bob@contoso.test']);
    assert.equal(reset.code, 2);
    const weak = await gatepass(env, ['user', 'reset-password', 'bob@contoso.test', '--password-stdin'], 'password\n');
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /password/i);
    const good = await gatepass(
      env,
      ['user', 'reset-password', 'bob@contoso.test', '--password-stdin', '--json'],
      PASSWORD,
    );
    assert.equal(good.code, 0, good.stderr);
    assert.equal(oneJsonObject(good.stdout).userPrincipalName, 'bob@contoso.test');
  });

  it('groups: create, add and remove members, show, delete', async () => {
    const g = await gatepass(env, ['group', 'create', '--name', 'Site A', '--description', 'First site', '--json']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(oneJsonObject(g.stdout).displayName, 'Site A');
    assert.equal((await gatepass(env, ['group', 'add-member', 'Site A', 'admin@contoso.test'])).code, 0);
    const twice = await gatepass(env, ['group', 'add-member', 'Site A', 'admin@contoso.test']);
    assert.equal(twice.code, 1);
    const shown = oneJsonObject((await gatepass(env, ['group', 'show', 'Site A', '--json'])).stdout);
    assert.deepEqual(
      (shown.members as { userPrincipalName: string }[]).map((m) => m.userPrincipalName),
      ['admin@contoso.test'],
    );
    assert.equal((await gatepass(env, ['group', 'remove-member', 'Site A', 'admin@contoso.test'])).code, 0);
    assert.equal((await gatepass(env, ['group', 'delete', 'Site A'])).code, 0);
    const list = oneJsonObject((await gatepass(env, ['group', 'list', '--json'])).stdout);
    assert.deepEqual(list.value, []);
  });

  it('units: create, list, add and remove members, show, delete, each audited', async () => {
    const u = await gatepass(env, ['unit', 'create', '--name', 'Site A', '--description', 'First site', '--json']);
    assert.equal(u.code, 0, u.stderr);
    const created = oneJsonObject(u.stdout);
    assert.equal(created['@odata.type'], '#microsoft.graph.administrativeUnit');
    assert.equal(created.displayName, 'Site A');
    assert.equal((await gatepass(env, ['unit', 'add-member', 'site a', 'admin@contoso.test'])).code, 0);
    const twice = await gatepass(env, ['unit', 'add-member', 'Site A', 'admin@contoso.test']);
    assert.equal(twice.code, 1);
    const shown = oneJsonObject((await gatepass(env, ['unit', 'show', String(created.id), '--json'])).stdout);
    assert.deepEqual(
      (shown.members as { userPrincipalName: string }[]).map((m) => m.userPrincipalName),
      ['admin@contoso.test'],
    );
    const listed = await gatepass(env, ['unit', 'list']);
    assert.match(listed.stdout, /Site A/);
    assert.equal((await gatepass(env, ['unit', 'remove-member', 'Site A', 'admin@contoso.test'])).code, 0);
    assert.equal((await gatepass(env, ['unit', 'delete', 'Site A'])).code, 0);
    assert.deepEqual(oneJsonObject((await gatepass(env, ['unit', 'list', '--json'])).stdout).value, []);
    const missing = await gatepass(env, ['unit', 'show', 'Site A']);
    assert.equal(missing.code, 1);
    const rt = await openRuntime({ config: loadConfig(env) });
    try {
      const rows = await rt.deps.db
        .selectFrom('audit_events')
        .select(['activity_display_name', 'result'])
        .where('category', '=', 'AdministrativeUnit')
        .execute();
      assert.deepEqual(rows.map((r) => `${r.activity_display_name} ${r.result}`).sort(), [
        'Add administrative unit success',
        'Add member to administrative unit failure',
        'Add member to administrative unit success',
        'Delete administrative unit success',
        'Remove member from administrative unit success',
      ]);
    } finally {
      await rt.close();
    }
  });

  it('user show reports the sign-in throttle and user unlock clears it', async () => {
    const rt = await openRuntime({ config: loadConfig(env) });
    try {
      const admin = await rt.deps.db
        .selectFrom('users')
        .select('id')
        .where('user_principal_name', '=', 'admin@contoso.test')
        .executeTakeFirstOrThrow();
      for (let i = 0; i < 3; i++) {
        const start = await beginAttempt(rt.deps, userSubject(admin.id), '203.0.113.7');
        assert.ok(start.allowed);
        await attemptFailed(rt.deps, start.ticket);
      }
    } finally {
      await rt.close();
    }
    const before = oneJsonObject((await gatepass(env, ['user', 'show', 'admin@contoso.test', '--json'])).stdout);
    assert.equal((before['@gatepass.signInThrottle'] as { failures: number }).failures, 3);
    const text = await gatepass(env, ['user', 'show', 'admin@contoso.test']);
    assert.match(text.stdout, /passwords: 3 recent failure/);
    const unlocked = await gatepass(env, ['user', 'unlock', 'admin@contoso.test', '--json']);
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.equal((oneJsonObject(unlocked.stdout)['@gatepass.signInThrottle'] as { failures: number }).failures, 0);
  });

  it('tap create prints the pass once (stored only as argon2id), replaces the old one; show never prints it; delete revokes', async () => {
    const first = await gatepass(env, ['tap', 'create', 'admin@contoso.test', '--lifetime', '120', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const issued = oneJsonObject(first.stdout);
    const pass = String(issued.temporaryAccessPass);
    assert.match(pass, /^[2-9A-Za-z]{8}$/);
    assert.equal(issued.lifetimeInMinutes, 120);
    assert.equal(issued['@odata.type'], '#microsoft.graph.temporaryAccessPassAuthenticationMethod');
    const rt = await openRuntime({ config: loadConfig(env) });
    try {
      const rows = await rt.deps.db.selectFrom('temporary_access_passes').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(pass), 'the pass is not stored in clear');
    } finally {
      await rt.close();
    }
    const shown = await gatepass(env, ['tap', 'show', 'admin@contoso.test', '--json']);
    assert.ok(!shown.stdout.includes(pass));
    const value = oneJsonObject(shown.stdout).value as {
      id: string;
      temporaryAccessPass: unknown;
      isUsable: boolean;
    }[];
    assert.deepEqual(
      value.map((v) => [v.id, v.temporaryAccessPass, v.isUsable]),
      [[issued.id, null, true]],
    );

    const second = await gatepass(env, ['tap', 'create', 'admin@contoso.test', '--one-time']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /This replaces the pass issued by .*gatepass CLI/);
    assert.match(second.stdout, /shown only once/);
    const outOfRange = await gatepass(env, ['tap', 'create', 'admin@contoso.test', '--lifetime', '5']);
    assert.equal(outOfRange.code, 1);
    assert.match(outOfRange.stderr, /lifetimeInMinutes/);

    assert.equal((await gatepass(env, ['tap', 'delete', 'admin@contoso.test'])).code, 0);
    const none = await gatepass(env, ['tap', 'show', 'admin@contoso.test']);
    assert.match(none.stdout, /holds no Temporary Access Pass/);
    assert.equal((await gatepass(env, ['tap', 'delete', 'admin@contoso.test'])).code, 1);
  });

  it('policy tap show and set: options merge, a change that breaks a rule is refused whole', async () => {
    const shown = oneJsonObject((await gatepass(env, ['policy', 'tap', 'show', '--json'])).stdout);
    assert.equal(shown.state, 'enabled');
    assert.equal(shown.defaultLifetimeInMinutes, 60);
    const set = await gatepass(env, [
      'policy',
      'tap',
      'set',
      '--max-lifetime',
      '240',
      '--length',
      '12',
      '--one-time',
      '--json',
    ]);
    assert.equal(set.code, 0, set.stderr);
    const after = oneJsonObject(set.stdout);
    assert.deepEqual(
      [after.maximumLifetimeInMinutes, after.defaultLength, after.isUsableOnce, after.defaultLifetimeInMinutes],
      [240, 12, true, 60],
    );
    const bad = await gatepass(env, ['policy', 'tap', 'set', '--default-lifetime', '300']);
    assert.equal(bad.code, 1, 'default above the maximum');
    const unchanged = oneJsonObject((await gatepass(env, ['policy', 'tap', 'show', '--json'])).stdout);
    assert.equal(unchanged.defaultLifetimeInMinutes, 60);
    const restored = await gatepass(env, [
      'policy',
      'tap',
      'set',
      '--max-lifetime',
      '480',
      '--length',
      '8',
      '--no-one-time',
    ]);
    assert.equal(restored.code, 0, restored.stderr);
  });

  it('security defaults: show, off, on, with the Graph policy shape', async () => {
    const show = await gatepass(env, ['--json', 'policy', 'security-defaults']);
    assert.equal(oneJsonObject(show.stdout).isEnabled, true);
    const off = await gatepass(env, ['policy', 'security-defaults', 'off', '--json']);
    assert.equal(oneJsonObject(off.stdout).isEnabled, false);
    const on = await gatepass(env, ['policy', 'security-defaults', 'on']);
    assert.match(on.stdout, /ON/);
    const bad = await gatepass(env, ['policy', 'security-defaults', 'maybe']);
    assert.equal(bad.code, 2);
  });

  it('app secrets: add prints a new secret once, remove deletes it', async () => {
    const created = oneJsonObject(
      (await gatepass(env, ['app', 'create', '--name', 'Web', '--redirect-uri', 'https://app.example/cb', '--json']))
        .stdout,
    );
    const added = await gatepass(env, ['app', 'secret', 'add', String(created.appId), '--days', '30', '--json']);
    assert.equal(added.code, 0, added.stderr);
    const cred = oneJsonObject(added.stdout);
    assert.ok(cred.secretText && cred.keyId);
    const tooLong = await gatepass(env, ['app', 'secret', 'add', 'Web', '--days', '9999']);
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.stderr, /--days/);
    const removed = await gatepass(env, ['app', 'secret', 'remove', 'Web', String(cred.keyId)]);
    assert.equal(removed.code, 0, removed.stderr);
    const shown = oneJsonObject((await gatepass(env, ['app', 'show', 'Web', '--json'])).stdout);
    assert.equal((shown.passwordCredentials as unknown[]).length, 1);
  });

  it('app role add/remove give an app a directory role (shown by app show); policy app-permissions-reach-privileged-users toggles', async () => {
    const created = oneJsonObject(
      (
        await gatepass(env, [
          'app',
          'create',
          '--name',
          'Tap issuer',
          '--permission',
          'UserAuthenticationMethod.ReadWrite.All',
          '--json',
        ])
      ).stdout,
    );
    const none = await gatepass(env, ['app', 'show', 'Tap issuer']);
    assert.match(none.stdout, /Directory roles:\s+none/);
    const added = await gatepass(env, [
      'app',
      'role',
      'add',
      'Tap issuer',
      'privileged authentication administrator',
      '--json',
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(oneJsonObject(added.stdout).roleDefinitionId, '7be44c8a-adaf-4e2a-84d6-ab2649e08a13');
    const shown = oneJsonObject((await gatepass(env, ['app', 'show', String(created.appId), '--json'])).stdout);
    assert.deepEqual(
      (shown.gatepassRoleAssignments as { roleDisplayName: string; directoryScopeId: string }[]).map((r) => [
        r.roleDisplayName,
        r.directoryScopeId,
      ]),
      [['Privileged Authentication Administrator', '/']],
    );
    assert.match(
      (await gatepass(env, ['app', 'show', 'Tap issuer'])).stdout,
      /Directory roles:\s+Privileged Authentication Administrator \(tenant-wide\)/,
    );
    const twice = await gatepass(env, ['app', 'role', 'add', 'Tap issuer', 'Privileged Authentication Administrator']);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already holds/);
    const unknown = await gatepass(env, ['app', 'role', 'add', 'Tap issuer', 'Tea Maker']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /not a built-in directory role.*Global Administrator/);
    assert.equal(
      (await gatepass(env, ['app', 'role', 'remove', 'Tap issuer', '7be44c8a-adaf-4e2a-84d6-ab2649e08a13'])).code,
      0,
    );
    assert.match((await gatepass(env, ['app', 'show', 'Tap issuer'])).stdout, /Directory roles:\s+none/);
    assert.equal(
      (await gatepass(env, ['app', 'role', 'remove', 'Tap issuer', 'Privileged Authentication Administrator'])).code,
      1,
    );

    const setting = ['policy', 'app-permissions-reach-privileged-users'];
    assert.equal(
      oneJsonObject((await gatepass(env, [...setting, '--json'])).stdout).isEnabled,
      false,
      'off by default',
    );
    assert.match((await gatepass(env, [...setting, 'on'])).stdout, /^ON/);
    assert.equal(oneJsonObject((await gatepass(env, [...setting, 'show', '--json'])).stdout).isEnabled, true);
    assert.match((await gatepass(env, [...setting, 'off'])).stdout, /^OFF/);
    assert.equal((await gatepass(env, [...setting, 'sometimes'])).code, 2);
  });

  it('a bad setting stops `gatepass serve` with one line naming it', async () => {
    const r = await gatepass({ ...env, PORT: 'abc' }, ['serve']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^gatepass: PORT /);
    const bad = await gatepass({ ...env, GATEPASS_TRUST_PROXY: '10.0.0.0/33' }, ['user', 'list']);
    assert.equal(bad.code, 78);
    assert.match(bad.stderr, /GATEPASS_TRUST_PROXY/);
  });

  it('usage errors exit 2 with one line', async () => {
    const r = await gatepass(env, ['user', 'create', '--display-name', 'X']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^gatepass: required option '--upn/);
    const unknown = await gatepass(env, ['frobnicate']);
    assert.equal(unknown.code, 2);
  });
});

describe('gatepass CLI beside a running server', () => {
  it('changes the store the server is serving, and backs it up online', async () => {
    const server = await startTestServer('sqlite');
    after(() => server.close());
    const env = { ...server.database.env };
    const created = await gatepass(env, [
      'user',
      'create',
      '--upn',
      'carol@gatepass.local',
      '--display-name',
      'Carol',
      '--no-password',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const id = String(oneJsonObject(created.stdout).id);
    // The server's own connection sees the CLI's committed write at once.
    const seen = await server.runtime.deps.db
      .selectFrom('users')
      .select('user_principal_name')
      .where('id', '=', id)
      .executeTakeFirst();
    assert.equal(seen?.user_principal_name, 'carol@gatepass.local');
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    const file = path.join(server.database.dataDir, 'online.db');
    const backup = await gatepass(env, ['backup', file]);
    assert.equal(backup.code, 0, backup.stderr);
    const copy = new SQLite(file, { readonly: true });
    try {
      assert.equal((copy.prepare('select count(*) as n from users where id = ?').get(id) as { n: number }).n, 1);
    } finally {
      copy.close();
    }
  });
});
