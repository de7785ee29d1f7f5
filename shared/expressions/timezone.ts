// Wall clocks of IANA timezones: validation, instant → wall time, and wall time → the instant EventBridge fires at.
import { ExpressionError } from './errors.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

let knownZones: Map<string, string> | undefined;

/** The canonical spelling of an IANA timezone name, or undefined when the runtime does not know it. */
export function canonicalTimezone(name: string): string | undefined {
  if (!knownZones) {
    knownZones = new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));
    knownZones.set('utc', 'UTC');
    knownZones.set('etc/utc', 'Etc/UTC');
    knownZones.set('gmt', 'UTC');
  }
  const known = knownZones.get(name.toLowerCase());
  if (known) return known;
  // Links such as US/Eastern are valid IANA names that supportedValuesOf does not list.
  try {
    formatterFor(name);
    return name;
  } catch {
    return undefined;
  }
}

/** Validates an IANA timezone name (default UTC) and returns its canonical spelling. */
export function parseTimezone(name: string | undefined, field = 'timezone'): string {
  if (name === undefined || name === '') return 'UTC';
  const canonical = /^[A-Za-z0-9_+\-/]+$/.test(name) ? canonicalTimezone(name) : undefined;
  if (!canonical) {
    throw new ExpressionError(field, `"${name}" is not an IANA timezone name.`, {
      hint: 'Use a name from the IANA database, such as "America/New_York", "Europe/London" or "UTC".',
    });
  }
  return canonical;
}

/**
 * The wall-clock time of an instant in a timezone, as milliseconds of a UTC date with the same fields
 * ("fake UTC"), so that wall-clock arithmetic is plain arithmetic.
 */
export function toWallClock(instantMs: number, timezone: string): number {
  const parts = formatterFor(timezone).formatToParts(new Date(instantMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall + (((instantMs % 1000) + 1000) % 1000);
}

/** Offset of the timezone from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function offsetAt(instantMs: number, timezone: string): number {
  const floored = Math.floor(instantMs / MINUTE_MS) * MINUTE_MS;
  return toWallClock(floored, timezone) - floored;
}

/**
 * The instant a wall-clock time denotes, with EventBridge Scheduler's rules: a wall time that does not
 * exist (spring forward) gives undefined; one that happens twice (fall back) gives its first occurrence.
 */
export function fromWallClock(wallMs: number, timezone: string): number | undefined {
  // At most one offset change lies within a day of any instant, so these two offsets are the candidates.
  const offsets = new Set([offsetAt(wallMs - DAY_MS, timezone), offsetAt(wallMs + DAY_MS, timezone)]);
  let first: number | undefined;
  for (const offset of offsets) {
    const instant = wallMs - offset;
    if (toWallClock(instant, timezone) === wallMs && (first === undefined || instant < first)) first = instant;
  }
  return first;
}
