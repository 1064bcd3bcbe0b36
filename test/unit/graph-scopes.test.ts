// Delegated Graph scopes as an authorization request names them (full or bare names, .default), the refusals Entra
// gives (unknown name, other resource, .default mixed with names), and the `scp` a Graph token carries.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_DELEGATED_PERMISSIONS,
  delegatedPermissionsOf,
  graphScopeValues,
  readGraphScopes,
  type GraphScopeOptions,
} from '../../src/domain/authz/graph-scopes.js';
import {
  APPLICATION_PERMISSION_NAMES,
  DELEGATED_PERMISSION_NAMES,
  GRAPH_PERMISSIONS,
} from '../../src/domain/authz/permissions.js';

const G = 'https://graph.microsoft.com';
const ISSUER = 'https://login.contoso.test';
const options: GraphScopeOptions = {
  oidcScopes: new Set(['openid', 'profile', 'email', 'offline_access']),
  graphAliases: [ISSUER],
};

describe('readGraphScopes', () => {
  it('keeps the Graph values as requested, in order, once each; OIDC scopes are not Graph', () => {
    assert.deepEqual(
      readGraphScopes(
        `openid profile offline_access ${G}/User.Read UserAuthenticationMethod.ReadWrite ${G}/User.Read`,
        options,
      ),
      {
        ok: true,
        graph: { values: [`${G}/User.Read`, 'UserAuthenticationMethod.ReadWrite'], isDefault: false },
      },
    );
    assert.deepEqual(readGraphScopes('openid profile', options), { ok: true, graph: { values: [], isDefault: false } });
    assert.deepEqual(readGraphScopes(undefined, options), { ok: true, graph: { values: [], isDefault: false } });
  });

  it('reads .default under Graph and under the aliases', () => {
    assert.deepEqual(readGraphScopes(`${G}/.default`, options), {
      ok: true,
      graph: { values: [`${G}/.default`], isDefault: true },
    });
    assert.deepEqual(readGraphScopes(`openid ${ISSUER}/.default`, options), {
      ok: true,
      graph: { values: [`${ISSUER}/.default`], isDefault: true },
    });
  });

  it('refuses a name Graph does not have, naming it, with a hint when only the case differs', () => {
    const unknown = readGraphScopes(`openid ${G}/Mail.Send`, options);
    assert.equal(unknown.ok, false);
    if (unknown.ok) return;
    assert.equal(unknown.problem.kind, 'unknownScope');
    assert.equal(unknown.problem.scope, `${G}/Mail.Send`);
    assert.match(unknown.problem.message, /AADSTS650053/);
    const bare = readGraphScopes('openid Files.Read', options);
    assert.ok(!bare.ok && bare.problem.scope === 'Files.Read' && bare.problem.kind === 'unknownScope');
    const cased = readGraphScopes('user.read', options);
    assert.ok(!cased.ok && /did you mean 'User\.Read'/.test(cased.problem.message));
  });

  it('refuses another resource and .default mixed with named permissions', () => {
    const other = readGraphScopes('openid api://payroll/Read', options);
    assert.ok(
      !other.ok &&
        other.problem.kind === 'unknownResource' &&
        /api:\/\/payroll was not found/.test(other.problem.message),
    );
    const mixed = readGraphScopes(`${G}/.default User.Read`, options);
    assert.ok(!mixed.ok && mixed.problem.kind === 'defaultCombined' && mixed.problem.scope === 'User.Read');
  });
});

describe('graphScopeValues', () => {
  it('lists each delegated permission in full and bare form, and .default', () => {
    const values = new Set(graphScopeValues(options));
    for (const name of DELEGATED_PERMISSION_NAMES) {
      assert.ok(values.has(`${G}/${name}`), name);
      assert.ok(values.has(name), name);
    }
    assert.ok(values.has(`${G}/.default`) && values.has(`${ISSUER}/.default`));
    assert.ok(!values.has('openid'));
  });
});

describe('delegatedPermissionsOf', () => {
  it('gives permission names without the resource, .default expanded, each once', () => {
    assert.deepEqual(
      delegatedPermissionsOf([`${G}/UserAuthenticationMethod.ReadWrite`, 'User.Read', `${G}/User.Read`], options),
      ['UserAuthenticationMethod.ReadWrite', 'User.Read'],
    );
    assert.deepEqual(delegatedPermissionsOf([`${G}/.default`], options), [...DEFAULT_DELEGATED_PERMISSIONS]);
    assert.deepEqual(delegatedPermissionsOf(['', 'openid'], options), []);
  });
  it('the .default set is the self-service one and exists in the catalogue', () => {
    assert.deepEqual([...DEFAULT_DELEGATED_PERMISSIONS], ['User.Read', 'UserAuthenticationMethod.ReadWrite']);
    for (const name of DEFAULT_DELEGATED_PERMISSIONS) assert.equal(GRAPH_PERMISSIONS[name]?.selfOnly, true, name);
  });
});

describe('application permissions', () => {
  it('never include the self-only delegated names', () => {
    for (const name of ['User.Read', 'UserAuthenticationMethod.Read', 'UserAuthenticationMethod.ReadWrite']) {
      assert.ok(DELEGATED_PERMISSION_NAMES.includes(name), name);
      assert.ok(!APPLICATION_PERMISSION_NAMES.includes(name), name);
    }
    assert.ok(APPLICATION_PERMISSION_NAMES.includes('UserAuthenticationMethod.ReadWrite.All'));
  });
});
