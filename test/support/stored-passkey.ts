// A passkey row written straight to the store, for tests that list, rename or delete methods and never sign in with
// it: its key is random bytes, so it can never verify an assertion.

import { randomBytes } from 'node:crypto';
import { newId } from '../../src/domain/ids.js';
import type { Deps } from '../../src/services/deps.js';
import { createFido2MethodsRepo, type Fido2MethodRecord } from '../../src/store/repos/fido2-methods.js';

export async function insertStoredPasskey(
  deps: Deps,
  userId: string,
  overrides: Partial<Fido2MethodRecord> = {},
): Promise<Fido2MethodRecord> {
  const record: Fido2MethodRecord = {
    id: newId(),
    userId,
    credentialId: randomBytes(32).toString('base64url'),
    publicKey: randomBytes(77).toString('base64url'),
    signCount: 0,
    displayName: 'Passkey',
    aaguid: '00000000-0000-0000-0000-000000000000',
    transports: ['internal'],
    deviceType: 'singleDevice',
    backedUp: false,
    attestationLevel: 'notAttested',
    rpId: deps.config.rpId,
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    ...overrides,
  };
  await createFido2MethodsRepo(deps.db).insert(record);
  return record;
}
