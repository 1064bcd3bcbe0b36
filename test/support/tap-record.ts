// A Temporary Access Pass record for the unit tests of the pass rules: a 60-minute multi-use access pass that starts
// at TAP_T0, any field overridden.

import type { TapRecord } from '../../src/domain/tap/pass.js';

export const TAP_T0 = new Date('2026-06-05T08:00:00.000Z');

export const tapRecord = (overrides: Partial<TapRecord> = {}): TapRecord => ({
  id: 'bdaede67-61e0-4349-9347-d2d6afd84009',
  userId: 'u1',
  createdAt: TAP_T0,
  startAt: TAP_T0,
  lifetimeMinutes: 60,
  isUsableOnce: false,
  usedAt: null,
  purpose: 'access',
  disputedAt: null,
  ...overrides,
});
