// How long a /my session lives: an idle lifetime renewed on each visit, never past an absolute lifetime from the sign-in.

export interface MySessionLifetime {
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/** The expiries after a visit at `now` of a session whose sign-in happened at `authTime` (epoch seconds). */
export function mySessionLifetime(
  authTime: number,
  now: Date,
  idleMinutes: number,
  maxMinutes: number,
): MySessionLifetime {
  const absoluteExpiresAt = new Date(authTime * 1000 + maxMinutes * 60_000);
  const idle = now.getTime() + idleMinutes * 60_000;
  return { idleExpiresAt: new Date(Math.min(idle, absoluteExpiresAt.getTime())), absoluteExpiresAt };
}
