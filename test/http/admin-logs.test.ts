// The admin center's Audit logs and Sign-in logs blades and a user's Temporary Access Pass history, over HTTP with
// real console sessions on SQLite and PostgreSQL. Threats: an administrator without log read reading the logs (the
// blade, an entry, or a user's pass history, even with a malformed form); bad input turning into a 500. Also: the
// filters narrow what the log services return, the date range follows the viewer's zone, and paging carries them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_TEMPLATE_IDS } from '../../src/domain/authz/built-in-roles.js';
import { newId } from '../../src/domain/ids.js';
import type { Deps } from '../../src/services/deps.js';
import { submitTap, submitUsername } from '../../src/services/sign-in/index.js';
import { listTemporaryAccessPasses } from '../../src/services/temporary-access-passes.js';
import { createUser } from '../../src/services/users.js';
import { createAuditEventsRepo } from '../../src/store/repos/audit-events.js';
import type { UserRecord } from '../../src/store/repos/users.js';
import { type AdminConsole, newAdministrator } from '../support/admin-console.js';
import { dialects } from '../support/databases.js';
import { auditRows } from '../support/graph-http.js';
import { startTestServer, type TestServer } from '../support/runtime.js';
import { cliContext, signInRequest } from '../support/sign-in-fixtures.js';

const PAGED_AT = Date.parse('2026-03-01T05:00:00.000Z');
const PAGED = 55;
const ALICE_IP = '198.51.100.23';

/** The text of each row of the page's first table body (tags stripped), to assert on what is listed. */
const rowsOf = (html: string): string[] =>
  [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '),
  );
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

