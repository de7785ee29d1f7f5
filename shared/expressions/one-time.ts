// One-time schedules: an ISO 8601 instant (Z or an offset), or a wall time read in the schedule's timezone.
import { ExpressionError } from './errors.ts';
import { fromWallClock, toWallClock } from './timezone.ts';

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const LAST_WALL_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
const EXAMPLE = 'Use an ISO 8601 time such as "2026-12-01T09:00:00Z" or "2026-12-01T09:00:00-05:00".';

/** The instant a one-time schedule fires at. Throws when it is malformed, does not exist, or is not after `now`. */
export function parseScheduledTime(input: string, timezone: string, now: Date, field = 'scheduledTime'): Date {
  const instant = parseInstant(input, timezone, field);
  if (instant.getTime() <= now.getTime()) {
    throw new ExpressionError(field, `"${input}" is in the past (it is now ${now.toISOString()}).`, {
      hint: 'A one-time schedule needs a time in the future.',
    });
  }
  return instant;
}

/**
 * An ISO 8601 instant (Z or an offset), or a wall time read in `timezone`, past or future. Throws when it is
 * malformed, does not exist in the timezone, or is after the last wall time at() can name.
 */
export function parseInstant(input: string, timezone: string, field: string): Date {
  const match = ISO.exec(input.trim());
  if (!match) throw new ExpressionError(field, `"${input}" is not an ISO 8601 date and time.`, { hint: EXAMPLE });
  const [, year, month, day, hour, minute, second = '0', , zone] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const wallDate = new Date(wall);
  if (
    wallDate.getUTCMonth() !== Number(month) - 1 ||
    wallDate.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  ) {
    throw new ExpressionError(field, `"${input}" is not a real date and time.`, { hint: EXAMPLE });
  }

  let instant: number | undefined;
  if (zone) {
    const sign = zone === 'Z' || zone === 'z' ? 0 : zone.startsWith('-') ? -1 : 1;
    const digits = zone.replace(/[^0-9]/g, '');
    const offsetMinutes = sign === 0 ? 0 : sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    instant = wall - offsetMinutes * 60_000;
  } else {
    instant = fromWallClock(wall, timezone);
    if (instant === undefined) {
      throw new ExpressionError(field, `"${input}" does not exist in ${timezone}: the clocks skip it (daylight saving).`, {
        hint: 'Pick a time outside the skipped hour, or give an explicit offset such as "-05:00".',
      });
    }
  }
  // EventBridge's at() spells the wall clock in the schedule's timezone with a four-digit year.
  if (toWallClock(instant, timezone) > LAST_WALL_CLOCK_MS) {
    throw new ExpressionError(field, `"${input}" is after the last time a schedule can name (9999-12-31T23:59:59 in ${timezone}).`, {
      hint: 'Pick an earlier time.',
    });
  }
  return new Date(instant);
}
