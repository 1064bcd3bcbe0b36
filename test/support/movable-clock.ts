// Real time plus an offset the test moves: the server's clock, for windows and code steps a test must not wait for
// (oidc-provider and the browser keep real time).

import type { Clock } from '../../src/domain/clock.js';

export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
  /** Moves to the middle of the next 30-second step: a fresh TOTP code, and ±1 step cannot straddle the move. */
  nextStep(): void {
    const now = this.now().getTime();
    this.offsetMs += (Math.floor(now / 30_000) + 1) * 30_000 + 15_000 - now;
  }
}
