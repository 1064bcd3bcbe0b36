// `gatepass keys rotate` and `gatepass keys list`: both kinds of key the provider holds (token-signing keys and cookie
// keys) rotate together, in one transaction with its audit entry, on the same schedule: published to every process
// now, signing after GATEPASS_KEY_ACTIVATION_DELAY_SECONDS, the keys they replace verifying until what they signed
// has expired.

import { type AuditEntry, jsonValue } from '../domain/audit.js';
import { keyStateAt, type KeyState, type KeyTimes, scheduleKeys } from '../domain/signing-keys.js';
import { createKeysRepo } from '../store/repos/keys.js';
import { audited } from './audited.js';
import { cookieKeySchedule, cookieRetentionMs, rotateCookieKey } from './cookie-keys.js';
import type { Deps, RequestContext } from './deps.js';
import { retentionMs, type Rotation, rotateSigningKey } from './signing-keys.js';

export interface KeysRotation {
  signing: Rotation;
  cookies: Rotation;
}

function rotationEntry(rotation: KeysRotation | undefined): AuditEntry {
  const target = (id: string, displayName: string) => ({
    id,
    displayName,
    type: 'Other' as const,
    modifiedProperties: rotation
      ? [
          {
            displayName: 'ActivatesDateTime',
            oldValue: null,
            newValue: jsonValue(new Date(rotation.signing.activatesAt).toISOString()),
          },
        ]
      : [],
  });
  return {
    activityDisplayName: 'Rotate keys',
    category: 'DirectoryManagement',
    loggedByService: 'Core Directory',
    operationType: 'Add',
    targetResources: rotation
      ? [target(rotation.signing.kid, 'Token-signing key'), target(rotation.cookies.kid, 'Cookie key')]
      : [],
    additionalDetails: rotation
      ? [
          { key: 'RetiringKeys', value: [...rotation.signing.retiredKids, ...rotation.cookies.retiredKids].join(' ') },
          { key: 'RemovedKeys', value: [...rotation.signing.removedKids, ...rotation.cookies.removedKids].join(' ') },
        ]
      : [],
  };
}

/** Adds the next signing key and the next cookie key, audited. */
export async function rotateKeys(deps: Deps, ctx: RequestContext): Promise<KeysRotation> {
  return audited(
    deps,
    ctx,
    () => rotationEntry(undefined),
    async (tx, record) => {
      // One time for both, so that every process switches both kinds of key at the same instant.
      const now = deps.clock.now().getTime();
      const rotation = {
        signing: await rotateSigningKey(deps, tx, now),
        cookies: await rotateCookieKey(deps, tx, now),
      };
      await record(rotationEntry(rotation));
      return rotation;
    },
  );
}

export interface ListedKey {
  kid: string;
  kind: 'signing' | 'cookie';
  state: Exclude<KeyState, 'removed'> | 'expired';
  createdDateTime: string;
  /** When it signs (or signed) from. */
  activatesDateTime: string;
  /** When it stops (or stopped) signing; null while no rotation has replaced it. */
  retiresDateTime: string | null;
  /** When it stops verifying and is removed. */
  removedDateTime: string | null;
}

function listed<K extends KeyTimes>(kind: ListedKey['kind'], keys: readonly K[], now: number, retention: number) {
  const { current } = scheduleKeys(keys, now, retention);
  const iso = (t: number) => new Date(t).toISOString();
  return keys.map((k): ListedKey => {
    const state = keyStateAt(k, current, now, retention);
    return {
      kid: k.kid,
      kind,
      state: state === 'removed' ? 'expired' : state,
      createdDateTime: iso(k.createdAt),
      activatesDateTime: iso(k.activatesAt ?? k.createdAt),
      retiresDateTime: k.retiredAt === null ? null : iso(k.retiredAt),
      removedDateTime: k.retiredAt === null ? null : iso(k.retiredAt + retention),
    };
  });
}

/** Every stored key of both kinds with where it stands now, the newest first within each kind. */
export async function listKeys(deps: Deps): Promise<ListedKey[]> {
  const now = deps.clock.now().getTime();
  const signing = await createKeysRepo(deps.db).listSigningKeys();
  const cookieSchedule = await cookieKeySchedule(deps);
  const cookies = [...cookieSchedule.published, ...cookieSchedule.removable];
  const byNewest = <K extends KeyTimes>(keys: readonly K[]) => [...keys].sort((a, b) => b.createdAt - a.createdAt);
  return [
    ...listed('signing', byNewest(signing), now, retentionMs(deps)),
    ...listed('cookie', byNewest(cookies), now, cookieRetentionMs(deps)),
  ];
}
