// Keeps a running provider's signing keys and cookie keys equal to the store's schedules, so a `gatepass keys rotate`
// run anywhere reaches every process without a restart: the store is re-read at least every quarter of the activation delay
// (so each process publishes a next key well before it activates) and again at the moment a key changes state
// (so every process switches to the new key at the same instant, from the same timestamps).

import type Provider from 'oidc-provider';
import type { Deps } from '../services/deps.js';
import { removeExpiredCookieKeys } from '../services/cookie-keys.js';
import { loadCookieKeySet, loadSigningKeySet } from '../services/provider-keys.js';
import { removeExpiredSigningKeys } from '../services/signing-keys.js';
import { publishedKids, replaceSigningKeys } from './internals.js';

const MAX_INTERVAL_MS = 30_000;
const MIN_INTERVAL_MS = 50;

export interface KeyRefresh {
  /** Re-reads the keys now (also what the timer does); resolves when the provider holds them. */
  refresh(): Promise<void>;
  stop(): void;
}

export function startKeyRefresh(provider: Provider, deps: Deps): KeyRefresh {
  const intervalMs = Math.min(MAX_INTERVAL_MS, (deps.config.keyActivationDelaySeconds * 1000) / 4);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** The cookie kids the provider holds; empty until the first refresh (the provider was built with the same). */
  let cookieKids: string[] = [];

  const refresh = async (): Promise<number | undefined> => {
    const set = await loadSigningKeySet(deps);
    const held = publishedKids(provider);
    if (held.join(' ') !== set.kids.join(' ')) {
      replaceSigningKeys(provider, set.jwks);
      deps.log.info({ kids: set.kids }, 'signing keys changed: now signing with the first');
    }
    if (set.removable > 0) await removeExpiredSigningKeys(deps);
    // Koa reads app.keys when a request first touches its cookies: the swap holds from the next request on.
    const cookies = await loadCookieKeySet(deps);
    if (cookieKids.join(' ') !== cookies.kids.join(' ')) {
      provider.keys = cookies.values;
      if (cookieKids.length > 0)
        deps.log.info({ kids: cookies.kids }, 'cookie keys changed: now signing with the first');
      cookieKids = cookies.kids;
    }
    if (cookies.removable > 0) await removeExpiredCookieKeys(deps);
    return [set.nextChangeAt, cookies.nextChangeAt].reduce<number | undefined>(
      (soonest, t) => (t === undefined ? soonest : Math.min(soonest ?? t, t)),
      undefined,
    );
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
      deps.log.warn({ err }, 'keys could not be re-read; keeping the current ones');
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
