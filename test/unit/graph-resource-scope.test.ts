// The scope Graph's resource server allows a client (domain/consent.ts graphResourceScope) is sorted once and then
// only filtered by the client's tenant-wide grants: it must be exactly what sorting every value at each request gives.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GraphScopeOptions, graphScopeValues } from '../../src/domain/authz/graph-scopes.js';
import { ADMIN_CONSENT_PERMISSION_NAMES, graphResourceScope, sortByConsent } from '../../src/domain/consent.js';

const options: GraphScopeOptions = {
  oidcScopes: new Set(['openid', 'profile', 'email', 'offline_access']),
  graphAliases: ['https://id.example.test'],
};

/** The per-request computation the precomputed one replaces. */
const sortedEachTime = (tenantWide: ReadonlySet<string>) =>
  graphScopeValues(options)
    .filter((v) => sortByConsent([v], tenantWide, options).needsAdmin.length === 0)
    .join(' ');

describe('graphResourceScope', () => {
  const scopeFor = graphResourceScope(options);
  const admin = ADMIN_CONSENT_PERMISSION_NAMES;

  it('equals sorting every value at each request, for no grant, some grants and every grant', () => {
    assert.ok(admin.length >= 3, 'the catalogue has admin-only permissions to grant');
    for (const granted of [[], [admin[0]!], admin.slice(0, 3), [...admin], ['User.Read', 'Not.A.Permission']])
      assert.equal(scopeFor(new Set(granted)), sortedEachTime(new Set(granted)), granted.join(','));
  });

  it('leaves out an admin-only permission until it is granted tenant-wide', () => {
    const name = admin[0]!;
    const values = (granted: string[]) => scopeFor(new Set(granted)).split(' ');
    assert.ok(!values([]).includes(name));
    assert.ok(!values([]).includes(`https://graph.microsoft.com/${name}`));
    assert.ok(values([name]).includes(name));
    assert.ok(values([name]).includes(`https://graph.microsoft.com/${name}`));
    assert.ok(values([]).includes('User.Read'), 'a user-consentable permission is always there');
  });
});
