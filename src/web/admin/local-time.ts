// Dates and times an administrator types in their own time zone, turned into instants: the console script fills a
// form's hidden tzOffset field with the browser's offset (getTimezoneOffset: minutes west of UTC).

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})$/;

/** The browser's offset in minutes; a missing or garbled one reads as UTC, the zone the page shows before its script runs. */
function offsetOf(tzOffset: string): number {
  const minutes = Number.parseInt(tzOffset || '0', 10);
  // Real zones lie within UTC−12 … UTC+14.
  return Number.isInteger(minutes) && Math.abs(minutes) <= 14 * 60 ? minutes : 0;
}

/** The instant `date` (YYYY-MM-DD) at `time` (HH:MM) names in the viewer's zone, or undefined for a date or time that does not exist. */
export function localInstant(date: string, time: string, tzOffset: string): Date | undefined {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t) return undefined;
  const [year, month, day, hour, minute] = [+d[1]!, +d[2]!, +d[3]!, +t[1]!, +t[2]!];
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Date.UTC rolls 31 February over into March; a date that does not round-trip was not a date.
  if (local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day || hour > 23 || minute > 59) return undefined;
  return new Date(local.getTime() + offsetOf(tzOffset) * 60_000);
}