for (const dialect of dialects) {
  describe(`admin center log blades (${dialect})`, () => {
    let s: TestServer;
    let deps: Deps;
    let chief: AdminConsole & { user: UserRecord };
    let helper: AdminConsole & { user: UserRecord };
    let alice: UserRecord;
    let bob: UserRecord;

    /** Issues a pass from the console as the chief; returns the pass's code. */
    async function issuePass(user: UserRecord): Promise<string> {
      const res = await chief.post(`/admin/users/${user.id}/authentication-methods/temporary-access-pass`, {
        activation: 'now',
        durationMinutes: '60',
        oneTime: 'no',
        // The users sign in to an app with it (without a password, a pass is for set-up only by default).
        purpose: 'access',
      });
      assert.equal(res.statusCode, 201, res.body.slice(0, 400));
      return /id="temporary-access-pass">([^<]+)</.exec(res.body)![1]!;
    }

    before(async () => {
      s = await startTestServer(dialect);
      deps = s.runtime.deps;
      chief = await newAdministrator(s, 'chief', ROLE_TEMPLATE_IDS.globalAdministrator);
      helper = await newAdministrator(s, 'helper', ROLE_TEMPLATE_IDS.helpdeskAdministrator);
      const passwordless = (name: string) =>
        createUser(deps, cliContext(), {
          userPrincipalName: `${name}@${deps.tenant.defaultDomain}`,
          displayName: name[0]!.toUpperCase() + name.slice(1),
        });
      alice = await passwordless('alice');
      bob = await passwordless('bob');
      const code = await issuePass(alice);
      await issuePass(bob);
      // Alice signs in with her pass (and a wrong one first), then the chief deletes it.
      const req = { ...signInRequest(ALICE_IP), app: { appId: newId(), displayName: 'Contoso portal' } };
      assert.equal((await submitUsername(deps, req, alice.userPrincipalName)).kind, 'tap');
      assert.equal((await submitTap(deps, req, 'XXXXXXXX')).kind, 'tap');
      assert.equal((await submitTap(deps, req, code)).kind, 'done');
      const [pass] = await listTemporaryAccessPasses(deps, cliContext(), alice.id);
      const deleted = await chief.post(`/admin/users/${alice.id}/authentication-methods/delete`, {
        kind: 'temporaryAccessPass',
        id: pass!.pass.id,
      });
      assert.equal(deleted.statusCode, 303, deleted.body.slice(0, 300));
      // More entries than a page holds, at one known instant's neighbourhood, written cheaply to the store.
      const repo = createAuditEventsRepo(deps.db);
      for (let i = 0; i < PAGED; i += 1)
        await repo.insertAuditEvent({
          id: newId(),
          activityDateTime: new Date(PAGED_AT + i * 1000),
          activityDisplayName: 'Update policy',
          category: 'Policy',
          correlationId: newId(),
          loggedByService: 'Core Directory',
          operationType: 'Update',
          result: 'success',
          resultReason: `paged ${i}`,
          initiatedBy: { kind: 'system' },
          targetResources: [{ id: newId(), displayName: 'Some policy', type: 'Policy' }],
          additionalDetails: [],
        });
    });
    after(async () => s?.close());

    it('shows the two blades in the navigation only to an administrator who may read the logs', async () => {
      const home = await chief.get('/admin/users');
      assert.match(home.body, /<a href="\/admin\/audit-logs">Audit logs<\/a>/);
      assert.match(home.body, /<a href="\/admin\/sign-in-logs">Sign-in logs<\/a>/);
      const theirs = await helper.get('/admin/users');
      assert.equal(theirs.statusCode, 200);
      assert.doesNotMatch(theirs.body, /href="\/admin\/audit-logs"|href="\/admin\/sign-in-logs"/);
    });

    it('refuses a helpdesk administrator every log page with the rule, even for a malformed form or id', async () => {
      const pages = [
        '/admin/audit-logs',
        '/admin/audit-logs?from=yesterday',
        `/admin/audit-logs/${newId()}`,
        '/admin/audit-logs/not-an-id',
        '/admin/sign-in-logs',
        '/admin/sign-in-logs?result=maybe',
        `/admin/sign-in-logs/${newId()}`,
        `/admin/users/${alice.id}/pass-history`,
      ];
      for (const url of pages) {
        const res = await helper.get(url);
        assert.equal(res.statusCode, 403, `${url}: ${res.body.slice(0, 200)}`);
        // The rule that refused: no role of theirs allows reading the logs.
        assert.match(
          res.body,
          /id="error-message">Insufficient privileges[^<]*Missing role: [^<]*no directory role that allows this action/,
          url,
        );
        assert.doesNotMatch(res.body, /<table/, `${url} lists nothing`);
      }
      // The page the helpdesk may open still offers the link; the refusal is the history page's.
      assert.match((await helper.get(`/admin/users/${alice.id}`)).body, /Temporary Access Pass history/);
    });

    it('narrows the audit log by user, activity, result and correlation id through the service', async () => {
      const registered = { activity: 'Admin registered security info' };
      const all = rowsOf((await chief.get(`/admin/audit-logs?${q(registered)}`)).body);
      assert.ok(all.some((r) => r.includes('alice@')) && all.some((r) => r.includes('bob@')), all.join('\n'));
      const byAlice = await chief.get(`/admin/audit-logs?${q({ ...registered, user: alice.userPrincipalName })}`);
      assert.equal(byAlice.statusCode, 200);
      const rows = rowsOf(byAlice.body);
      assert.equal(rows.length, 1, rows.join('\n'));
      assert.match(rows[0]!, /Admin registered security info Success .*Chief \(chief@.*Alice \(alice@/);
      // The initiator's name matches too (the chief issued two passes and deleted one); a name no one holds, nothing.
      assert.ok(
        rowsOf((await chief.get(`/admin/audit-logs?${q({ user: chief.user.userPrincipalName })}`)).body).length >= 3,
      );
      assert.match(
        (await chief.get(`/admin/audit-logs?${q({ user: 'nobody@example.test' })}`)).body,
        /No entries match/,
      );

      const [bobs] = (await auditRows(deps, registered)).filter((r) => r.targets[0]?.id === bob.id);
      const byCorrelation = rowsOf(
        (await chief.get(`/admin/audit-logs?${q({ correlationId: bobs!.correlationId })}`)).body,
      );
      assert.equal(byCorrelation.length, 1, byCorrelation.join('\n'));
      assert.match(byCorrelation[0]!, /Bob \(bob@/);
      assert.match(
        (await chief.get(`/admin/audit-logs?${q({ ...registered, result: 'failure' })}`)).body,
        /No entries match/,
      );
    });

    it('takes the date range in the viewer time zone, and says when it excludes everything', async () => {
      const day = { activity: 'Update policy', from: '2026-02-28', to: '2026-02-28' };
      // 05:00 UTC on 1 March is still 28 February ten hours west of UTC (getTimezoneOffset 600), not in UTC.
      const utc = await chief.get(`/admin/audit-logs?${q({ ...day, tzOffset: '0' })}`);
      assert.match(utc.body, /No entries match these filters/);
      const west = rowsOf((await chief.get(`/admin/audit-logs?${q({ ...day, tzOffset: '600' })}`)).body);
      assert.equal(west.length, 50, 'the first page of the 55 entries');
      const old = await chief.get(`/admin/audit-logs?${q({ from: '2000-01-01', to: '2000-01-02' })}`);
      assert.equal(old.statusCode, 200);
      assert.match(old.body, /id="no-entries">No entries match/);
    });

    it('pages 50 entries at a time with a "Next page" link that keeps the filters', async () => {
      const first = await chief.get(`/admin/audit-logs?${q({ activity: 'Update policy' })}`);
      const one = rowsOf(first.body);
      assert.equal(one.length, 50);
      const link = /<a class="button secondary" rel="next" href="([^"]+)">Next page<\/a>/.exec(first.body)?.[1];
      assert.ok(link, 'a Next page link');
      const next = new URL(link!.replace(/&amp;/g, '&'), 'http://x');
      assert.equal(next.searchParams.get('activity'), 'Update policy');
      const second = await chief.get(`${next.pathname}${next.search}`);
      const two = rowsOf(second.body);
      assert.equal(two.length, PAGED - 50);
      assert.ok(two.every((r) => r.includes('Update policy')));
      assert.ok(!two.some((r) => one.includes(r)), 'no entry repeats');
      assert.doesNotMatch(second.body, /Next page/);
    });

    it('narrows the sign-in log by user, application, result and correlation id, in plain words', async () => {
      const mine = rowsOf((await chief.get(`/admin/sign-in-logs?${q({ user: alice.userPrincipalName })}`)).body);
      assert.ok(mine.length >= 2 && mine.every((r) => r.includes('alice@')), mine.join('\n'));
      assert.match((await chief.get(`/admin/sign-in-logs?${q({ user: bob.userPrincipalName })}`)).body, /No entries/);
      const ok = rowsOf((await chief.get(`/admin/sign-in-logs?${q({ app: 'Contoso', result: 'success' })}`)).body);
      assert.equal(ok.length, 1, ok.join('\n'));
      assert.match(
        ok[0]!,
        /Alice \(alice@.*Contoso portal Success .*Temporary Access Pass \(multi-factor\).*198\.51\.100\.23/,
      );
      const failed = rowsOf((await chief.get(`/admin/sign-in-logs?${q({ app: 'Contoso', result: 'failure' })}`)).body);
      assert.equal(failed.length, 1, failed.join('\n'));
      assert.match(failed[0]!, /Failure .*\(error \d+\)/);
      const id = /href="\/admin\/sign-in-logs\/([0-9a-f-]{36})"/.exec(
        (await chief.get(`/admin/sign-in-logs?${q({ app: 'Contoso', result: 'success' })}`)).body,
      )![1]!;
      const detail = await chief.get(`/admin/sign-in-logs/${id}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /198\.51\.100\.23/);
      const correlation = /id="correlation-id">([^<]+)</.exec(detail.body)![1]!;
      const same = rowsOf((await chief.get(`/admin/sign-in-logs?${q({ correlationId: correlation })}`)).body);
      assert.equal(same.length, 2, 'the wrong pass and the right one, one sign-in interaction');
    });

    it("shows an audit entry in full: its targets' modified properties and its correlation id", async () => {
      const list = await chief.get(`/admin/audit-logs?${q({ activity: 'Admin deleted security info' })}`);
      const id = /href="\/admin\/audit-logs\/([0-9a-f-]{36})"/.exec(list.body)![1]!;
      const detail = await chief.get(`/admin/audit-logs/${id}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /TemporaryAccessPass\.Id/);
      assert.match(detail.body, /Alice/);
      assert.match(detail.body, /id="correlation-id">[0-9a-f-]{36}</);
      assert.equal((await chief.get(`/admin/audit-logs/${newId()}`)).statusCode, 404);
      assert.equal((await chief.get(`/admin/sign-in-logs/${newId()}`)).statusCode, 404);
    });

    it('answers bad input with a 400 page naming the field, never a 500', async () => {
      const cases: [string, string][] = [
        [`/admin/audit-logs?${q({ from: '2026-02-31' })}`, 'From date'],
        [`/admin/audit-logs?${q({ to: 'tomorrow' })}`, 'To date'],
        [`/admin/audit-logs?${q({ from: '2026-03-02', to: '2026-03-01' })}`, 'To date'],
        [`/admin/audit-logs?${q({ result: 'maybe' })}`, 'Result'],
        [`/admin/audit-logs?${q({ activity: 'Launch rockets' })}`, 'Activity'],
        [`/admin/audit-logs?${q({ correlationId: "x' or 1 eq 1" })}`, 'Correlation ID'],
        [`/admin/audit-logs?${q({ page: 'not-a-token' })}`, 'Page'],
        [`/admin/sign-in-logs?${q({ from: '01/03/2026' })}`, 'From date'],
        [`/admin/sign-in-logs?${q({ page: Buffer.from('{"v":1}').toString('base64url') })}`, 'Page'],
        ['/admin/audit-logs/not-an-id', 'Audit ID'],
        ['/admin/sign-in-logs/42', 'Request ID'],
        ['/admin/users/nobody/pass-history', 'User ID'],
      ];
      for (const [url, field] of cases) {
        const res = await chief.get(url);
        assert.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 300)}`);
        assert.match(res.body, new RegExp(`id="error-message">${field}:`), url);
      }
      // A quote in a name is a literal, not filter syntax.
      const quoted = await chief.get(`/admin/sign-in-logs?${q({ user: "o'brien@x", app: "a') or (1 eq 1" })}`);
      assert.equal(quoted.statusCode, 200);
      assert.match(quoted.body, /No entries match/);
    });

    it("lists a user's pass history: created by whom, used from where, deleted by whom", async () => {
      const overview = await chief.get(`/admin/users/${alice.id}`);
      assert.match(
        overview.body,
        new RegExp(`href="/admin/users/${alice.id}/pass-history">Temporary Access Pass history`),
      );
      const methods = await chief.get(`/admin/users/${alice.id}/authentication-methods`);
      assert.match(methods.body, /pass-history">Temporary Access Pass history/);
      const res = await chief.get(`/admin/users/${alice.id}/pass-history`);
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      const rows = rowsOf(res.body);
      assert.equal(rows.length, 3, rows.join('\n'));
      assert.match(rows[0]!, /Created Chief \(chief@.* Valid from .* until /);
      assert.match(rows[1]!, /Used to sign in alice@.* From 198\.51\.100\.23 to Contoso portal \(success/);
      assert.match(rows[2]!, /Deleted Chief \(chief@/);
      const bobs = rowsOf((await chief.get(`/admin/users/${bob.id}/pass-history`)).body);
      assert.equal(bobs.length, 1, 'created only; never used');
      assert.doesNotMatch(bobs.join(), /198\.51\.100\.23/);
      assert.equal((await chief.get(`/admin/users/${newId()}/pass-history`)).statusCode, 404);
    });
  });
}
