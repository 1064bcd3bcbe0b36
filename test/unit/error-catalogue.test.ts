import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, errorCatalogue, graphErrorEnvelope, type ErrorSpec } from '../../src/domain/errors.js';
import { accessErrors } from '../../src/domain/errors/access.js';
import { applicationErrors } from '../../src/domain/errors/applications.js';
import { directoryErrors } from '../../src/domain/errors/directory.js';
import { generalErrors } from '../../src/domain/errors/general.js';
import { methodErrors } from '../../src/domain/errors/methods.js';
import { queryErrors } from '../../src/domain/errors/query.js';
import { registrationErrors } from '../../src/domain/errors/registration.js';
import { requestErrors } from '../../src/domain/errors/request.js';
import { roleErrors } from '../../src/domain/errors/roles.js';
import { signInErrors } from '../../src/domain/errors/sign-in.js';
import { tapErrors } from '../../src/domain/errors/tap.js';
import { noticeErrors } from '../../src/domain/errors/notices.js';
import { unitErrors } from '../../src/domain/errors/units.js';

const entries = Object.entries(errorCatalogue) as [string, ErrorSpec][];

describe('error catalogue', () => {
  it('gives every entry an error status, a Graph code and a message', () => {
    assert.ok(entries.length > 0);
    for (const [name, spec] of entries) {
      assert.ok(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599, `${name}: ${spec.status}`);
      assert.equal(typeof spec.graphCode, 'string', name);
      assert.ok(spec.graphCode.length > 0, name);
      if (typeof spec.message === 'string') assert.ok(spec.message.trim().length > 0, name);
      else assert.equal(typeof spec.message, 'function', name);
      if (spec.title !== undefined) assert.ok(spec.title.trim().length > 0, name);
    }
  });

  it("names an entry's family only by another entry of the same status and Graph code", () => {
    for (const [name, spec] of entries) {
      if (spec.code === undefined) continue;
      const family = (errorCatalogue as Record<string, ErrorSpec>)[spec.code];
      assert.ok(family, `${name}: family '${spec.code}' is not an entry`);
      assert.equal(family.code, undefined, `${name}: family '${spec.code}' has a family itself`);
      assert.equal(spec.status, family.status, name);
      assert.equal(spec.graphCode, family.graphCode, name);
    }
  });

  // A sign-in log code names one situation, so the log can be searched by it. A few situations are reached from
  // more than one place, and share their code on purpose: these, and no others.
  it('shares a sign-in log error code only between the entries of one situation', () => {
    const byCode = new Map<number, string[]>();
    for (const [name, spec] of entries) {
      if (spec.signInErrorCode === undefined) continue;
      assert.ok(Number.isInteger(spec.signInErrorCode) && spec.signInErrorCode >= 0, name);
      byCode.set(spec.signInErrorCode, [...(byCode.get(spec.signInErrorCode) ?? []), name]);
    }
    const shared = Object.fromEntries([...byCode].filter(([, names]) => names.length > 1));
    assert.deepEqual(shared, {
      // Entra's "register a method first", whichever requirement asked for it.
      50079: ['signInMfaRequiredNoMethod', 'signInStrengthRequiredNoMethod', 'signInNoUsableMethod'],
      // The interaction is gone: its state ended, or the page's cookie no longer names it.
      90101: ['signInEnded', 'signInPageExpired'],
      // The passkey answer cannot be used: malformed, or its challenge expired or was used.
      90134: ['signInPasskeyMalformed', 'signInPasskeyChallenge'],
    });
  });

  it('defines each entry in one part only (a repeated name would silently replace the other)', () => {
    const parts = {
      generalErrors,
      requestErrors,
      queryErrors,
      accessErrors,
      directoryErrors,
      unitErrors,
      roleErrors,
      applicationErrors,
      methodErrors,
      tapErrors,
      noticeErrors,
      registrationErrors,
      signInErrors,
    };
    const owner = new Map<string, string>();
    for (const [part, specs] of Object.entries(parts))
      for (const name of Object.keys(specs)) {
        assert.equal(owner.get(name), undefined, `${name} is in ${owner.get(name)} and ${part}`);
        owner.set(name, part);
      }
    for (const name of owner.keys()) assert.ok(Object.hasOwn(errorCatalogue, name), `${name} is not joined`);
    assert.equal(owner.size, entries.length, 'every entry of the catalogue comes from a listed part');
  });
});

describe('AppError from an entry', () => {
  it('builds the words from the params and reports the family code', () => {
    const e = new AppError('resourceNotFound', { target: 'id', params: { id: 'bob@contoso.test' } });
    assert.equal(e.code, 'notFound');
    assert.equal(e.entry, 'resourceNotFound');
    assert.equal(e.status, 404);
    assert.equal(e.graphCode, 'Request_ResourceNotFound');
    assert.equal(e.target, 'id');
    assert.equal(
      e.message,
      "Resource 'bob@contoso.test' does not exist or one of its queried reference-property objects are not present.",
    );
  });

  it('uses the fixed words of an entry without params, and its own name as the code', () => {
    const e = new AppError('meRequiresDelegated');
    assert.equal(e.code, 'meRequiresDelegated');
    assert.equal(e.entry, 'meRequiresDelegated');
    assert.equal(e.message, '/me request is only valid with delegated authentication flow.');
  });
});

describe('graphErrorEnvelope', () => {
  const now = new Date('2026-06-05T08:00:00.123Z');

  it("has Graph's shape: code, message, target, innerError with the date and both request ids", () => {
    const e = new AppError('topOutOfRange', { target: '$top', params: { max: 999 } });
    assert.deepEqual(graphErrorEnvelope(e, { requestId: 'r-1', clientRequestId: 'c-1' }, now), {
      error: {
        code: 'BadRequest',
        message: "Invalid value for query option '$top': it must be an integer from 1 to 999.",
        target: '$top',
        innerError: { date: '2026-06-05T08:00:00', 'request-id': 'r-1', 'client-request-id': 'c-1' },
      },
    });
  });

  it('leaves out an absent target and details, and echoes the request id as the client request id', () => {
    const body = graphErrorEnvelope(new AppError('forbidden'), { requestId: 'r-2' }, now);
    assert.deepEqual(Object.keys(body.error), ['code', 'message', 'innerError']);
    assert.equal(body.error.code, 'Authorization_RequestDenied');
    assert.equal(body.error.innerError['client-request-id'], 'r-2');
  });

  it('carries details when given', () => {
    const details = [{ code: 'x', message: 'y', target: 'z' }];
    const body = graphErrorEnvelope({ graphCode: 'BadRequest', message: 'm', details }, { requestId: 'r' }, now);
    assert.deepEqual(body.error.details, details);
  });
});
