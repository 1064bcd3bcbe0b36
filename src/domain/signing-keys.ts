// Where each signing key stands in its rotation, computed from the times stored with it, so that every process
// reading the same rows at the same moment reaches the same answer without telling each other anything.
//
//   next     published (in the JWKS), not yet signing: now < activatesAt
//   current  signs: the latest key whose activation has come and whose retirement has not
//   retired  no longer signs, still verifies: retiredAt <= now < retiredAt + retention
//   removed  retention is over: every token it signed has expired, so it is dropped from the store

export interface KeyTimes {
  kid: string;
  createdAt: number;
  /** Null for keys made before rotation existed: active from their creation. */
  activatesAt: number | null;
  retiredAt: number | null;
}

export type KeyState = 'next' | 'current' | 'retired' | 'removed';

export interface KeySchedule<K extends KeyTimes> {
  /** The key that signs now; undefined only when no key has been activated (the store is not bootstrapped). */
  current: K | undefined;
  /** Every key to publish, the current one first (oidc-provider signs with the first key that fits). */
  published: K[];
  /** Keys whose retention is over. */
  removable: K[];
  /** The next moment (epoch ms) at which a key changes state, if any: a process re-reads its keys then. */
  nextChangeAt: number | undefined;
}

const activationOf = (key: KeyTimes) => key.activatesAt ?? key.createdAt;

export function keyStateAt(key: KeyTimes, current: KeyTimes | undefined, now: number, retentionMs: number): KeyState {
  if (key.retiredAt !== null && now >= key.retiredAt + retentionMs) return 'removed';
  if (key === current) return 'current';
  if (now < activationOf(key)) return 'next';
  return 'retired';
}

/**
 * Places every key at `now`. `retentionMs` is how long a retired key still verifies: the longest lifetime of a token
 * it may have signed (plus leeway for clocks), counted from its retirement.
 */
export function scheduleKeys<K extends KeyTimes>(keys: readonly K[], now: number, retentionMs: number): KeySchedule<K> {
  const signing = keys
    .filter((k) => activationOf(k) <= now && (k.retiredAt === null || now < k.retiredAt))
    .sort((a, b) => activationOf(b) - activationOf(a) || b.createdAt - a.createdAt);
  const current = signing[0];
  const published: K[] = [];
  const removable: K[] = [];
  for (const key of keys) {
    const state = keyStateAt(key, current, now, retentionMs);
    if (state === 'removed') removable.push(key);
    else if (state !== 'current') published.push(key);
  }
  if (current) published.unshift(current);
  const changes = keys
    .flatMap((k) => [activationOf(k), ...(k.retiredAt === null ? [] : [k.retiredAt, k.retiredAt + retentionMs])])
    .filter((t) => t > now);
  return { current, published, removable, nextChangeAt: changes.length > 0 ? Math.min(...changes) : undefined };
}
