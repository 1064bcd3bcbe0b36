// The clock every piece of domain logic takes, so tests (and the test-only offset) can move time.

export interface Clock {
  now(): Date;
}

export const systemClock = (offsetSeconds = 0): Clock => ({
  now: () => new Date(Date.now() + offsetSeconds * 1000),
});

/** A clock tests move explicitly; never sleeps. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}
