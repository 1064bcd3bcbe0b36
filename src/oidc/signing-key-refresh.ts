// Keeps a running provider's signing keys equal to the store's schedule, so a `gatepass keys rotate` run anywhere
// reaches every process without a restart: the store is re-read at least every quarter of the activation delay
// (so each process publishes a next key well before it activates) and again at the moment a key changes state
// (so every process switches to the new key at the same instant, from the same timestamps).

import type Provider from 'oidc-provider';
import type { Deps } from '../services/deps.js';
import { loadSigningKeySet } from '../services/provider-keys.js';
import { removeExpiredSigningKeys } from '../services/signing-keys.js';
import { publishedKids, replaceSigningKeys } from './internals.js';

const MAX_INTERVAL_MS = 30_000;
const MIN_INTERVAL_MS = 50;

export interface KeyRefresh {
  /** Re-reads the keys now (also what the timer does); resolves when the provider holds them. */
  refresh(): Promise<void>;
  stop(): void;
}

export function startSigningKeyRefresh(provider: Provider, deps: Deps): KeyRefresh {
  const intervalMs = Math.min(MAX_INTERVAL_MS, (deps.config.keyActivationDelaySeconds * 1000) / 4);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const refresh = async (): Promise<number | undefined> => {
    const set = await loadSigningKeySet(deps);
    const held = publishedKids(provider);
    if (held.join(' ') !== set.kids.join(' ')) {
      replaceSigningKeys(provider, set.jwks);
      deps.log.info({ kids: set.kids }, 'signing keys changed: now signing with the first');
    }
    if (set.removable > 0) await removeExpiredSigningKeys(deps);
    return set.nextChangeAt;
  };

  const schedule = (nextChangeAt: number | undefined) => {
    if (stopped) return;
    const untilChange = nextChangeAt === undefined ? Infinity : nextChangeAt - deps.clock.now().getTime();
    const wait = Math.max(MIN_INTERVAL_MS, Math.min(intervalMs, untilChange));
    timer = setTimeout(tick, wait);
    timer.unref();
  };

  const tick = () => {
    refresh().then(schedule, (err: unknown) => {
      // A store outage keeps the keys the provider holds; the next tick tries again.
      deps.log.warn({ err }, 'signing keys could not be re-read; keeping the current ones');
      schedule(undefined);
    });
  };

  schedule(undefined);
  return {
    refresh: async () => {
      await refresh();
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
